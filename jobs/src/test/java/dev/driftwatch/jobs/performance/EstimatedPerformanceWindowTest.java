package dev.driftwatch.jobs.performance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.driftwatch.core.calibration.Calibration;
import dev.driftwatch.core.performance.Estimate;
import dev.driftwatch.core.performance.EstimatedBinaryPerformance;
import dev.driftwatch.core.performance.EstimatedPerformanceWindows;
import dev.driftwatch.core.performance.TaskType;
import dev.driftwatch.core.profile.ReferenceProfile;
import dev.driftwatch.jobs.TestEvents;
import dev.driftwatch.jobs.records.AlertObservation;
import dev.driftwatch.jobs.records.PerformanceDelta;
import dev.driftwatch.jobs.records.PerformanceMetricRow;
import dev.driftwatch.jobs.records.ReferenceUpdate;
import dev.driftwatch.jobs.shared.QuietKeyRule;
import dev.driftwatch.jobs.shared.SideInputBroadcastOperator;
import dev.driftwatch.jobs.shared.WindowSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The performance windows' estimated side: estimated rows with their standard error when a window
 * closes without a label, the estimation error against the estimate of the labelled predictions
 * once labels cover the window, slices merged in any split, the estimate kept across a restore, and
 * the alert observations of the estimated and estimation error rules.
 */
class EstimatedPerformanceWindowTest {
    private static final long MINUTE = 60_000;

    /** Binary model churn v3 with an identity calibration and a reference accuracy of 0.9. */
    private static ReferenceProfile profile() {
        return new ReferenceProfile(
                "churn",
                "3",
                Instant.EPOCH,
                TestEvents.profile(0, Instant.EPOCH).features(),
                Map.of("accuracy", 0.9),
                new Calibration(
                        TaskType.BINARY,
                        Calibration.Method.IDENTITY,
                        List.of("1"),
                        List.of(),
                        1000,
                        Double.NaN,
                        Double.NaN));
    }

    private static PerformanceAlertRules rules() {
        return new PerformanceAlertRules(
                List.of(PerformanceRule.parse("accuracy drop>0.1:warning")),
                0.5,
                List.of(PerformanceRule.parse("accuracy drop>0.1:warning")),
                2.0,
                List.of(EstimationErrorRule.parse("accuracy>3:critical")),
                2);
    }

    private static KeyedTwoInputStreamOperatorTestHarness<
                    String, PerformanceDelta, ReferenceUpdate, PerformanceMetricRow>
            harness(List<ReferenceUpdate> initial) throws Exception {
        var fn =
                new PerformanceWindowFunction(
                        new WindowSpec(MINUTE, MINUTE, 0),
                        Duration.ofDays(7),
                        Duration.ofSeconds(10),
                        Map.of(),
                        new BinaryDecision("1", 0.5),
                        rules(),
                        initial,
                        QuietKeyRule.off());
        return new KeyedTwoInputStreamOperatorTestHarness<>(
                new SideInputBroadcastOperator<>(fn, List.of(PerformanceWindowFunction.REFERENCES)),
                PerformanceDelta::windowKey,
                (ReferenceUpdate u) -> "",
                Types.STRING);
    }

    /** Calibrated probabilities of n predictions, most of them near the decision boundary. */
    private static double[] probabilities(int n, long seed) {
        Random r = new Random(seed);
        double[] p = new double[n];
        for (int i = 0; i < n; i++) {
            p[i] = Math.min(1, Math.max(0, 0.55 + 0.25 * (r.nextDouble() - 0.5)));
        }
        return p;
    }

    private static PerformanceDelta delta(String kind, long timestamp) {
        PerformanceDelta d = new PerformanceDelta();
        d.kind = kind;
        d.modelName = "churn";
        d.modelVersion = "3";
        d.segment = "";
        d.timestamp = timestamp;
        return d;
    }

    /** The slice of predictions [from, to) of window 0, as the pre-aggregator emits it. */
    private static PerformanceDelta slice(double[] p, int from, int to) {
        PerformanceDelta d = delta(PerformanceDelta.ESTIMATE, 0);
        d.estimate = EstimatedPerformanceWindows.toByteArray(estimate(p, from, to));
        return d;
    }

    private static EstimatedBinaryPerformance estimate(double[] p, int from, int to) {
        EstimatedBinaryPerformance e =
                new EstimatedBinaryPerformance(EstimatedBinaryPerformance.DEFAULT_BINS);
        for (int i = from; i < to; i++) {
            e.add(p[i], p[i] >= 0.5, 1);
        }
        return e;
    }

    private static PerformanceDelta pair(double score, int label) {
        PerformanceDelta d = delta(PerformanceDelta.PAIR, 10);
        d.score = score;
        d.actualLabel = Integer.toString(label);
        return d;
    }

    private static PerformanceMetricRow last(
            List<PerformanceMetricRow> rows, String metric, boolean estimated) {
        return rows.stream()
                .filter(r -> r.metric.equals(metric) && r.estimated == estimated)
                .reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("no row " + metric + " " + estimated));
    }

    private static List<AlertObservation> observations(
            KeyedTwoInputStreamOperatorTestHarness<?, ?, ?, ?> h, String alertname) {
        List<AlertObservation> out = new ArrayList<>();
        var side = h.getSideOutput(PerformanceWindowFunction.ALERT_OBSERVATIONS);
        if (side != null) {
            for (StreamRecord<AlertObservation> r : side) {
                if (r.getValue().alertname.equals(alertname)) {
                    out.add(r.getValue());
                }
            }
        }
        return out;
    }

    @Test
    void estimatedRowsWhenTheWindowClosesWithoutLabelsThenTheEstimationErrorOnceCovered()
            throws Exception {
        var h = harness(List.of(ReferenceUpdate.of(profile())));
        h.open();
        h.processWatermark2(new Watermark(Long.MAX_VALUE));
        double[] p = probabilities(200, 1);
        for (int i = 0; i < p.length; i++) {
            h.processElement1(delta(PerformanceDelta.PREDICTION, 10), 10);
        }
        h.processElement1(slice(p, 0, p.length), MINUTE - 1);
        h.processWatermark1(new Watermark(MINUTE));

        List<PerformanceMetricRow> rows = h.extractOutputValues();
        Map<String, Estimate> expected = estimate(p, 0, p.length).estimates();
        for (String metric : List.of("accuracy", "precision", "recall", "specificity", "f1")) {
            PerformanceMetricRow r = last(rows, metric, true);
            assertThat(r.value).as(metric).isEqualTo(expected.get(metric).value());
            assertThat(r.standardError).as(metric).isEqualTo(expected.get(metric).standardError());
            assertThat(r.closedBy).isEqualTo("watermark");
            assertThat(r.labeledCount).isZero();
            assertThat(r.sampleCount).isEqualTo(200);
        }
        assertThat(last(rows, "roc_auc_error_bound", true).value)
                .isEqualTo(expected.get("roc_auc").errorBound());
        assertThat(rows).noneMatch(r -> r.metric.equals("accuracy") && !r.estimated);
        assertThat(last(rows, "label_coverage", false).value).isZero();

        Estimate accuracy = expected.get("accuracy");
        assertThat(accuracy.value() + 2 * accuracy.standardError())
                .as("the guarded estimate is past the rule: 0.9 * (1 - 0.1)")
                .isLessThan(0.81);
        List<AlertObservation> estimated = observations(h, PerformanceRule.ESTIMATED_DROP_ALERT);
        assertThat(estimated).hasSize(1);
        assertThat(estimated.get(0).breached).isTrue();
        assertThat(estimated.get(0).severity).isEqualTo("warning");
        assertThat(estimated.get(0).value).isEqualTo(accuracy.value());
        assertThat(observations(h, PerformanceRule.DROP_ALERT)).as("no label yet").isEmpty();

        // labels of 120 predictions (coverage 0.6 >= 0.5), drawn from their probabilities
        Random draws = new Random(2);
        int right = 0;
        for (int i = 0; i < 120; i++) {
            int y = draws.nextDouble() < p[i] ? 1 : 0;
            right += (p[i] >= 0.5) == (y == 1) ? 1 : 0;
            h.processElement1(pair(p[i], y), 10);
        }
        h.getOutput().clear();
        h.processWatermark1(new Watermark(MINUTE + 1));
        rows = h.extractOutputValues();
        Estimate labelled = estimate(p, 0, 120).estimates().get("accuracy");
        PerformanceMetricRow error = last(rows, "accuracy_estimation_error", false);
        assertThat(error.value).isCloseTo(right / 120.0 - labelled.value(), within(1e-12));
        assertThat(error.standardError).isCloseTo(labelled.standardError(), within(1e-15));
        assertThat(last(rows, "accuracy", false).value).isEqualTo(right / 120.0);
        assertThat(last(rows, "accuracy", true).value)
                .as("the estimate of all predictions is unchanged")
                .isEqualTo(accuracy.value());
        List<AlertObservation> errors = observations(h, EstimationErrorRule.ALERT);
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0).metric).isEqualTo("accuracy_estimation_error");
        assertThat(errors.get(0).fireAfter).isEqualTo(2);
        assertThat(errors.get(0).severity).isEqualTo("critical");
        assertThat(errors.get(0).threshold).isCloseTo(3 * labelled.standardError(), within(1e-15));
        assertThat(errors.get(0).breached)
                .as("labels drawn from the calibrated probabilities: within 3 SE")
                .isFalse();
        assertThat(observations(h, PerformanceRule.ESTIMATED_DROP_ALERT))
                .as("covered windows leave the estimated rules to the realised ones")
                .hasSize(1);
        assertThat(observations(h, PerformanceRule.DROP_ALERT)).hasSize(1);
        h.close();
    }

    @Test
    void labelsThatContradictTheCalibrationBreachTheEstimationErrorRule() throws Exception {
        var h = harness(List.of(ReferenceUpdate.of(profile())));
        h.open();
        h.processWatermark2(new Watermark(Long.MAX_VALUE));
        double[] p = probabilities(300, 3);
        for (int i = 0; i < p.length; i++) {
            h.processElement1(delta(PerformanceDelta.PREDICTION, 10), 10);
        }
        h.processElement1(slice(p, 0, p.length), MINUTE - 1);
        for (int i = 0; i < p.length; i++) {
            h.processElement1(pair(p[i], p[i] >= 0.5 ? 0 : 1), 10); // P(y | x) reversed
        }
        h.processWatermark1(new Watermark(MINUTE));
        List<PerformanceMetricRow> rows = h.extractOutputValues();
        Estimate labelled = estimate(p, 0, p.length).estimates().get("accuracy");
        PerformanceMetricRow error = last(rows, "accuracy_estimation_error", false);
        assertThat(error.value).isCloseTo(0.0 - labelled.value(), within(1e-12));
        assertThat(Math.abs(error.value)).isGreaterThan(10 * error.standardError);
        assertThat(observations(h, EstimationErrorRule.ALERT))
                .singleElement()
                .satisfies(o -> assertThat(o.breached).isTrue());
        assertThat(observations(h, PerformanceRule.ESTIMATED_DROP_ALERT))
                .as("fully labelled at close: no estimated rule")
                .isEmpty();
        h.close();
    }

    @Test
    void slicesMergeToTheEstimateOfTheWholeWindow() throws Exception {
        double[] p = probabilities(500, 4);
        EstimatedBinaryPerformance whole = estimate(p, 0, p.length);
        for (int[] cuts : List.of(new int[] {0, 500}, new int[] {0, 1, 250, 499, 500})) {
            var h = harness(List.of(ReferenceUpdate.of(profile())));
            h.open();
            h.processWatermark2(new Watermark(Long.MAX_VALUE));
            for (int c = cuts.length - 1; c > 0; c--) { // any order
                h.processElement1(slice(p, cuts[c - 1], cuts[c]), MINUTE - 1);
            }
            h.processWatermark1(new Watermark(MINUTE));
            assertMatches(h.extractOutputValues(), whole);
            h.close();
        }
    }

    @Test
    void aRestoredWindowKeepsItsEstimate() throws Exception {
        double[] p = probabilities(400, 5);
        var h = harness(List.of());
        h.open();
        h.processElement2(ReferenceUpdate.of(profile()), 0); // broadcast state, restored below
        h.processWatermark2(new Watermark(Long.MAX_VALUE));
        h.processElement1(slice(p, 0, 150), MINUTE - 1);
        OperatorSubtaskState snapshot = h.snapshot(1, 1);
        h.close();

        var restored = harness(List.of());
        restored.initializeState(snapshot);
        restored.open();
        restored.processWatermark2(new Watermark(Long.MAX_VALUE));
        restored.processElement1(slice(p, 150, 400), MINUTE - 1);
        restored.processWatermark1(new Watermark(MINUTE));
        assertMatches(restored.extractOutputValues(), estimate(p, 0, p.length));
        assertThat(observations(restored, PerformanceRule.ESTIMATED_DROP_ALERT))
                .as("the reference performance came back with the broadcast state")
                .singleElement()
                .satisfies(o -> assertThat(o.breached).isTrue());
        restored.close();
    }

    private static void assertMatches(
            List<PerformanceMetricRow> rows, EstimatedBinaryPerformance whole) {
        for (Map.Entry<String, Estimate> x : whole.estimates().entrySet()) {
            PerformanceMetricRow r = last(rows, x.getKey(), true);
            double tolerance = 1e-12 * Math.max(1, Math.abs(x.getValue().value()));
            assertThat(r.value).as(x.getKey()).isCloseTo(x.getValue().value(), within(tolerance));
            assertThat(r.standardError)
                    .as(x.getKey())
                    .isCloseTo(x.getValue().standardError(), within(1e-12));
            assertThat(r.sampleCount).isEqualTo(whole.predictions());
        }
    }
}
