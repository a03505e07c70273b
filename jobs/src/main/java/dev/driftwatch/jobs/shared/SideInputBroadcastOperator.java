package dev.driftwatch.jobs.shared;

import java.util.List;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;

/**
 * Flink's keyed broadcast operator, with event time taken from the keyed input alone: the broadcast
 * input (reference profiles) is a side input whose watermarks and idleness are ignored, so it can
 * never move event time past data that can still arrive. Flink's own operator combines both inputs:
 * once the keyed input goes idle, the side input's watermark alone would decide. The gauge {@code
 * eventInputIdle} is 1 while the keyed input is idle (its event time waits for traffic).
 *
 * <pre>{@code
 * keyed.connect(sideInput.broadcast())
 *      .transform("name", type, new SideInputBroadcastOperator<>(function, List.of(DESCRIPTOR)));
 * }</pre>
 */
public class SideInputBroadcastOperator<K, IN, SIDE, OUT>
        extends CoBroadcastWithKeyedOperator<K, IN, SIDE, OUT> {
    public SideInputBroadcastOperator(
            KeyedBroadcastProcessFunction<K, IN, SIDE, OUT> function,
            List<MapStateDescriptor<?, ?>> broadcastStateDescriptors) {
        super(function, broadcastStateDescriptors);
    }

    private transient FirstInputEventTime eventTime;

    @Override
    public void open() throws Exception {
        super.open();
        eventTime = new FirstInputEventTime();
        eventTime.register(getMetricGroup());
    }

    @Override
    public void processWatermark1(Watermark mark) throws Exception {
        processWatermark(mark);
    }

    @Override
    public void processWatermark2(Watermark mark) {}

    @Override
    protected void processWatermarkStatus(WatermarkStatus status, int inputIndex) {
        eventTime.status(status, inputIndex, output);
    }
}
