package dev.driftwatch.jobs.performance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.driftwatch.core.calibration.Calibration;
import dev.driftwatch.core.event.CompositeKey;
import dev.driftwatch.core.event.PredictionEvent;
import dev.driftwatch.core.performance.Estimate;
import dev.driftwatch.core.performance.EstimatedBinaryPerformance;
import dev.driftwatch.core.performance.EstimatedMulticlassPerformance;
import dev.driftwatch.core.performance.EstimatedPerformance;
import dev.driftwatch.core.performance.EstimatedPerformanceWindows;
import dev.driftwatch.core.profile.ReferenceProfile;
import dev.driftwatch.jobs.TestEvents;
import dev.driftwatch.jobs.records.PerformanceDelta;
import dev.driftwatch.jobs.records.ReferenceUpdate;
import dev.driftwatch.jobs.shared.WindowSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.TwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The estimate pre-aggregator: predictions through their model version's calibration into one slice
 * per key and window, flushed when the watermark closes the window and before a checkpoint; binary
 * and multiclass; versions without a calibration and predictions without a score are left out; the
 * calibrations survive a restore.
 */
class EstimatePreAggregateOperatorTest {
    private static final long MINUTE = 60_000;
    private static final List<String> CLASSES = List.of("cat", "dog", "bird");

    /** An isotonic calibration of overconfident scores (the truth is p, the model says s(p)). */
    static Calibration binaryCalibration() {
        Random r = new Random(7);
        int n = 5000;
        double[] scores = new double[n];
        boolean[] positive = new boolean[n];
        for (int i = 0; i < n; i++) {
            double p = r.nextDouble();
            scores[i] = overconfident(p);
            positive[i] = r.nextDouble() < p;
        }
        Calibration c = Calibration.fitBinary("1", scores, positive);
        assertThat(c.method()).isEqualTo(Calibration.Method.ISOTONIC);
        return c;
    }

    static double overconfident(double p) {
        double logit = Math.log(p / (1 - p));
        return 1 / (1 + Math.exp(-3 * logit));
    }

    static Calibration multiclassCalibration() {
        Random r = new Random(8);
        int n = 4000;
        double[][] probabilities = new double[n][];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            double[] truth = {r.nextDouble() + 0.1, r.nextDouble() + 0.1, r.nextDouble() + 0.1};
            double sum = truth[0] + truth[1] + truth[2];
            double u = r.nextDouble() * sum;
            labels[i] = u < truth[0] ? 0 : u < truth[0] + truth[1] ? 1 : 2;
            probabilities[i] = sharpened(truth);
        }
        return Calibration.fitMulticlass(CLASSES, probabilities, labels);
    }

    static double[] sharpened(double[] weights) {
        double[] s = new double[weights.length];
        double sum = 0;
        for (int c = 0; c < s.length; c++) {
            s[c] = Math.pow(weights[c], 3);
            sum += s[c];
        }
        for (int c = 0; c < s.length; c++) {
            s[c] /= sum;
        }
        return s;
    }

    static ReferenceProfile profile(String model, Calibration calibration) {
        return new ReferenceProfile(
                model,
                "1",
                Instant.EPOCH,
                TestEvents.profile(0, Instant.EPOCH).features(),
                Map.of(),
                calibration);
    }

    static PredictionEvent binaryEvent(String model, long ts, double score, String label) {
        PredictionEvent e = new PredictionEvent();
        e.predictionId = "p" + ts;
        e.modelName = model;
        e.modelVersion = "1";
        e.timestamp = ts;
        e.featureNames =
                label == null
                        ? new String[] {"x", PredictionEvent.SCORE_FEATURE}
                        : new String[] {
                            "x", PredictionEvent.SCORE_FEATURE, PredictionEvent.LABEL_FEATURE
                        };
        e.numbers = new double[] {1, score, Double.NaN};
        e.strings = new String[] {null, null, label};
        return e;
    }

    static PredictionEvent multiclassEvent(long ts, double[] p) {
        PredictionEvent e = new PredictionEvent();
        e.predictionId = "m" + ts;
        e.modelName = "pets";
        e.modelVersion = "1";
        e.timestamp = ts;
        // the classes in another order than the calibration's, as an event may send them
        e.featureNames =
                new String[] {
                    "x",
                    PredictionEvent.probabilityFeature("dog"),
                    PredictionEvent.probabilityFeature("bird"),
                    PredictionEvent.probabilityFeature("cat")
                };
        e.numbers = new double[] {1, p[1], p[2], p[0]};
        e.strings = new String[4];
        return e;
    }

    private static TwoInputStreamOperatorTestHarness<
                    PredictionEvent, ReferenceUpdate, PerformanceDelta>
            harness(WindowSpec windows, List<ReferenceUpdate> initial) throws Exception {
        return new TwoInputStreamOperatorTestHarness<>(
                new EstimatePreAggregateOperator(
                        windows, 1000, initial, 0, Map.of(), new BinaryDecision("1", 0.5)));
    }

    private static List<PerformanceDelta> slices(
            TwoInputStreamOperatorTestHarness<?, ?, PerformanceDelta> h) {
        List<PerformanceDelta> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord<?> r && r.getValue() instanceof PerformanceDelta d) {
                out.add(d);
            }
        }
        return out;
    }

    private static void assertSame(EstimatedPerformance actual, EstimatedPerformance expected) {
        assertThat(actual.predictions()).isEqualTo(expected.predictions());
        Map<String, Estimate> e = expected.estimates();
        for (Map.Entry<String, Estimate> a : actual.estimates().entrySet()) {
            assertThat(a.getValue()).as(a.getKey()).isNotNull();
            assertThat(a.getValue().value())
                    .as(a.getKey())
                    .isCloseTo(e.get(a.getKey()).value(), within(1e-12));
            assertThat(a.getValue().standardError())
                    .as(a.getKey())
                    .isCloseTo(e.get(a.getKey()).standardError(), within(1e-12));
        }
    }

    @Test
    void binaryPredictionsAreCalibratedIntoOneSlicePerWindow() throws Exception {
        Calibration calibration = binaryCalibration();
        var h = harness(new WindowSpec(2 * MINUTE, MINUTE, 0), List.of());
        h.open();
        h.processElement2(new StreamRecord<>(ReferenceUpdate.of(profile("churn", calibration))));
        // predictions of [0, 1 min) are in windows starting -1 min and 0; of [1, 2 min) in 0, 1
        EstimatedBinaryPerformance first = new EstimatedBinaryPerformance(1000);
        EstimatedBinaryPerformance second = new EstimatedBinaryPerformance(1000);
        Random r = new Random(3);
        for (int i = 0; i < 400; i++) {
            long ts = i * 300L; // 0 .. 2 min
            double score = r.nextDouble();
            String label = i % 4 == 0 ? (score >= 0.8 ? "1" : "0") : null; // some labelled
            h.processElement1(new StreamRecord<>(binaryEvent("churn", ts, score, label)));
            boolean predicted = label != null ? label.equals("1") : score >= 0.5;
            if (ts < MINUTE) {
                first.add(calibration.calibrate(score), predicted, 1);
            }
            second.add(calibration.calibrate(score), predicted, 1);
        }
        h.processElement1(new StreamRecord<>(binaryEvent("churn", 100, Double.NaN, "1")));
        assertThat(slices(h)).as("buffered until the watermark").isEmpty();

        h.processWatermark1(new Watermark(MINUTE - 1)); // closes [-1 min, 1 min)
        h.processWatermark2(new Watermark(Long.MAX_VALUE));
        List<PerformanceDelta> out = slices(h);
        assertThat(out).hasSize(1);
        assertThat(out.get(0).kind).isEqualTo(PerformanceDelta.ESTIMATE);
        assertThat(out.get(0).timestamp).as("the window's start").isEqualTo(-MINUTE);
        assertThat(out.get(0).windowKey()).isEqualTo(CompositeKey.of("churn", "1", ""));
        assertSame(EstimatedPerformanceWindows.heapify(out.get(0).estimate), first);
        Object last = h.getOutput().toArray()[h.getOutput().size() - 1];
        assertThat(last).as("the watermark follows its slices").isInstanceOf(Watermark.class);

        h.processWatermark1(new Watermark(2 * MINUTE - 1));
        out = slices(h);
        assertThat(out).hasSize(2);
        assertThat(out.get(1).timestamp).isZero();
        assertSame(EstimatedPerformanceWindows.heapify(out.get(1).estimate), second);
        h.close();
    }

    @Test
    void multiclassProbabilitiesInAnyOrderAndTheMostProbableClassPredicted() throws Exception {
        Calibration calibration = multiclassCalibration();
        var h =
                harness(
                        new WindowSpec(MINUTE, MINUTE, 0),
                        List.of(ReferenceUpdate.of(profile("pets", calibration))));
        h.open();
        EstimatedMulticlassPerformance expected = new EstimatedMulticlassPerformance(CLASSES, 100);
        Random r = new Random(4);
        double[] out = new double[3];
        for (int i = 0; i < 300; i++) {
            double[] p =
                    sharpened(new double[] {r.nextDouble() + 0.1, r.nextDouble(), r.nextDouble()});
            h.processElement1(new StreamRecord<>(multiclassEvent(i * 100L, p)));
            int predicted = p[0] >= p[1] && p[0] >= p[2] ? 0 : p[1] >= p[2] ? 1 : 2;
            calibration.calibrate(p, out);
            expected.add(out, predicted, 1);
        }
        h.prepareSnapshotPreBarrier(1); // a checkpoint flushes open windows
        List<PerformanceDelta> slices = slices(h);
        assertThat(slices).hasSize(1);
        assertSame(EstimatedPerformanceWindows.heapify(slices.get(0).estimate), expected);
        h.close();
    }

    @Test
    void versionsWithoutCalibrationAreNotEstimatedAndCalibrationsSurviveARestore()
            throws Exception {
        var h = harness(new WindowSpec(MINUTE, MINUTE, 0), List.of());
        h.open();
        h.processElement2(new StreamRecord<>(ReferenceUpdate.of(profile("churn", null))));
        h.processElement2(
                new StreamRecord<>(ReferenceUpdate.of(profile("fraud", binaryCalibration()))));
        h.processElement1(new StreamRecord<>(binaryEvent("churn", 10, 0.9, null)));
        h.processElement1(new StreamRecord<>(binaryEvent("unknown", 10, 0.9, null)));
        h.processWatermark1(new Watermark(MINUTE));
        assertThat(slices(h)).isEmpty();
        OperatorSubtaskState snapshot = h.snapshot(1, 1);
        h.close();

        var restored = harness(new WindowSpec(MINUTE, MINUTE, 0), List.of());
        restored.initializeState(snapshot);
        restored.open();
        restored.processElement1(new StreamRecord<>(binaryEvent("fraud", MINUTE + 10, 0.9, null)));
        restored.processElement1(new StreamRecord<>(binaryEvent("churn", MINUTE + 10, 0.9, null)));
        restored.processWatermark1(new Watermark(2 * MINUTE));
        assertThat(slices(restored))
                .singleElement()
                .satisfies(
                        d ->
                                assertThat(d.windowKey())
                                        .isEqualTo(CompositeKey.of("fraud", "1", "")));
        restored.close();
    }
}
