package dev.driftwatch.jobs.drift;

import static dev.driftwatch.jobs.TestEvents.profile;
import static org.assertj.core.api.Assertions.assertThat;

import dev.driftwatch.core.event.PredictionEvent;
import dev.driftwatch.core.profile.WindowProfile;
import dev.driftwatch.jobs.records.DeadLetter;
import dev.driftwatch.jobs.records.PartialWindow;
import dev.driftwatch.jobs.records.ReferenceUpdate;
import dev.driftwatch.jobs.shared.WindowSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.TwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The pre-aggregator: one slice per key and window, flushed on watermarks; lateness; baselines. */
class PreAggregateOperatorTest {
    private static final long MINUTE = 60_000;
    private static final WindowSpec WINDOWS = new WindowSpec(MINUTE, MINUTE, 2 * MINUTE);

    static PredictionEvent event(long ts, double x) {
        PredictionEvent e = new PredictionEvent();
        e.predictionId = "p" + ts;
        e.modelName = "m";
        e.modelVersion = "1";
        e.timestamp = ts;
        e.featureNames = new String[] {"x"};
        e.numbers = new double[] {x};
        e.strings = new String[] {null};
        return e;
    }

    private static TwoInputStreamOperatorTestHarness<
                    PredictionEvent, ReferenceUpdate, PartialWindow>
            harness() throws Exception {
        var h = new TwoInputStreamOperatorTestHarness<>(new PreAggregateOperator(WINDOWS, 1000));
        h.open();
        return h;
    }

    private static List<PartialWindow> partials(ConcurrentLinkedQueue<Object> output) {
        List<PartialWindow> out = new ArrayList<>();
        for (Object o : output) {
            if (o instanceof StreamRecord<?> r && r.getValue() instanceof PartialWindow p) {
                out.add(p);
            }
        }
        return out;
    }

    @Test
    void oneSlicePerKeyAndWindowFlushedBeforeTheWatermark() throws Exception {
        var h = harness();
        h.processElement2(new StreamRecord<>(ReferenceUpdate.of(profile(0, Instant.EPOCH))));
        for (int i = 0; i < 10; i++) {
            h.processElement1(new StreamRecord<>(event(i * 1000, i)));
        }
        h.processElement1(new StreamRecord<>(event(MINUTE + 5, 3)));
        assertThat(partials(h.getOutput())).isEmpty(); // buffered until the watermark
        h.processWatermark1(new Watermark(MINUTE - 1));
        h.processWatermark2(new Watermark(Long.MAX_VALUE));
        List<PartialWindow> out = partials(h.getOutput());
        assertThat(out).as("only the window the watermark closes").hasSize(1);
        PartialWindow first = out.get(0);
        assertThat(first.windowStart).isZero();
        assertThat(first.events).isEqualTo(10);
        assertThat(WindowProfile.heapify(first.profile).numeric(0).finiteCount()).isEqualTo(10);
        assertThat(first.key).isEqualTo(PartialWindow.key("m", "1", ""));
        // the watermark follows the slices it covers
        Object last = h.getOutput().toArray()[h.getOutput().size() - 1];
        assertThat(last).isInstanceOf(Watermark.class);
        h.processWatermark1(new Watermark(2 * MINUTE - 1));
        assertThat(partials(h.getOutput())).hasSize(2);
        h.close();
    }

    @Test
    void lateEventsCountAndTooLateOnesAreDeadLettered() throws Exception {
        var h = harness();
        h.processElement2(new StreamRecord<>(ReferenceUpdate.of(profile(0, Instant.EPOCH))));
        h.processWatermark2(new Watermark(Long.MAX_VALUE));
        h.processWatermark1(new Watermark(2 * MINUTE));
        h.getOutput().clear();
        h.processElement1(
                new StreamRecord<>(event(MINUTE + 1, 1))); // window [1m,2m) closed, within lateness
        h.processElement1(
                new StreamRecord<>(
                        event(5, 1))); // window [0,1m): cleanup at 3m-1 > 2m: still late-ok
        h.processWatermark1(new Watermark(4 * MINUTE));
        h.processElement1(
                new StreamRecord<>(event(MINUTE + 2, 1))); // [1m,2m) cleaned at 4m-1: too late
        List<PartialWindow> out = partials(h.getOutput());
        assertThat(out).hasSize(2).allSatisfy(p -> assertThat(p.lateEvents).isEqualTo(1));
        var dead = h.getSideOutput(PreAggregateOperator.TOO_LATE);
        assertThat(dead).hasSize(1);
        DeadLetter d = dead.peek().getValue();
        assertThat(d.reason).contains("later than the allowed lateness");
        h.close();
    }

    @Test
    void eventsWithoutAReferenceAreCountedNotDropped() throws Exception {
        var h = harness();
        h.processElement1(new StreamRecord<>(event(10, 1)));
        h.processElement1(new StreamRecord<>(event(20, 2)));
        h.processWatermark2(new Watermark(Long.MAX_VALUE));
        h.processWatermark1(new Watermark(MINUTE));
        List<PartialWindow> out = partials(h.getOutput());
        assertThat(out).hasSize(1);
        assertThat(out.get(0).noReferenceEvents).isEqualTo(2);
        assertThat(out.get(0).profile).isNull();
        h.close();
    }

    @Test
    void aNewBaselineAppliesFromTheNextWindow() throws Exception {
        var h = harness();
        ReferenceUpdate v1 = ReferenceUpdate.of(profile(0, Instant.parse("2026-01-01T00:00:00Z")));
        ReferenceUpdate v2 =
                ReferenceUpdate.of(profile(1000, Instant.parse("2026-02-01T00:00:00Z")));
        h.processElement2(new StreamRecord<>(v1));
        h.processWatermark2(new Watermark(Long.MAX_VALUE));
        h.processElement1(new StreamRecord<>(event(10, 1)));
        h.processWatermark1(new Watermark(30_000)); // window 0 stays open
        h.processElement2(new StreamRecord<>(v2)); // published mid-window
        h.processElement1(new StreamRecord<>(event(40_000, 1))); // same window: keeps v1
        h.processElement1(new StreamRecord<>(event(MINUTE + 10, 1))); // next window: v2
        h.processWatermark1(new Watermark(2 * MINUTE));
        List<PartialWindow> out = partials(h.getOutput());
        assertThat(out)
                .extracting(p -> p.windowStart + "=" + p.referenceId)
                .containsExactly("0=" + v1.referenceId, MINUTE + "=" + v2.referenceId);
        h.close();
    }

    @Test
    void eventTimeIsTheEventsAloneAndAnIdleEventInputIsPassedOn() throws Exception {
        var h = harness();
        h.processElement2(new StreamRecord<>(ReferenceUpdate.of(profile(0, Instant.EPOCH))));
        h.processElement1(new StreamRecord<>(event(10, 1)));
        h.processWatermark1(new Watermark(30_000));
        h.processWatermarkStatus1(WatermarkStatus.IDLE);
        h.processWatermark2(new Watermark(Long.MAX_VALUE)); // the side input: no event time
        assertThat(partials(h.getOutput())).as("the open window is not flushed").isEmpty();
        assertThat(h.getOutput())
                .filteredOn(o -> o instanceof Watermark)
                .extracting(o -> ((Watermark) o).getTimestamp())
                .containsExactly(30_000L);
        assertThat(h.getOutput()).contains(WatermarkStatus.IDLE);

        h.processWatermarkStatus1(WatermarkStatus.ACTIVE);
        h.processElement1(new StreamRecord<>(event(40_000, 1))); // same window: not late
        h.processWatermark1(new Watermark(MINUTE));
        List<PartialWindow> out = partials(h.getOutput());
        assertThat(out).hasSize(1);
        assertThat(out.get(0).events).isEqualTo(2);
        assertThat(out.get(0).lateEvents).isZero();
        assertThat(h.getSideOutput(PreAggregateOperator.TOO_LATE)).isNull();
        h.close();
    }

    @Test
    void slicesAreFlushedByProcessingTimeWhenNoWatermarkMoves() throws Exception {
        var h =
                new TwoInputStreamOperatorTestHarness<>(
                        new PreAggregateOperator(WINDOWS, 1000, List.of(), 1000));
        h.setProcessingTime(0);
        h.open();
        h.processElement1(new StreamRecord<>(event(10, 1)));
        h.setProcessingTime(999);
        assertThat(partials(h.getOutput())).isEmpty();
        h.setProcessingTime(1000);
        assertThat(partials(h.getOutput())).hasSize(1);
        h.processElement1(new StreamRecord<>(event(20, 1))); // a new slice, a new timer
        h.setProcessingTime(2000);
        assertThat(partials(h.getOutput())).hasSize(2);
        h.close();
    }

    @Test
    void referenceProfilesSurviveARestore() throws Exception {
        var h = harness();
        h.processElement2(new StreamRecord<>(ReferenceUpdate.of(profile(0, Instant.EPOCH))));
        var snapshot = h.snapshot(1, 1);
        h.close();
        var restored =
                new TwoInputStreamOperatorTestHarness<>(new PreAggregateOperator(WINDOWS, 1000));
        restored.initializeState(snapshot);
        restored.open();
        restored.processElement1(new StreamRecord<>(event(10, 1)));
        restored.processWatermark2(new Watermark(Long.MAX_VALUE));
        restored.processWatermark1(new Watermark(MINUTE));
        List<PartialWindow> out = partials(restored.getOutput());
        assertThat(out).hasSize(1);
        assertThat(out.get(0).profile).isNotNull();
        assertThat(out.get(0).noReferenceEvents).isZero();
        restored.close();
    }
}
