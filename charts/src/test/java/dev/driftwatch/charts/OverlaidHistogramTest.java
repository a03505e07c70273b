package dev.driftwatch.charts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The histogram's structure, and hostile labels and values. */
class OverlaidHistogramTest {
    private static final double[] EDGES = {1, 2, 3, 4, 5, 6, 7, 8, 9};

    @Test
    void drawsOneBarPerBinPerSeriesAndEveryEdge() {
        double[] ref = new double[10];
        double[] cur = new double[10];
        java.util.Arrays.fill(ref, 0.1);
        cur[9] = 1.0;
        SvgDocument doc =
                SvgDocument.parse(
                        new OverlaidHistogram(
                                        "amount",
                                        EDGES,
                                        List.of(
                                                new Series("reference", ref),
                                                new Series("current", cur)))
                                .toSvg());
        assertThat(doc.all("//g[@class='series']")).hasSize(2);
        assertThat(doc.all("//g[@class='series'][1]/rect[@class='bar']")).hasSize(10);
        assertThat(doc.all("//g[@class='series'][2]/rect[@class='bar']")).hasSize(10);
        assertThat(doc.count("line", "edge")).isEqualTo(9);
        assertThat(doc.count("text", "edge-label")).isEqualTo(9);
        // the current's last bin is the tallest bar: 1.0 of the axis' 1.1
        double tallest =
                doc.all("//rect[@class='bar']").stream()
                        .mapToDouble(r -> Double.parseDouble(r.getAttribute("height")))
                        .max()
                        .orElseThrow();
        assertThat(tallest).isCloseTo(156 / 1.1, org.assertj.core.data.Offset.offset(0.01));
        assertThat(doc.text()).contains("current, [9, +inf): 100.0%");
        doc.assertFiniteGeometry();
    }

    @Test
    void labelsEveryFewEdgesWhenThereAreMany() {
        double[] edges = new double[49];
        for (int i = 0; i < edges.length; i++) {
            edges[i] = i;
        }
        SvgDocument doc =
                SvgDocument.parse(
                        new OverlaidHistogram("x", edges, List.of(new Series("r", new double[50])))
                                .toSvg());
        assertThat(doc.count("line", "edge")).isEqualTo(49);
        assertThat(doc.count("text", "edge-label")).isEqualTo(10);
    }

    @Test
    void hostileLabelsAndNonFiniteValuesKeepTheSvgWellFormed() {
        for (String hostile : SvgDocument.HOSTILE) {
            double[] values = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.5};
            String svg =
                    new OverlaidHistogram(
                                    hostile,
                                    new double[] {Double.NaN, 1e308, Double.POSITIVE_INFINITY},
                                    List.of(new Series(hostile, values), new Series("c", values)))
                            .toSvg();
            SvgDocument doc = SvgDocument.parse(svg);
            assertThat(doc.all("//rect[@class='bar']")).hasSize(8);
            assertThat(doc.all("//script")).isEmpty();
            assertThat(svg).doesNotContain("<script").doesNotContain("\u0000");
            assertThat(svg.length()).as("a 10,000-character name is cut").isLessThan(20_000);
            doc.assertFiniteGeometry();
        }
    }

    @Test
    void rejectsASeriesWithTheWrongNumberOfBins() {
        assertThatThrownBy(
                        () ->
                                new OverlaidHistogram(
                                        "x", EDGES, List.of(new Series("r", new double[3]))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3 values for 10 bins");
    }
}
