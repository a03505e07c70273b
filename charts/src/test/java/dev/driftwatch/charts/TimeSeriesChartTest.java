package dev.driftwatch.charts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The time series' structure: lines, points, gaps, threshold and marks; hostile input. */
class TimeSeriesChartTest {
    private static final long T0 = 1_700_000_000_000L;
    private static final long STEP = 300_000L;

    @Test
    void drawsEachLineWithItsPointsTheThresholdAndTheMarks() {
        long[] t = {T0, T0 + STEP, T0 + 2 * STEP, T0 + 3 * STEP};
        SvgDocument doc =
                SvgDocument.parse(
                        new TimeSeriesChart(
                                        "psi of amount",
                                        List.of(
                                                new TimeSeriesChart.Line(
                                                        "psi",
                                                        t,
                                                        new double[] {0.01, 0.02, 0.3, 0.4}),
                                                new TimeSeriesChart.Line(
                                                        "noise floor",
                                                        t,
                                                        new double[] {0.05, 0.05, 0.05, 0.05})),
                                        0.1,
                                        List.of(new TimeSeriesChart.Mark(T0 + 2 * STEP, "alert")))
                                .toSvg());
        assertThat(doc.all("//g[@class='series']")).hasSize(2);
        assertThat(doc.all("//g[@class='series']").get(0).getAttribute("data-points"))
                .isEqualTo("4");
        assertThat(doc.all("//g[@class='series'][1]/circle[@class='point']")).hasSize(4);
        assertThat(doc.count("line", "threshold")).isEqualTo(1);
        assertThat(doc.all("//g[@class='mark']")).hasSize(1);
        assertThat(doc.text()).contains("2023-11-14 22:23 alert");
        doc.assertFiniteGeometry();
    }

    @Test
    void breaksTheLineAtNonFiniteValuesAndOmitsDotsOnLongLines() {
        long[] t = new long[1000];
        double[] v = new double[1000];
        for (int i = 0; i < t.length; i++) {
            t[i] = T0 + i * STEP;
            v[i] = i == 500 ? Double.NaN : Math.sin(i / 50.0);
        }
        SvgDocument doc =
                SvgDocument.parse(
                        new TimeSeriesChart(
                                        "x",
                                        List.of(new TimeSeriesChart.Line("s", t, v)),
                                        null,
                                        List.of())
                                .toSvg());
        assertThat(doc.all("//g[@class='series']").get(0).getAttribute("data-points"))
                .isEqualTo("999");
        String d = doc.all("//path[@class='line']").get(0).getAttribute("d");
        assertThat(d.chars().filter(c -> c == 'M').count()).isEqualTo(2);
        assertThat(doc.count("circle", "point")).isZero();
        assertThat(doc.count("line", "threshold")).isZero();
    }

    @Test
    void hostileLabelsTimesAndValuesKeepTheSvgWellFormed() {
        for (String hostile : SvgDocument.HOSTILE) {
            String svg =
                    new TimeSeriesChart(
                                    hostile,
                                    List.of(
                                            new TimeSeriesChart.Line(
                                                    hostile,
                                                    new long[] {Long.MIN_VALUE, 0, Long.MAX_VALUE},
                                                    new double[] {
                                                        Double.NaN,
                                                        Double.MAX_VALUE,
                                                        -Double.MAX_VALUE
                                                    })),
                                    Double.POSITIVE_INFINITY,
                                    List.of(new TimeSeriesChart.Mark(Long.MAX_VALUE, hostile)))
                            .toSvg();
            SvgDocument doc = SvgDocument.parse(svg);
            assertThat(doc.all("//script")).isEmpty();
            assertThat(svg).doesNotContain("<script").doesNotContain("\u0000");
            doc.assertFiniteGeometry();
        }
        // nothing at all, and a single instant
        SvgDocument.parse(new TimeSeriesChart("empty", List.of(), null, List.of()).toSvg())
                .assertFiniteGeometry();
        SvgDocument.parse(
                        new TimeSeriesChart(
                                        "one",
                                        List.of(
                                                new TimeSeriesChart.Line(
                                                        "s", new long[] {T0}, new double[] {1})),
                                        1.0,
                                        List.of())
                                .toSvg())
                .assertFiniteGeometry();
    }

    @Test
    void aFixedTimeAxisDrawsOnlyWhatFallsInsideIt() {
        long[] t = {T0, T0 + STEP, T0 + 2 * STEP, T0 + 3 * STEP};
        TimeSeriesChart chart =
                new TimeSeriesChart(
                        "share",
                        List.of(new TimeSeriesChart.Line("share", t, new double[] {1, 2, 3, 4})),
                        null,
                        List.of(
                                new TimeSeriesChart.Mark(T0 + STEP, "inside"),
                                new TimeSeriesChart.Mark(T0 - STEP, "before")));
        SvgDocument doc = SvgDocument.parse(chart.over(T0 + STEP, T0 + 2 * STEP).toSvg());
        assertThat(doc.all("//g[@class='series']").get(0).getAttribute("data-points"))
                .isEqualTo("2");
        assertThat(doc.all("//g[@class='series']/circle[@class='point']")).hasSize(2);
        assertThat(doc.all("//g[@class='mark']")).hasSize(1);
        assertThat(doc.text()).doesNotContain("before");
        doc.assertFiniteGeometry();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> chart.over(T0, T0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
