package dev.driftwatch.jobs.shared;

import dev.driftwatch.core.event.EventLimits;
import dev.driftwatch.core.event.InvalidEventException;
import dev.driftwatch.core.event.LabelEvent;
import dev.driftwatch.core.event.LabelParser;
import dev.driftwatch.jobs.records.DeadLetter;
import dev.driftwatch.jobs.records.RawRecord;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Parses label records; bad ones (unparseable, missing fields, a label of the wrong type, a value
 * outside the contract's limits, or an unknown model when the known models are configured) go to
 * the dead letters with the reason.
 */
public class LabelParseFunction extends ProcessFunction<RawRecord, LabelEvent> {
    private final int maxBytes;
    private final Set<String> knownModels;
    private final EventLimits limits;
    private transient LabelParser parser;
    private transient Counter invalid;

    /**
     * @param knownModels models whose labels are expected; empty accepts every model
     */
    public LabelParseFunction(int maxBytes, Set<String> knownModels, EventLimits limits) {
        this.maxBytes = maxBytes;
        this.knownModels = Set.copyOf(knownModels);
        this.limits = limits;
    }

    @Override
    public void open(OpenContext openContext) {
        parser = new LabelParser(maxBytes, limits);
        invalid = getRuntimeContext().getMetricGroup().counter("invalidLabels");
    }

    @Override
    public void processElement(RawRecord record, Context ctx, Collector<LabelEvent> out) {
        try {
            LabelEvent label =
                    parser.parse(record.value, ctx.timerService().currentProcessingTime());
            if (!knownModels.isEmpty() && !knownModels.contains(label.modelName)) {
                invalid.inc();
                ctx.output(
                        EventDecodeFunction.DEAD_LETTERS,
                        new DeadLetter(
                                "label for unknown model '"
                                        + label.modelName
                                        + "' (known: "
                                        + knownModels
                                        + ")",
                                record));
                return;
            }
            out.collect(label);
        } catch (InvalidEventException e) {
            invalid.inc();
            ctx.output(EventDecodeFunction.DEAD_LETTERS, new DeadLetter(e.getMessage(), record));
        }
    }
}
