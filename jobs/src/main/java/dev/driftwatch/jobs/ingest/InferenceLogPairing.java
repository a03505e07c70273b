package dev.driftwatch.jobs.ingest;

import dev.driftwatch.core.event.EventLimits;
import dev.driftwatch.core.event.PredictionEvent;
import dev.driftwatch.core.event.Rejection;
import dev.driftwatch.ingest.formats.InputSchemaUpdate;
import dev.driftwatch.jobs.records.DeadLetter;
import dev.driftwatch.jobs.records.InferenceLogPart;
import dev.driftwatch.jobs.records.PendingInference;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The normalization stage's keyed step: pairs each logged request with its response by request id
 * (keyed state), and turns the pair into prediction events with the {@link InferenceLogNormalizer}
 * and the model's input schema and aliases (a broadcast side input, {@link #INPUT_SCHEMAS}).
 *
 * <ul>
 *   <li>Both halves here, in either order: the pair is normalized at once.
 *   <li>The pairing TTL (processing time) passes with only the request: its rows go on without a
 *       prediction ({@code requestsWithoutResponse}); with only the response: it is dead-lettered
 *       ({@code responsesWithoutRequest}). The end of a bounded input counts as the TTL passing.
 *   <li>A pair that needs the model's input schema or alias before any was received waits for it,
 *       at most until the TTL ({@code waitingForModel} while it waits); then it is dead-lettered
 *       with the reason.
 *   <li>After a pair was used, its id is remembered until the TTL passes: copies of its halves
 *       (at-least-once delivery) are dropped ({@code duplicateInferenceLogs}).
 * </ul>
 *
 * Rejections go to {@link #DEAD_LETTERS} with the reason and the bytes of the record concerned;
 * with {@code markInvalidRecords}, a rejection that names a valid model, version and time also
 * yields a {@link PredictionEvent#invalidRecord} stand-in, as the event decoding does.
 */
public class InferenceLogPairing
        extends KeyedBroadcastProcessFunction<String, InferenceLogPart, String, PredictionEvent>
        implements InferenceLogNormalizer.Output {
    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("inference-log-dead-letters") {};

    /** The models' input schema records (JSON) by model name. */
    public static final MapStateDescriptor<String, String> INPUT_SCHEMAS =
            new MapStateDescriptor<>("input-schemas", Types.STRING, Types.STRING);

    private static final ValueStateDescriptor<PendingInference> PENDING =
            new ValueStateDescriptor<>("pending-inference", Types.POJO(PendingInference.class));

    private final long ttlMs;
    private final EventLimits limits;
    private final List<String> segmentTags;
    private final boolean markInvalidRecords;

    private transient ValueState<PendingInference> pending;
    private transient InferenceLogNormalizer normalizer;
    private transient Map<String, InputSchemaUpdate> models;
    private transient boolean someWaiting;
    private transient Counter pairs;
    private transient Counter requestsWithoutResponse;
    private transient Counter responsesWithoutRequest;
    private transient Counter duplicates;
    private transient Counter waiting;
    private transient Counter events;
    private transient Counter rejected;

    /** Where the normalizer's output goes during one call. */
    private transient Collector<PredictionEvent> out;

    private transient SideOutput sideOutput;

    /**
     * @param ttl how long a request waits for its response (processing time)
     * @param segmentTags the jobs' segment tags (the events get the segment of no tags)
     * @param markInvalidRecords emit stand-ins of attributable rejections (the drift job counts
     *     them per window)
     */
    public InferenceLogPairing(
            Duration ttl,
            EventLimits limits,
            List<String> segmentTags,
            boolean markInvalidRecords) {
        this.ttlMs = ttl.toMillis();
        this.limits = limits;
        this.segmentTags = List.copyOf(segmentTags);
        this.markInvalidRecords = markInvalidRecords;
    }

    /** Side outputs of the current call (the two context types have no common interface). */
    @FunctionalInterface
    private interface SideOutput {
        void deadLetter(DeadLetter letter);
    }

    @Override
    public void open(OpenContext openContext) {
        pending = getRuntimeContext().getState(PENDING);
        normalizer = new InferenceLogNormalizer(limits, segmentTags);
        models = new HashMap<>();
        var metrics = getRuntimeContext().getMetricGroup();
        pairs = metrics.counter("pairsJoined");
        requestsWithoutResponse = metrics.counter("requestsWithoutResponse");
        responsesWithoutRequest = metrics.counter("responsesWithoutRequest");
        duplicates = metrics.counter("duplicateInferenceLogs");
        waiting = metrics.counter("waitingForModel");
        events = metrics.counter("normalizedEvents");
        rejected = metrics.counter("rejectedInferenceLogs");
    }

    @Override
    public void processElement(
            InferenceLogPart part, ReadOnlyContext ctx, Collector<PredictionEvent> collector)
            throws Exception {
        PendingInference p = pending.value();
        long now = ctx.timerService().currentProcessingTime();
        if (p == null) {
            p = new PendingInference();
            ctx.timerService().registerProcessingTimeTimer(now + ttlMs);
            // fires only when every input has ended (a bounded run): the TTL is over then too
            ctx.timerService().registerEventTimeTimer(Long.MAX_VALUE);
        }
        if (p.done || (part.response ? p.response != null : p.request != null)) {
            duplicates.inc();
            return;
        }
        if (part.response) {
            p.response = part;
        } else {
            p.request = part;
        }
        if (p.request != null && p.response != null) {
            InputSchemaUpdate model =
                    model(p.request.modelName, ctx.getBroadcastState(INPUT_SCHEMAS));
            begin(collector, d -> ctx.output(DEAD_LETTERS, d));
            try {
                use(p, model, now, true);
            } finally {
                end();
            }
        }
        pending.update(p);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<PredictionEvent> collector)
            throws Exception {
        PendingInference p = pending.value();
        if (p == null) {
            return;
        }
        pending.clear();
        if (p.done) {
            return;
        }
        long now = ctx.timerService().currentProcessingTime();
        begin(collector, d -> ctx.output(DEAD_LETTERS, d));
        try {
            if (p.request == null) {
                responsesWithoutRequest.inc();
                reject(
                        Rejection.of(
                                "no request with id '"
                                        + InferenceLogEnvelopes.shown(p.response.requestId)
                                        + "' arrived within the pairing TTL of "
                                        + Duration.ofMillis(ttlMs)
                                                .toString()
                                                .substring(2)
                                                .toLowerCase(Locale.ROOT)
                                        + " of its response"),
                        p.response);
                return;
            }
            if (p.response == null) {
                requestsWithoutResponse.inc();
            }
            use(p, model(p.request.modelName, ctx.getBroadcastState(INPUT_SCHEMAS)), now, false);
        } finally {
            end();
        }
    }

    @Override
    public void processBroadcastElement(
            String json, Context ctx, Collector<PredictionEvent> collector) throws Exception {
        InputSchemaUpdate update =
                InputSchemaUpdate.fromJson(json.getBytes(StandardCharsets.UTF_8));
        ctx.getBroadcastState(INPUT_SCHEMAS).put(update.modelName(), json);
        models.put(update.modelName(), update);
        if (!someWaiting) {
            return;
        }
        someWaiting = false;
        long now = ctx.currentProcessingTime();
        begin(collector, d -> ctx.output(DEAD_LETTERS, d));
        try {
            ctx.applyToKeyedState(
                    PENDING,
                    (key, state) -> {
                        PendingInference p = state.value();
                        if (p == null || !p.waitingForModel) {
                            return;
                        }
                        if (p.request.modelName.equals(update.modelName())) {
                            use(p, update, now, true);
                            state.update(p);
                        } else {
                            someWaiting = true;
                        }
                    });
        } finally {
            end();
        }
    }

    /**
     * Normalizes the pair (or the lone request) of {@code p}, unless it has to wait for the model;
     * marks it done when it was used.
     */
    private void use(PendingInference p, InputSchemaUpdate model, long now, boolean mayWait) {
        InferenceLogNormalizer.Outcome outcome =
                normalizer.normalize(p.request, p.response, model, now, mayWait, this);
        if (outcome == InferenceLogNormalizer.Outcome.NEEDS_MODEL) {
            if (!p.waitingForModel) {
                waiting.inc();
            }
            p.waitingForModel = true;
            someWaiting = true;
            return;
        }
        if (p.waitingForModel) {
            waiting.dec();
        }
        if (p.response != null) {
            pairs.inc();
        }
        p.waitingForModel = false;
        p.done = true;
        p.request = null;
        p.response = null;
    }

    /**
     * The model's record: from this subtask's cache, else the broadcast state (after a restore).
     */
    private InputSchemaUpdate model(String name, ReadOnlyBroadcastState<String, String> state)
            throws Exception {
        InputSchemaUpdate m = models.get(name);
        if (m == null) {
            String json = state.get(name);
            if (json != null) {
                m = InputSchemaUpdate.fromJson(json.getBytes(StandardCharsets.UTF_8));
                models.put(name, m);
            }
        }
        return m;
    }

    private void begin(Collector<PredictionEvent> collector, SideOutput side) {
        out = collector;
        sideOutput = side;
    }

    private void end() {
        out = null;
        sideOutput = null;
    }

    @Override
    public void accept(PredictionEvent event) {
        events.inc();
        out.collect(event);
    }

    @Override
    public void reject(Rejection rejection, InferenceLogPart part) {
        rejected.inc();
        sideOutput.deadLetter(part.deadLetter(rejection.reason()));
        if (markInvalidRecords && rejection.attributable() && !part.response) {
            out.collect(PredictionEvent.invalidRecord(rejection));
        }
    }
}
