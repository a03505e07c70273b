package dev.driftwatch.jobs.shared;

import static dev.driftwatch.jobs.shared.SharedJobOptions.*;

import dev.driftwatch.core.event.EventDecoder;
import dev.driftwatch.core.event.EventLimits;
import dev.driftwatch.core.event.PredictionEvent;
import dev.driftwatch.core.profile.ReferenceProfile;
import dev.driftwatch.jobs.ingest.InferenceLogEnvelopes;
import dev.driftwatch.jobs.ingest.InferenceLogOptions;
import dev.driftwatch.jobs.ingest.InferenceLogPairing;
import dev.driftwatch.jobs.ingest.InferenceLogSources;
import dev.driftwatch.jobs.records.AlertObservation;
import dev.driftwatch.jobs.records.DeadLetter;
import dev.driftwatch.jobs.records.InferenceLogPart;
import dev.driftwatch.jobs.records.RawRecord;
import dev.driftwatch.jobs.records.ReferenceUpdate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The stages both jobs build the same way, from the shared options: decoding event records (with
 * their dead letters), normalizing inference logs into events, event time, the reference-profile
 * side input, alert persistence, and the dead-letter sink. Each job names its operators: the uids
 * are the savepoint contract.
 *
 * <pre>{@code
 * JobStages stages = new JobStages(env, config);
 * var events = stages.events(source, new JobStages.Ids("events-source", "events"), ...);
 * }</pre>
 */
public final class JobStages {
    /** An operator's uid (stable: state is restored by it) and its name (for people). */
    public record Ids(String uid, String name) {}

    private final StreamExecutionEnvironment env;
    private final Configuration config;

    public JobStages(StreamExecutionEnvironment env, Configuration config) {
        this.env = env;
        this.config = config;
    }

    /** The windows configured. */
    public WindowSpec windows() {
        return WindowSpec.of(config.get(WINDOW), config.get(SLIDE), config.get(ALLOWED_LATENESS));
    }

    /** The rule that closes the windows of quiet keys. */
    public QuietKeyRule quietKeys() {
        return QuietKeyRule.of(config.get(QUIET_TIMEOUT));
    }

    /** The event contract's limits configured. */
    public EventLimits limits() {
        return EventLimits.of(config.get(FUTURE_TOLERANCE));
    }

    /**
     * Event records decoded with the configured format; rejections on the {@link
     * EventDecodeFunction#DEAD_LETTERS} side output of the returned stream.
     *
     * @param markInvalidRecords emit stand-ins of attributable rejected records (for windows that
     *     count them)
     */
    public SingleOutputStreamOperator<PredictionEvent> events(
            Source<RawRecord, ?, ?> source,
            Ids sourceIds,
            Ids decodeIds,
            boolean markInvalidRecords) {
        return env.fromSource(source, WatermarkStrategy.noWatermarks(), sourceIds.name())
                .uid(sourceIds.uid())
                .process(
                        new EventDecodeFunction(
                                config.get(EVENT_FORMAT),
                                new EventDecoder.Settings(
                                        config.get(SEGMENT_TAGS),
                                        config.get(MAX_EVENT_BYTES),
                                        limits()),
                                config.get(MAX_SEGMENTS),
                                config.get(MAX_MODELS),
                                markInvalidRecords))
                .uid(decodeIds.uid())
                .name(decodeIds.name());
    }

    /** Prediction events normalized from inference logs, and the dead letters of the stage. */
    public record NormalizedEvents(
            DataStream<PredictionEvent> events, DataStream<DeadLetter> deadLetters) {}

    /**
     * The normalization stage: inference logs (KServe CloudEvents, Seldon Core 2 records) read by
     * their envelope, keyed by request id, paired request with response and turned into prediction
     * events with the models' input schemas and aliases (a broadcast side input). Its events join
     * the decoded ones before event time is assigned.
     *
     * <pre>
     * raw topic ─ envelope ─┐
     * Seldon topics ─ envelope ─┴─ keyBy(request id) ─ pair (TTL) + normalize ─► events
     * input schemas ─ broadcast ─────────────────────┘       └─► dead letters
     * </pre>
     *
     * @param prefix of the operators' uids and names, to keep two jobs in one Flink job apart
     * @param markInvalidRecords emit stand-ins of attributable rejections (for windows that count
     *     them)
     */
    public NormalizedEvents inferenceLogs(
            InferenceLogSources sources, String prefix, boolean markInvalidRecords) {
        DataStream<InferenceLogPart> parts = null;
        DataStream<DeadLetter> letters = null;
        for (boolean seldon : new boolean[] {false, true}) {
            Source<RawRecord, ?, ?> source = seldon ? sources.seldon() : sources.kserve();
            if (source == null) {
                continue;
            }
            String kind = seldon ? "seldon" : "inference-logs";
            SingleOutputStreamOperator<InferenceLogPart> read =
                    env.fromSource(
                                    source,
                                    WatermarkStrategy.noWatermarks(),
                                    prefix + (seldon ? "Seldon topics" : "inference logs"))
                            .uid(prefix + kind + "-source")
                            .process(new InferenceLogEnvelopes(seldon))
                            .uid(prefix + kind + "-envelopes")
                            .name(prefix + "read " + (seldon ? "Seldon" : "KServe") + " envelopes");
            DataStream<DeadLetter> bad = read.getSideOutput(InferenceLogEnvelopes.DEAD_LETTERS);
            parts = parts == null ? read : parts.union(read);
            letters = letters == null ? bad : letters.union(bad);
        }
        if (parts == null) {
            throw new IllegalArgumentException("no inference-log source to normalize");
        }
        DataStream<String> schemas =
                env.fromSource(
                                sources.inputSchemas(),
                                WatermarkStrategy.noWatermarks(),
                                prefix + "input schemas")
                        .uid(prefix + "input-schemas-source");
        SingleOutputStreamOperator<PredictionEvent> events =
                parts.keyBy(p -> p.pairKey, Types.STRING)
                        .connect(schemas.broadcast(InferenceLogPairing.INPUT_SCHEMAS))
                        .process(
                                new InferenceLogPairing(
                                        config.get(InferenceLogOptions.PAIRING_TTL),
                                        limits(),
                                        config.get(SEGMENT_TAGS),
                                        markInvalidRecords))
                        .returns(Types.POJO(PredictionEvent.class))
                        .uid(prefix + "pair-inference-logs")
                        .name(prefix + "pair and normalize inference logs");
        return new NormalizedEvents(
                events, letters.union(events.getSideOutput(InferenceLogPairing.DEAD_LETTERS)));
    }

    /**
     * Event time of the events: watermarks trail the largest timestamp by the out-of-orderness; a
     * quiet input is marked idle after the idleness (it stops holding back others, and never
     * advances event time itself).
     */
    public DataStream<PredictionEvent> withEventTime(DataStream<PredictionEvent> events, Ids ids) {
        return events.assignTimestampsAndWatermarks(
                        WatermarkStrategy.<PredictionEvent>forBoundedOutOfOrderness(
                                        config.get(OUT_OF_ORDERNESS))
                                .withTimestampAssigner((e, t) -> e.timestamp)
                                .withIdleness(config.get(IDLENESS)))
                .uid(ids.uid())
                .name(ids.name());
    }

    /**
     * Reference profiles: a side input without event time (the operators it meets ignore its
     * watermarks).
     */
    public DataStream<ReferenceUpdate> referenceProfiles(
            Source<ReferenceUpdate, ?, ?> source, Ids ids) {
        return env.fromSource(source, WatermarkStrategy.noWatermarks(), ids.name()).uid(ids.uid());
    }

    /** Profiles known at start (from files), as the updates the operators take. */
    public static List<ReferenceUpdate> updates(List<ReferenceProfile> profiles) {
        List<ReferenceUpdate> updates = new ArrayList<>();
        for (ReferenceProfile p : profiles) {
            updates.add(ReferenceUpdate.of(p));
        }
        return updates;
    }

    /**
     * Alert persistence per series on the observations, written to {@code sink}. A firing series
     * that stops reporting resolves after (alert-resolve-after + 1) windows of event time.
     *
     * @param generator the alerts' generatorURL
     */
    public void alerts(
            DataStream<AlertObservation> observations,
            Sink<String> sink,
            String generator,
            Ids ids,
            Ids sinkIds) {
        alerts(observations, sink, generator, ids, sinkIds, windows().sizeMs());
    }

    /**
     * As {@link #alerts(DataStream, Sink, String, Ids, Ids)}, with observations of windows up to
     * {@code windowMs} long (a coarser resolution's): a firing series resolves after
     * (alert-resolve- after + 1) such windows without reports.
     */
    public void alerts(
            DataStream<AlertObservation> observations,
            Sink<String> sink,
            String generator,
            Ids ids,
            Ids sinkIds,
            long windowMs) {
        observations
                .keyBy(o -> o.seriesKey, Types.STRING)
                .process(
                        new AlertFunction(
                                config.get(ALERT_FIRE_AFTER),
                                config.get(ALERT_RESOLVE_AFTER),
                                config.get(STATE_TTL),
                                config.get(RUNBOOK_URL),
                                generator,
                                Duration.ofMillis(
                                        windowMs * (config.get(ALERT_RESOLVE_AFTER) + 1L))))
                .returns(Types.STRING)
                .uid(ids.uid())
                .name(ids.name())
                .sinkTo(sink)
                .uid(sinkIds.uid())
                .name(sinkIds.name());
    }

    /** Dead letters to their sink. */
    public void deadLetters(DataStream<DeadLetter> letters, Sink<DeadLetter> sink, Ids ids) {
        letters.sinkTo(sink).uid(ids.uid()).name(ids.name());
    }
}
