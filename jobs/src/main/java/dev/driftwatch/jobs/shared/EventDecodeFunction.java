package dev.driftwatch.jobs.shared;

import dev.driftwatch.core.event.DecodedEvents;
import dev.driftwatch.core.event.EventDecoder;
import dev.driftwatch.core.event.EventFormats;
import dev.driftwatch.core.event.PredictionEvent;
import dev.driftwatch.core.event.Rejection;
import dev.driftwatch.jobs.records.DeadLetter;
import dev.driftwatch.jobs.records.RawRecord;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decodes raw records into {@link PredictionEvent}s with the {@link EventDecoder} of the configured
 * format. A rejected record (or part of one) goes to the {@link #DEAD_LETTERS} side output with the
 * reason and the original bytes, never failing the job; with {@code markInvalidRecords}, a
 * rejection that names a valid model, version and time also yields a {@link
 * PredictionEvent#invalidRecord} stand-in, so that the window counts it. Segment values beyond
 * {@code maxSegments} per model and version are pooled as {@value #OTHER_SEGMENT} (counted in
 * {@code pooledSegmentEvents}); segment sets are kept for the first {@code maxModels} model
 * versions only, the segments of later ones are all pooled (counted in {@code
 * untrackedModelEvents}), so the set stays bounded whatever names arrive.
 *
 * <p>The function is its decoder's collector: one instance serves every record, so decoding adds no
 * allocation of its own.
 */
public class EventDecodeFunction extends ProcessFunction<RawRecord, PredictionEvent>
        implements DecodedEvents {
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

    /** Segment that pools values beyond the per-model limit. */
    public static final String OTHER_SEGMENT = "other";

    private final String format;
    private final EventDecoder.Settings settings;
    private final int maxSegments;
    private final int maxModels;
    private final boolean markInvalidRecords;
    private transient EventDecoder decoder;
    private transient Map<String, Set<String>> segments;
    private transient Counter eventsIn;
    private transient Counter invalid;
    private transient Counter pooledSegmentEvents;
    private transient Counter untrackedModelEvents;

    /** The record being decoded, and where its results go (set for the length of one call). */
    private transient RawRecord record;

    private transient Context context;
    private transient Collector<PredictionEvent> out;

    /**
     * @param format the {@link EventFormats} name
     * @param markInvalidRecords emit a stand-in for attributable rejected records (the drift job
     *     counts them per window)
     */
    public EventDecodeFunction(
            String format,
            EventDecoder.Settings settings,
            int maxSegments,
            boolean markInvalidRecords) {
        this(
                format,
                settings,
                maxSegments,
                SharedJobOptions.MAX_MODELS.defaultValue(),
                markInvalidRecords);
    }

    /**
     * @param maxModels model versions whose segment sets are kept (see the class comment)
     */
    public EventDecodeFunction(
            String format,
            EventDecoder.Settings settings,
            int maxSegments,
            int maxModels,
            boolean markInvalidRecords) {
        EventFormats.decoder(format, settings); // an unknown format fails here, before the job runs
        this.format = format;
        this.settings = settings;
        this.maxSegments = maxSegments;
        this.maxModels = maxModels;
        this.markInvalidRecords = markInvalidRecords;
    }

    @Override
    public void open(OpenContext openContext) {
        decoder = EventFormats.decoder(format, settings);
        segments = new HashMap<>();
        eventsIn = getRuntimeContext().getMetricGroup().counter("eventsIn");
        invalid = getRuntimeContext().getMetricGroup().counter("invalidEvents");
        pooledSegmentEvents = getRuntimeContext().getMetricGroup().counter("pooledSegmentEvents");
        untrackedModelEvents = getRuntimeContext().getMetricGroup().counter("untrackedModelEvents");
    }

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<PredictionEvent> collector) {
        eventsIn.inc();
        record = raw;
        context = ctx;
        out = collector;
        try {
            decoder.decode(
                    raw.value, raw.headers(), ctx.timerService().currentProcessingTime(), this);
        } finally {
            record = null;
            context = null;
            out = null;
        }
    }

    @Override
    public void accept(PredictionEvent event) {
        if (!settings.segmentTags().isEmpty()) {
            event.segment = boundedSegment(event.modelKey(), event.segment);
        }
        out.collect(event);
    }

    @Override
    public void reject(Rejection rejection) {
        invalid.inc();
        context.output(DEAD_LETTERS, new DeadLetter(rejection.reason(), record));
        if (markInvalidRecords && rejection.attributable()) {
            out.collect(PredictionEvent.invalidRecord(rejection));
        }
    }

    private String boundedSegment(String modelKey, String segment) {
        Set<String> known = segments.get(modelKey);
        if (known == null) {
            if (segments.size() >= maxModels) {
                untrackedModelEvents.inc();
                pooledSegmentEvents.inc();
                return OTHER_SEGMENT;
            }
            known = new HashSet<>();
            segments.put(modelKey, known);
        }
        if (known.contains(segment)) {
            return segment;
        }
        if (known.size() < maxSegments) {
            known.add(segment);
            return segment;
        }
        pooledSegmentEvents.inc();
        return OTHER_SEGMENT;
    }
}
