package dev.driftwatch.core.calibration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.driftwatch.core.Fixtures;
import dev.driftwatch.core.performance.TaskType;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.assertj.core.data.Offset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Calibration against scikit-learn's IsotonicRegression (tools/make_cbpe_fixtures.py): the fitted
 * map on a grid and at the data to 1e-12, the held-out ECEs of the 5 folds to 1e-9 and the chosen
 * method; multiclass: the renormalised calibrated vectors to 1e-12.
 */
class CalibrationFixtureTest {
    private static JsonNode fixtures() {
        return Fixtures.cbpe();
    }

    static Stream<Arguments> cases(String kind) {
        return Fixtures.cbpeCases(kind);
    }

    static Stream<Arguments> binaryCases() {
        return cases("binary_calibration");
    }

    static Stream<Arguments> multiclassCases() {
        return cases("multiclass_calibration");
    }

    private static double[] doubles(JsonNode a) {
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asDouble();
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("binaryCases")
    void binaryMatchesScikitLearn(String name, int index) {
        JsonNode c = fixtures().get("binary_calibration").get(index);
        double[] scores = doubles(c.get("scores"));
        double[] y = new double[scores.length];
        boolean[] positive = new boolean[scores.length];
        for (int i = 0; i < y.length; i++) {
            positive[i] = c.get("labels").get(i).asBoolean() || c.get("labels").get(i).asInt() == 1;
            y[i] = positive[i] ? 1 : 0;
        }
        IsotonicMap map = IsotonicMap.fit(scores, y, Calibration.MAX_KNOTS);
        double[] grid = doubles(c.get("grid"));
        double[] onGrid = doubles(c.get("isotonic_on_grid"));
        for (int i = 0; i < grid.length; i++) {
            assertThat(map.apply(grid[i]))
                    .as("%s at %s", name, grid[i])
                    .isCloseTo(onGrid[i], Offset.offset(1e-12));
        }
        double[] onScores = doubles(c.get("isotonic_on_scores"));
        for (int i = 0; i < scores.length; i++) {
            assertThat(map.apply(scores[i])).isCloseTo(onScores[i], Offset.offset(1e-12));
        }

        Calibration fitted = Calibration.fitBinary("1", scores, positive);
        assertThat(fitted.heldOutEceIdentity())
                .isCloseTo(c.get("held_out_ece").get("identity").asDouble(), Offset.offset(1e-9));
        assertThat(fitted.heldOutEceIsotonic())
                .isCloseTo(c.get("held_out_ece").get("isotonic").asDouble(), Offset.offset(1e-9));
        assertThat(fitted.method().name().toLowerCase())
                .as(name)
                .isEqualTo(c.get("method").asText());
        assertThat(fitted.rows()).isEqualTo(scores.length);
        for (int i = 0; i < grid.length; i++) {
            double want = fitted.method() == Calibration.Method.ISOTONIC ? onGrid[i] : grid[i];
            assertThat(fitted.calibrate(grid[i])).isCloseTo(want, Offset.offset(1e-12));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("multiclassCases")
    void multiclassMatchesScikitLearn(String name, int index) {
        JsonNode c = fixtures().get("multiclass_calibration").get(index);
        List<String> classes = new ArrayList<>();
        c.get("classes").forEach(n -> classes.add(n.asText()));
        int k = classes.size();
        JsonNode rows = c.get("probabilities");
        double[][] probs = new double[rows.size()][];
        int[] labels = new int[rows.size()];
        for (int i = 0; i < probs.length; i++) {
            probs[i] = doubles(rows.get(i));
            labels[i] = c.get("labels").get(i).asInt();
        }
        Calibration fitted = Calibration.fitMulticlass(classes, probs, labels);
        assertThat(fitted.task()).isEqualTo(TaskType.MULTICLASS);
        assertThat(fitted.heldOutEceIdentity())
                .isCloseTo(c.get("held_out_ece").get("identity").asDouble(), Offset.offset(1e-9));
        assertThat(fitted.heldOutEceIsotonic())
                .isCloseTo(c.get("held_out_ece").get("isotonic").asDouble(), Offset.offset(1e-9));
        assertThat(fitted.method().name().toLowerCase())
                .as(name)
                .isEqualTo(c.get("method").asText());

        // the isotonic maps fitted on all rows, whichever method won
        List<IsotonicMap> maps = new ArrayList<>();
        for (int j = 0; j < k; j++) {
            double[] x = new double[probs.length];
            double[] y = new double[probs.length];
            for (int i = 0; i < probs.length; i++) {
                x[i] = probs[i][j];
                y[i] = labels[i] == j ? 1 : 0;
            }
            maps.add(IsotonicMap.fit(x, y, Calibration.MAX_KNOTS));
        }
        Calibration isotonic =
                new Calibration(
                        TaskType.MULTICLASS,
                        Calibration.Method.ISOTONIC,
                        classes,
                        maps,
                        probs.length,
                        Double.NaN,
                        Double.NaN);
        double[] out = new double[k];
        for (int i = 0; i < probs.length; i++) {
            isotonic.calibrate(probs[i], out);
            double[] want = doubles(c.get("isotonic_calibrated").get(i));
            for (int j = 0; j < k; j++) {
                assertThat(out[j])
                        .as("%s row %d", name, i)
                        .isCloseTo(want[j], Offset.offset(1e-12));
            }
        }
    }
}
