package dev.driftwatch.charts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The category bars' structure, the highlight, and hostile labels and values. */
class CategoryBarsTest {
    @Test
    void drawsABarPerCategoryPerSeriesAndHighlightsTheNewOnes() {
        SvgDocument doc =
                SvgDocument.parse(
                        new CategoryBars(
                                        "country",
                                        List.of("DE", "FR", "XX"),
                                        Set.of("XX"),
                                        "new",
                                        List.of(
                                                new Series("reference", new double[] {0.6, 0.4, 0}),
                                                new Series(
                                                        "current", new double[] {0.3, 0.3, 0.4})))
                                .toSvg());
        assertThat(doc.all("//g[starts-with(@class,'category')]")).hasSize(3);
        assertThat(doc.all("//rect[@class='bar']")).hasSize(6);
        assertThat(doc.all("//rect[@class='bar'][@data-series='1']")).hasSize(3);
        assertThat(doc.all("//g[@class='category highlighted']")).hasSize(1);
        assertThat(doc.count("rect", "highlight")).isEqualTo(1);
        assertThat(doc.all("//text[@class='category-label highlighted']").get(0).getTextContent())
                .isEqualTo("XX (new)");
        doc.assertFiniteGeometry();
    }

    @Test
    void hostileLabelsAndNonFiniteValuesKeepTheSvgWellFormed() {
        for (String hostile : SvgDocument.HOSTILE) {
            String svg =
                    new CategoryBars(
                                    hostile,
                                    List.of(hostile, "b"),
                                    Set.of(hostile),
                                    hostile,
                                    List.of(
                                            new Series(
                                                    hostile,
                                                    new double[] {
                                                        Double.NaN, Double.POSITIVE_INFINITY
                                                    })))
                            .toSvg();
            SvgDocument doc = SvgDocument.parse(svg);
            assertThat(doc.all("//rect[@class='bar']")).hasSize(2);
            assertThat(doc.all("//script")).isEmpty();
            assertThat(svg).doesNotContain("<script").doesNotContain("\u0000");
            doc.assertFiniteGeometry();
        }
    }

    @Test
    void rejectsASeriesWithTheWrongNumberOfCategories() {
        assertThatThrownBy(
                        () ->
                                new CategoryBars(
                                        "x",
                                        List.of("a"),
                                        Set.of(),
                                        "new",
                                        List.of(new Series("r", new double[2]))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2 values for 1 categories");
    }
}
