package dev.driftwatch.charts;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Escaping, shortening and number formatting. */
class SvgTest {
    @Test
    void escapesTheXmlSpecialCharacters() {
        assertThat(Svg.text("<a href=\"x\">'&'</a>"))
                .isEqualTo("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    }

    @Test
    void replacesCharactersXmlCannotCarry() {
        assertThat(Svg.text("a\u0000b\u0007c\td\ne\uFFFEf\uD800g"))
                .isEqualTo("a\uFFFDb\uFFFDc\td\ne\uFFFDf\uFFFDg");
        assertThat(Svg.text("emoji \uD83D\uDE00 kept")).isEqualTo("emoji \uD83D\uDE00 kept");
        assertThat(Svg.text(null)).isEmpty();
    }

    @Test
    void shortensLongLabelsWithoutSplittingASurrogatePair() {
        assertThat(Svg.shorten("abcdef", 4)).isEqualTo("abc\u2026");
        assertThat(Svg.shorten("abc", 4)).isEqualTo("abc");
        String s = "ab\uD83D\uDE00cdef";
        assertThat(Svg.shorten(s, 4)).isEqualTo("ab\u2026");
    }

    @Test
    void formatsCoordinatesAndValues() {
        assertThat(Svg.coordinate(12.0)).isEqualTo("12");
        assertThat(Svg.coordinate(12.345)).isEqualTo("12.35");
        assertThat(Svg.coordinate(Double.NaN)).isEqualTo("0");
        assertThat(Svg.coordinate(Double.POSITIVE_INFINITY)).isEqualTo("0");
        assertThat(Svg.value(0.123456)).isEqualTo("0.1235");
        assertThat(Svg.value(2.5)).isEqualTo("2.5");
        assertThat(Svg.value(1e-5)).isEqualTo("1.000e-05");
        assertThat(Svg.value(3e9)).isEqualTo("3.000e+09");
        assertThat(Svg.value(Double.NaN)).isEqualTo("NaN");
        assertThat(Svg.value(Double.NEGATIVE_INFINITY)).isEqualTo("-inf");
    }
}
