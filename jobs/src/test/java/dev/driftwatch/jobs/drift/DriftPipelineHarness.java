package dev.driftwatch.jobs.drift;

import dev.driftwatch.core.drift.DriftPolicies;
import dev.driftwatch.core.event.PredictionEvent;
import dev.driftwatch.jobs.records.DeadLetter;
import dev.driftwatch.jobs.records.DriftMetricRow;
import dev.driftwatch.jobs.records.PartialWindow;
import dev.driftwatch.jobs.records.ReferenceUpdate;
import dev.driftwatch.jobs.shared.QuietKeyRule;
import dev.driftwatch.jobs.shared.SideInputBroadcastOperator;
import dev.driftwatch.jobs.shared.WindowSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.TwoInputStreamOperatorTestHarness;

/**
 * The drift job's two window stages (pre-aggregate, window drift) chained by hand in operator test
 * harnesses, on one controllable processing clock, fed as Flink would feed them: watermarks of a
 * bounded-out-of-orderness generator with idleness (the event input is marked idle after {@code
 * idlenessMs} of processing time without events), and reference profiles on the side input, each
 * followed by the maximum watermark (what a side input without event time carried before event time
 * was taken from the events alone).
 */
final class DriftPipelineHarness implements AutoCloseable {
    private final TwoInputStreamOperatorTestHarness<PredictionEvent, ReferenceUpdate, PartialWindow>
            pre;
    private final KeyedTwoInputStreamOperatorTestHarness<
                    String, PartialWindow, ReferenceUpdate, DriftMetricRow>
            drift;
    private final long outOfOrdernessMs;
    private final long idlenessMs;
    private final List<DeadLetter> tooLate = new ArrayList<>();
    private long now;
    private long maxTimestamp = Long.MIN_VALUE;
    private long watermark = Long.MIN_VALUE;
    private long lastEventAt;
    private boolean idle;

    DriftPipelineHarness(
            WindowSpec windows,
            QuietKeyRule quietKeys,
            long outOfOrdernessMs,
            long idlenessMs,
            long startTime)
            throws Exception {
        this.outOfOrdernessMs = outOfOrdernessMs;
        this.idlenessMs = idlenessMs;
        this.now = startTime;
        this.lastEventAt = startTime;
        pre =
                new TwoInputStreamOperatorTestHarness<>(
                        new PreAggregateOperator(
                                windows, 1000, List.of(), quietKeys.timeoutMs() / 2));
        drift =
                new KeyedTwoInputStreamOperatorTestHarness<>(
                        new SideInputBroadcastOperator<>(
                                new WindowDriftFunction(
                                        windows, DriftPolicies.defaults(), List.of(), quietKeys),
                                WindowDriftFunction.BROADCAST_STATES),
                        (PartialWindow p) -> p.key,
                        (ReferenceUpdate u) -> "",
                        Types.STRING);
        pre.setProcessingTime(startTime);
        drift.setProcessingTime(startTime);
        pre.open();
        drift.open();
    }

    long now() {
        return now;
    }

    /** A reference profile published now (to both stages, as the broadcast does). */
    void publish(ReferenceUpdate profile) throws Exception {
        pre.processElement2(new StreamRecord<>(profile));
        pre.processWatermark2(new Watermark(Long.MAX_VALUE));
        drift.processElement2(profile, now);
        drift.processWatermark2(new Watermark(Long.MAX_VALUE));
        drain();
    }

    /** An event arriving now; the generator's watermark follows it. */
    void event(PredictionEvent e) throws Exception {
        if (idle) {
            idle = false;
            pre.processWatermarkStatus1(WatermarkStatus.ACTIVE);
        }
        lastEventAt = now;
        pre.processElement1(new StreamRecord<>(e, e.timestamp));
        maxTimestamp = Math.max(maxTimestamp, e.timestamp);
        long wm = maxTimestamp - outOfOrdernessMs - 1;
        if (wm > watermark) {
            watermark = wm;
            pre.processWatermark1(new Watermark(wm));
        }
        drain();
    }

    /** Moves the processing clock to {@code time}, marking the event input idle on the way. */
    void advanceTo(long time) throws Exception {
        long idleAt = lastEventAt + idlenessMs;
        if (!idle && idleAt <= time) {
            setTime(Math.max(now, idleAt));
            idle = true;
            pre.processWatermarkStatus1(WatermarkStatus.IDLE);
            drain();
        }
        setTime(time);
    }

    /** The end of a bounded input: the maximum watermark. */
    void endOfInput() throws Exception {
        pre.processWatermark1(new Watermark(Long.MAX_VALUE));
        drain();
    }

    private void setTime(long time) throws Exception {
        now = time;
        pre.setProcessingTime(time);
        drain();
        drift.setProcessingTime(time);
    }

    /** Passes the pre-aggregator's output to the window stage, as the network would. */
    private void drain() throws Exception {
        Object o;
        while ((o = pre.getOutput().poll()) != null) {
            if (o instanceof StreamRecord<?> r) {
                PartialWindow p = (PartialWindow) r.getValue();
                drift.processElement1(p, r.getTimestamp());
            } else if (o instanceof Watermark w) {
                drift.processWatermark1(w);
            } else if (o instanceof WatermarkStatus s) {
                drift.processWatermarkStatus1(s);
            }
        }
        var late = pre.getSideOutput(PreAggregateOperator.TOO_LATE);
        if (late != null) {
            StreamRecord<DeadLetter> d;
            while ((d = late.poll()) != null) {
                tooLate.add(d.getValue());
            }
        }
    }

    /** Events dead-lettered as later than the allowed lateness. */
    List<DeadLetter> tooLate() {
        return tooLate;
    }

    /** The last version of every row written, by (feature, metric, window start). */
    Map<String, DriftMetricRow> rows() {
        Map<String, DriftMetricRow> rows = new LinkedHashMap<>();
        for (DriftMetricRow r : drift.extractOutputValues()) {
            rows.put(r.feature + "/" + r.metric + "/" + r.windowStart, r);
        }
        return rows;
    }

    /** Watermarks the window stage passed on. */
    List<Long> outputWatermarks() {
        List<Long> out = new ArrayList<>();
        for (Object o : drift.getOutput()) {
            if (o instanceof Watermark w) {
                out.add(w.getTimestamp());
            }
        }
        return out;
    }

    @Override
    public void close() throws Exception {
        pre.close();
        drift.close();
    }
}
