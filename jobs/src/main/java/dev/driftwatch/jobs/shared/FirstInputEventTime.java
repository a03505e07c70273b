package dev.driftwatch.jobs.shared;

import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.operators.Output;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;

/**
 * What the two-input operators of the jobs share about event time: it is the first input's alone.
 * The operator passes the first input's watermarks straight on (its own single-input path) and
 * ignores the second's; this class handles the watermark status (idle or active): the first input's
 * goes on unchanged, so an idle event input leaves event time where it is, and the gauge {@code
 * eventInputIdle} shows it; the second input's is ignored.
 */
public final class FirstInputEventTime {
    private boolean idle;

    /** Registers the {@code eventInputIdle} gauge (1 while the first input is idle). */
    public void register(MetricGroup group) {
        group.<Integer, Gauge<Integer>>gauge("eventInputIdle", () -> idle ? 1 : 0);
    }

    /** A status from input {@code inputIndex} (0: the first). */
    public void status(WatermarkStatus status, int inputIndex, Output<?> output) {
        if (inputIndex == 0) {
            idle = status.isIdle();
            output.emitWatermarkStatus(status);
        }
    }
}
