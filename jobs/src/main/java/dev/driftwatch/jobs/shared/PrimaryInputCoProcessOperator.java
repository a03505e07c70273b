package dev.driftwatch.jobs.shared;

import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;

/**
 * Flink's keyed two-input process operator, with event time taken from the first input alone. The
 * performance job joins labels (second input) to predictions (first input): its windows are by
 * prediction time, so labels — stamped days later, and often quiet — must neither advance nor hold
 * back event time. Only the end of input waits for both: the first input's final (maximum)
 * watermark is passed on once the second input has ended too, so a bounded run writes the labels
 * that come after the last prediction. The gauge {@code eventInputIdle} is 1 while the first input
 * is idle.
 */
public class PrimaryInputCoProcessOperator<K, IN1, IN2, OUT>
        extends KeyedCoProcessOperator<K, IN1, IN2, OUT> {
    public PrimaryInputCoProcessOperator(KeyedCoProcessFunction<K, IN1, IN2, OUT> function) {
        super(function);
    }

    private transient FirstInputEventTime eventTime;
    private transient boolean firstEnded;
    private transient boolean secondEnded;

    @Override
    public void open() throws Exception {
        super.open();
        eventTime = new FirstInputEventTime();
        eventTime.register(getMetricGroup());
    }

    @Override
    public void processWatermark1(Watermark mark) throws Exception {
        if (mark.getTimestamp() == Long.MAX_VALUE) {
            firstEnded = true;
            if (!secondEnded) {
                return;
            }
        }
        processWatermark(mark);
    }

    @Override
    public void processWatermark2(Watermark mark) throws Exception {
        if (mark.getTimestamp() == Long.MAX_VALUE) {
            secondEnded = true;
            if (firstEnded) {
                processWatermark(mark);
            }
        }
    }

    @Override
    protected void processWatermarkStatus(WatermarkStatus status, int inputIndex) {
        eventTime.status(status, inputIndex, output);
    }
}
