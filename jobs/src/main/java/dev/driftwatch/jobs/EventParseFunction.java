package dev.driftwatch.jobs;

import dev.driftwatch.core.event.EventLimits;
import dev.driftwatch.core.event.EventParser;
import dev.driftwatch.core.event.InvalidEventException;
import dev.driftwatch.core.event.PredictionEvent;
import dev.driftwatch.jobs.model.DeadLetter;
import dev.driftwatch.jobs.model.RawRecord;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Parses Kafka records into {@link PredictionEvent}s. Invalid records go to the {@link
 * #DEAD_LETTERS} side output with the reason (never failing the job); when such a record still
 * names its model, version and event time, an event with no features is emitted too, so that the
 * window counts it as invalid. Segment values beyond {@code maxSegments} per model and version are
 * pooled as "other".
 */
public class EventParseFunction extends ProcessFunction<RawRecord, PredictionEvent> {
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

    /** Segment that pools values beyond the per-model limit. */
    public static final String OTHER_SEGMENT = "other";

    private final List<String> segmentTags;
    private final int maxSegments;
    private final int maxEventBytes;
    private final EventLimits limits;
    private transient EventParser parser;
    private transient Map<String, Set<String>> segments;
    private transient Counter eventsIn;
    private transient Counter invalid;

    public EventParseFunction(List<String> segmentTags, int maxSegments, int maxEventBytes) {
        this(segmentTags, maxSegments, maxEventBytes, EventLimits.defaults());
    }

    public EventParseFunction(
            List<String> segmentTags, int maxSegments, int maxEventBytes, EventLimits limits) {
        this.segmentTags = List.copyOf(segmentTags);
        this.maxSegments = maxSegments;
        this.maxEventBytes = maxEventBytes;
        this.limits = limits;
    }

    @Override
    public void open(OpenContext openContext) {
        parser = new EventParser(segmentTags, maxEventBytes, limits);
        segments = new HashMap<>();
        eventsIn = getRuntimeContext().getMetricGroup().counter("eventsIn");
        invalid = getRuntimeContext().getMetricGroup().counter("invalidEvents");
    }

    @Override
    public void processElement(RawRecord record, Context ctx, Collector<PredictionEvent> out) {
        eventsIn.inc();
        PredictionEvent event;
        try {
            event = parser.parse(record.value, ctx.timerService().currentProcessingTime());
        } catch (InvalidEventException e) {
            invalid.inc();
            ctx.output(DEAD_LETTERS, new DeadLetter(e.getMessage(), record));
            if (e.modelName() != null
                    && e.modelVersion() != null
                    && e.timestamp() != Long.MIN_VALUE) {
                out.collect(invalidMarker(e));
            }
            return;
        }
        if (!segmentTags.isEmpty()) {
            event.segment = boundedSegment(event.modelKey(), event.segment);
        }
        out.collect(event);
    }

    private String boundedSegment(String modelKey, String segment) {
        Set<String> known = segments.computeIfAbsent(modelKey, k -> new HashSet<>());
        if (known.contains(segment)) {
            return segment;
        }
        if (known.size() < maxSegments) {
            known.add(segment);
            return segment;
        }
        return OTHER_SEGMENT;
    }

    /** An event that carries no features: it marks an invalid record in its model's window. */
    static PredictionEvent invalidMarker(InvalidEventException e) {
        PredictionEvent marker = new PredictionEvent();
        marker.modelName = e.modelName();
        marker.modelVersion = e.modelVersion();
        marker.timestamp = e.timestamp();
        marker.predictionId = "";
        marker.featureNames = null;
        return marker;
    }

    /** True for the markers emitted for invalid records. */
    static boolean isInvalidMarker(PredictionEvent event) {
        return event.featureNames == null;
    }
}
