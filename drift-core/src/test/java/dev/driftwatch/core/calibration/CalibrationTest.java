package dev.driftwatch.core.calibration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.driftwatch.core.DriftCoreException;
import dev.driftwatch.core.performance.TaskType;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * Isotonic regression's defining properties, the knot limit, the fit's choices, and the JSON form:
 * round trip and validation of every field (monotone, in [0, 1], bounded size).
 */
class CalibrationTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Property(tries = 200)
    void isotonicFitIsMonotoneInRangeAndKeepsEachBlocksMean(
            @ForAll long seed, @ForAll @IntRange(min = 1, max = 400) int n) {
        Random random = new Random(seed);
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = random.nextInt(4) == 0 ? random.nextInt(10) / 10.0 : random.nextDouble();
            y[i] = random.nextDouble() < x[i] ? 1 : 0;
        }
        IsotonicMap m = IsotonicMap.fit(x, y, Calibration.MAX_KNOTS);
        double previous = -1;
        for (int i = 0; i <= 1000; i++) {
            double v = m.apply(i / 1000.0);
            assertThat(v).isBetween(0.0, 1.0).isGreaterThanOrEqualTo(previous);
            previous = v;
        }
        // every point lies inside its block, where the map is the block's mean: the fitted values
        // sum to the labels' sum
        double fitted = 0;
        double labels = 0;
        for (int i = 0; i < n; i++) {
            fitted += m.apply(x[i]);
            labels += y[i];
        }
        assertThat(fitted).isCloseTo(labels, Offset.offset(1e-9 * n));
        assertThat(m.knots()).isLessThanOrEqualTo(2 * n);
    }

    @Test
    void isotonicFitOfIncreasingDataIsTheData() {
        double[] x = {0.1, 0.2, 0.3, 0.4};
        double[] y = {0.0, 0.25, 0.5, 1.0};
        IsotonicMap m = IsotonicMap.fit(x, y, 10);
        assertThat(m.x()).containsExactly(x);
        assertThat(m.y()).containsExactly(y);
        assertThat(m.apply(0.0)).isEqualTo(0.0); // clipped below the first knot
        assertThat(m.apply(0.35)).isCloseTo(0.75, Offset.offset(1e-15)); // interpolated
        assertThat(m.apply(1.0)).isEqualTo(1.0);
        assertThat(m.apply(Double.NaN)).isNaN();
        // a decreasing pair is pooled into its mean
        IsotonicMap pooled = IsotonicMap.fit(new double[] {0.2, 0.8}, new double[] {1, 0}, 10);
        assertThat(pooled.y()).containsExactly(0.5, 0.5);
    }

    @Test
    void tooManyKnotsRoundTheScoresToAGrid() {
        int n = 3000;
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = (i + 0.5) / n;
            y[i] = x[i]; // already increasing: every distinct x is a knot
        }
        assertThat(IsotonicMap.fit(x, y, n).knots()).isEqualTo(n);
        IsotonicMap capped = IsotonicMap.fit(x, y, 101);
        assertThat(capped.knots()).isLessThanOrEqualTo(101);
        for (double v : capped.x()) {
            assertThat(v * 100).isCloseTo(Math.rint(v * 100), Offset.offset(1e-9));
        }
        assertThat(capped.apply(0.5)).isCloseTo(0.5, Offset.offset(0.01));
    }

    @Test
    void overconfidentScoresGetIsotonicAndCalibratedOnesStayNearTheIdentity() {
        Random random = new Random(4);
        int n = 5000;
        double[] good = new double[n];
        double[] overconfident = new double[n];
        boolean[] labels = new boolean[n];
        for (int i = 0; i < n; i++) {
            good[i] = random.nextDouble();
            labels[i] = random.nextDouble() < good[i];
            overconfident[i] = good[i] < 0.5 ? good[i] / 4 : 1 - (1 - good[i]) / 4;
        }
        Calibration isotonic = Calibration.fitBinary("1", overconfident, labels);
        assertThat(isotonic.method()).isEqualTo(Calibration.Method.ISOTONIC);
        assertThat(isotonic.heldOutEceIsotonic()).isLessThan(isotonic.heldOutEceIdentity() / 3);
        assertThat(isotonic.calibrate(0.4 / 4)).isCloseTo(0.4, Offset.offset(0.06));
        // on calibrated scores the two held-out ECEs differ by sampling noise only, and whichever
        // wins maps scores close to themselves
        Calibration calibrated = Calibration.fitBinary("1", good, labels);
        assertThat(calibrated.heldOutEceIsotonic())
                .isCloseTo(calibrated.heldOutEceIdentity(), Offset.offset(0.01));
        for (int i = 1; i < 20; i++) {
            assertThat(calibrated.calibrate(i / 20.0)).isCloseTo(i / 20.0, Offset.offset(0.06));
        }
        // too few rows for 5 folds: identity, nothing measured
        Calibration small =
                Calibration.fitBinary("1", new double[] {0.2, 0.9}, new boolean[] {false, true});
        assertThat(small.method()).isEqualTo(Calibration.Method.IDENTITY);
        assertThat(small.heldOutEceIdentity()).isNaN();
        assertThat(small.toJsonNode().has("held_out_ece")).isFalse();
        assertThat(small.calibrate(0.3)).isEqualTo(0.3);
        assertThat(small.calibrate(1.7)).isEqualTo(1.0);
        assertThat(small.calibrate(Double.NaN)).isNaN();
    }

    @Test
    void multiclassCalibrationRenormalisesAndFallsBackToUniform() {
        IsotonicMap zeroBelowHalf = new IsotonicMap(new double[] {0.49, 0.5}, new double[] {0, 1});
        Calibration c =
                new Calibration(
                        TaskType.MULTICLASS,
                        Calibration.Method.ISOTONIC,
                        List.of("a", "b"),
                        List.of(zeroBelowHalf, zeroBelowHalf),
                        10,
                        Double.NaN,
                        Double.NaN);
        double[] out = new double[2];
        c.calibrate(new double[] {0.2, 0.3}, out);
        assertThat(out).containsExactly(0.5, 0.5); // both calibrated to 0: uniform
        c.calibrate(new double[] {0.2, 0.8}, out);
        assertThat(out).containsExactly(0.0, 1.0);
        Calibration identity =
                new Calibration(
                        TaskType.MULTICLASS,
                        Calibration.Method.IDENTITY,
                        List.of("a", "b"),
                        List.of(),
                        10,
                        Double.NaN,
                        Double.NaN);
        identity.calibrate(new double[] {0.2, Double.NaN}, out);
        assertThat(out).containsExactly(1.0, 0.0);
        assertThatThrownBy(() -> identity.calibrate(0.5))
                .hasMessageContaining("needs a probability vector");
        assertThatThrownBy(() -> identity.calibrate(new double[] {0.5}, out))
                .hasMessageContaining("expected a vector of 2");
    }

    @Test
    void fitRejectsInvalidInput() {
        assertThatThrownBy(
                        () -> Calibration.fitBinary("1", new double[] {1.2}, new boolean[] {true}))
                .isInstanceOf(DriftCoreException.class)
                .hasMessageContaining("score of row 0 is not in [0, 1]");
        assertThatThrownBy(
                        () ->
                                Calibration.fitMulticlass(
                                        List.of("a", "b"), new double[][] {{0, 0}}, new int[] {0}))
                .hasMessageContaining("summing to 0");
        assertThatThrownBy(
                        () ->
                                Calibration.fitMulticlass(
                                        List.of("a", "b"),
                                        new double[][] {{0.5, 0.5}},
                                        new int[] {2}))
                .hasMessageContaining("no valid class");
        assertThatThrownBy(
                        () ->
                                Calibration.fitMulticlass(
                                        List.of("a", "a"),
                                        new double[][] {{0.5, 0.5}},
                                        new int[] {0}))
                .hasMessageContaining("appears twice");
    }

    static Calibration sample() {
        return new Calibration(
                TaskType.BINARY,
                Calibration.Method.ISOTONIC,
                List.of("fraud"),
                List.of(
                        new IsotonicMap(
                                new double[] {0.1, 0.5, 0.9}, new double[] {0.0, 0.3, 0.8})),
                1200,
                0.12,
                0.03);
    }

    @Test
    void jsonRoundTrips() throws Exception {
        Calibration c = sample();
        JsonNode json = JSON.readTree(JSON.writeValueAsString(c.toJsonNode()));
        assertThat(Calibration.fromJsonNode(json)).isEqualTo(c);
        assertThat(json.get("format_version").asInt()).isEqualTo(1);
        assertThat(json.get("positive_label").asText()).isEqualTo("fraud");
        Random random = new Random(2);
        double[][] probs = new double[200][3];
        int[] labels = new int[200];
        for (int i = 0; i < 200; i++) {
            for (int k = 0; k < 3; k++) {
                probs[i][k] = random.nextDouble() / 3;
            }
            labels[i] = random.nextInt(3);
        }
        Calibration multi = Calibration.fitMulticlass(List.of("x", "y", "z"), probs, labels);
        JsonNode multiJson = JSON.readTree(JSON.writeValueAsString(multi.toJsonNode()));
        assertThat(Calibration.fromJsonNode(multiJson)).isEqualTo(multi);
        assertThat(multiJson.get("classes")).hasSize(3);
    }

    @Test
    void readingValidatesEveryField() {
        assertInvalid(j -> j.put("format_version", 2), "unsupported format_version 2");
        assertInvalid(j -> j.put("task", "regression"), "task must be binary or multiclass");
        assertInvalid(j -> j.put("method", "platt"), "method must be identity or isotonic");
        assertInvalid(j -> j.remove("positive_label"), "positive_label is required");
        assertInvalid(j -> j.put("rows", "many"), "rows is required");
        assertInvalid(
                j -> ((ObjectNode) j.get("maps").get(0)).putArray("y").add(0.0).add(0.5).add(0.4),
                "maps[0]",
                "non-decreasing (monotone)");
        assertInvalid(
                j -> ((ObjectNode) j.get("maps").get(0)).putArray("y").add(0.0).add(0.5).add(1.5),
                "maps[0]",
                "not in [0, 1]");
        assertInvalid(
                j -> ((ObjectNode) j.get("maps").get(0)).putArray("x").add(0.1).add(0.1).add(0.9),
                "strictly increasing");
        assertInvalid(
                j -> ((ObjectNode) j.get("maps").get(0)).putArray("x").add(0.1).add(0.5),
                "equal, non-zero length");
        assertInvalid(
                j -> ((ObjectNode) j.get("maps").get(0)).putArray("x").add(0.1).add("a").add(0.9),
                "maps[0].x[1] is required and must be a number");
        assertInvalid(j -> j.putArray("maps"), "needs 1 maps, found 0");
        assertInvalid(j -> j.put("method", "identity"), "needs 0 maps, found 1");
        assertInvalid(
                j -> j.putObject("held_out_ece").put("identity", 2.0).put("isotonic", 0.1),
                "held_out_ece.identity must be in [0, 1]");
        assertInvalid(
                j -> {
                    ArrayNode x = ((ObjectNode) j.get("maps").get(0)).putArray("x");
                    ArrayNode y = ((ObjectNode) j.get("maps").get(0)).putArray("y");
                    for (int i = 0; i <= Calibration.MAX_KNOTS; i++) {
                        x.add(i / 2000.0);
                        y.add(0.5);
                    }
                },
                "1001 knots, at most 1000");
        assertInvalid(
                j -> {
                    j.put("task", "multiclass");
                    ArrayNode classes = j.putArray("classes");
                    for (int i = 0; i <= Calibration.MAX_CLASSES; i++) {
                        classes.add("c" + i);
                    }
                },
                "at most 50");
        assertInvalid(
                j -> {
                    j.put("task", "multiclass");
                    j.putArray("classes").add("a").add("a");
                },
                "class 'a' appears twice");
    }

    private static void assertInvalid(Consumer<ObjectNode> change, String... fragments) {
        ObjectNode json = sample().toJsonNode().deepCopy();
        change.accept(json);
        assertThatThrownBy(() -> Calibration.fromJsonNode(json))
                .isInstanceOf(DriftCoreException.class)
                .hasMessageContaining("calibration")
                .hasMessageContainingAll(fragments);
    }
}
