package dev.driftwatch.jobs.performance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.driftwatch.core.event.LabelEvent;
import dev.driftwatch.core.event.PredictionEvent;
import dev.driftwatch.jobs.records.PerformanceDelta;
import dev.driftwatch.jobs.shared.PrimaryInputCoProcessOperator;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The label join: either order, latest label wins, TTL, and pending joins survive a restore. */
class LabelJoinFunctionTest {
    private static final Duration TTL = Duration.ofDays(7);

    static PredictionEvent prediction(String id, double score) {
        PredictionEvent e = new PredictionEvent();
        e.predictionId = id;
        e.modelName = "fraud";
        e.modelVersion = "7";
        e.timestamp = 1000;
        e.featureNames = new String[] {"amount", PredictionEvent.SCORE_FEATURE};
        e.numbers = new double[] {1.0, score};
        e.strings = new String[] {null, null};
        return e;
    }

    static LabelEvent label(String id, String value) {
        LabelEvent l = new LabelEvent();
        l.predictionId = id;
        l.modelName = "fraud";
        l.timestamp = 5000;
        l.label = value;
        return l;
    }

    private static KeyedTwoInputStreamOperatorTestHarness<
                    String, PredictionEvent, LabelEvent, PerformanceDelta>
            harness() throws Exception {
        var h =
                new KeyedTwoInputStreamOperatorTestHarness<>(
                        new PrimaryInputCoProcessOperator<>(new LabelJoinFunction(TTL)),
                        (PredictionEvent e) -> LabelJoinFunction.key(e.modelName, e.predictionId),
                        (LabelEvent l) -> LabelJoinFunction.key(l.modelName, l.predictionId),
                        Types.STRING);
        h.open();
        return h;
    }

    private static List<String> kinds(List<PerformanceDelta> out) {
        return out.stream()
                .map(d -> d.kind + (d.kind.equals("pair") ? d.sign + d.actualLabel : ""))
                .toList();
    }

    @Test
    void labelsJoinInEitherOrderAndTheLatestWins() throws Exception {
        var h = harness();
        h.processElement1(prediction("a", 0.9), 1000);
        h.processElement2(label("a", "1"), 5000);
        h.processElement2(label("b", "0"), 5000); // label first
        h.processElement1(prediction("b", 0.2), 1000);
        h.processElement2(label("a", "0"), 6000); // corrected label: retract and replace
        h.processElement1(prediction("a", 0.9), 1000); // duplicate prediction: ignored
        assertThat(kinds(h.extractOutputValues()))
                .containsExactly(
                        "prediction",
                        "pair1" + "1",
                        "prediction",
                        "pair1" + "0",
                        "pair-1" + "1",
                        "pair1" + "0");
        PerformanceDelta first = h.extractOutputValues().get(1);
        assertThat(first.score).isEqualTo(0.9);
        assertThat(first.modelVersion).isEqualTo("7");
        assertThat(first.timestamp).as("windowed by prediction time").isEqualTo(1000);
        h.close();
    }

    /**
     * Names and ids that concatenate alike (a separator or NUL inside a name) key different
     * predictions: a label for one never joins the other, and the window keys differ too.
     */
    @Test
    void keysThatConcatenateAlikeDoNotCollide() throws Exception {
        var h = harness();
        PredictionEvent p = prediction("b/c", 0.9);
        p.modelName = "a";
        h.processElement1(p, 1000);
        LabelEvent forgery = label("c", "1");
        forgery.modelName = "a/b";
        h.processElement2(forgery, 5000);
        LabelEvent nul = label("c", "1");
        nul.modelName = "a\0b";
        h.processElement2(nul, 5000);
        assertThat(kinds(h.extractOutputValues())).containsExactly("prediction");
        LabelEvent real = label("b/c", "1");
        real.modelName = "a";
        h.processElement2(real, 5000);
        assertThat(kinds(h.extractOutputValues())).containsExactly("prediction", "pair1" + "1");

        assertThat(LabelJoinFunction.key("a", "b\0c"))
                .isNotEqualTo(LabelJoinFunction.key("a\0b", "c"));
        PerformanceDelta one = new PerformanceDelta();
        one.modelName = "a/b";
        one.modelVersion = "c";
        one.segment = "";
        PerformanceDelta other = new PerformanceDelta();
        other.modelName = "a";
        other.modelVersion = "b/c";
        other.segment = "";
        assertThat(one.windowKey()).isNotEqualTo(other.windowKey());
        assertThat(dev.driftwatch.jobs.records.PartialWindow.key("a", "b/", "c"))
                .isNotEqualTo(dev.driftwatch.jobs.records.PartialWindow.key("a/b", "", "c"));
        h.close();
    }

    @Test
    void afterTheTtlUnlabelledAndOrphanedAreCountedAndStateCleared() throws Exception {
        var h = harness();
        h.setProcessingTime(0);
        h.processElement1(prediction("never-labelled", 0.4), 1000);
        h.processElement2(label("no-prediction", "1"), 5000);
        h.setProcessingTime(TTL.toMillis() + 1);
        assertThat(kinds(h.extractOutputValues()))
                .containsExactly("prediction", "unlabelled", "orphaned");
        assertThat(h.numKeyedStateEntries()).isZero();
        h.close();
    }

    @Test
    void pendingJoinsSurviveARestoreFromACheckpoint() throws Exception {
        var h = harness();
        h.processElement1(prediction("p", 0.7), 1000);
        OperatorSubtaskState snapshot = h.snapshot(1, 1);
        h.close();
        var restored =
                new KeyedTwoInputStreamOperatorTestHarness<>(
                        new PrimaryInputCoProcessOperator<>(new LabelJoinFunction(TTL)),
                        (PredictionEvent e) -> LabelJoinFunction.key(e.modelName, e.predictionId),
                        (LabelEvent l) -> LabelJoinFunction.key(l.modelName, l.predictionId),
                        Types.STRING);
        restored.initializeState(snapshot);
        restored.open();
        restored.processElement2(label("p", "1"), 5000);
        assertThat(kinds(restored.extractOutputValues())).containsExactly("pair1" + "1");
        restored.close();
    }

    /**
     * Event time is the predictions': labels' watermarks and idleness change nothing, and the end
     * of the predictions is passed on only once the labels have ended too.
     */
    @Test
    void eventTimeIsThePredictionsAndTheEndWaitsForTheLabels() throws Exception {
        var h = harness();
        h.processWatermark2(new Watermark(9_000_000));
        h.processWatermarkStatus2(WatermarkStatus.IDLE);
        h.processWatermark1(new Watermark(1000));
        h.processWatermarkStatus1(WatermarkStatus.IDLE);
        h.processWatermark1(new Watermark(Long.MAX_VALUE));
        assertThat(watermarks(h)).containsExactly(1000L);
        assertThat(h.getOutput()).containsOnlyOnce(WatermarkStatus.IDLE);
        h.processWatermark2(new Watermark(Long.MAX_VALUE));
        assertThat(watermarks(h)).containsExactly(1000L, Long.MAX_VALUE);
        h.close();
    }

    private static List<Long> watermarks(
            KeyedTwoInputStreamOperatorTestHarness<
                            String, PredictionEvent, LabelEvent, PerformanceDelta>
                    h) {
        return h.getOutput().stream()
                .filter(o -> o instanceof Watermark)
                .map(o -> ((Watermark) o).getTimestamp())
                .toList();
    }
}
