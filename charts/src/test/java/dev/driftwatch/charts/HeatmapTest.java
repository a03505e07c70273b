package dev.driftwatch.charts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The heatmap's cells, marks and empty cells; hostile input. */
class HeatmapTest {
    @Test
    void drawsEveryCellAndMarksTheMarkedOnes() {
        double[][] v = {{0.01, 0.02, 0.5}, {0.0, Double.NaN, 0.05}};
        boolean[][] m = {{false, false, true}, {false, false, false}};
        SvgDocument doc =
                SvgDocument.parse(
                        new Heatmap(
                                        "psi",
                                        List.of("amount", "age"),
                                        List.of("w1", "w2", "w3"),
                                        v,
                                        m,
                                        0.25)
                                .toSvg());
        assertThat(doc.all("//rect[starts-with(@class,'cell')]")).hasSize(6);
        assertThat(doc.count("rect", "cell marked")).isEqualTo(1);
        assertThat(doc.all("//rect[@class='cell marked']").get(0).getAttribute("data-row"))
                .isEqualTo("0");
        assertThat(doc.all("//rect[@class='cell marked']").get(0).getAttribute("data-col"))
                .isEqualTo("2");
        assertThat(doc.all("//rect[@class='cell marked']").get(0).getAttribute("fill"))
                .isEqualTo("#ff2626");
        assertThat(doc.count("rect", "cell empty")).isEqualTo(1);
        assertThat(doc.all("//rect[@data-row='1'][@data-col='0']").get(0).getAttribute("fill"))
                .isEqualTo("#ffffff");
        doc.assertFiniteGeometry();
    }

    @Test
    void hostileLabelsAndValuesKeepTheSvgWellFormed() {
        for (String hostile : SvgDocument.HOSTILE) {
            double[][] v = {{Double.POSITIVE_INFINITY, -1, Double.MAX_VALUE}};
            boolean[][] m = {{true, false, true}};
            String svg =
                    new Heatmap(
                                    hostile,
                                    List.of(hostile),
                                    List.of(hostile, "b", "c"),
                                    v,
                                    m,
                                    Double.NaN)
                            .toSvg();
            SvgDocument doc = SvgDocument.parse(svg);
            assertThat(doc.all("//rect[starts-with(@class,'cell')]")).hasSize(3);
            assertThat(doc.all("//script")).isEmpty();
            assertThat(svg).doesNotContain("<script").doesNotContain("\u0000");
            doc.assertFiniteGeometry();
        }
    }

    @Test
    void rejectsCellsThatDoNotMatchTheLabels() {
        assertThatThrownBy(
                        () ->
                                new Heatmap(
                                        "x",
                                        List.of("a"),
                                        List.of("w1", "w2"),
                                        new double[][] {{1}},
                                        new boolean[][] {{false}},
                                        1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("row 0 needs 2 cells");
    }
}
