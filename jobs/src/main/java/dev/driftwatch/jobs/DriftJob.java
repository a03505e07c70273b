package dev.driftwatch.jobs;

import static dev.driftwatch.jobs.DriftJobOptions.*;

import dev.driftwatch.core.drift.DriftPolicies;
import dev.driftwatch.core.event.EventLimits;
import dev.driftwatch.core.event.PredictionEvent;
import dev.driftwatch.core.profile.ReferenceProfile;
import dev.driftwatch.jobs.model.AlertObservation;
import dev.driftwatch.jobs.model.DeadLetter;
import dev.driftwatch.jobs.model.DriftMetricRow;
import dev.driftwatch.jobs.model.PartialWindow;
import dev.driftwatch.jobs.model.RawRecord;
import dev.driftwatch.jobs.model.ReferenceUpdate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The drift job: prediction and feature events in, windowed drift metrics and alerts out.
 *
 * <pre>
 * events ─ parse (bad ─► dead letters) ─ watermarks ─ pre-aggregate per key and window ─ keyBy(model,
 *   version, segment) ─ merge, compare with the reference profile when the window closes ─► drift_metrics
 *                                                                   └─ alert persistence ─► alerts
 * reference profiles (topic + files) ─► broadcast to pre-aggregate and compare (a side input:
 *                                        it never moves event time)
 * </pre>
 *
 * Event time comes from the events alone; the windows of a key that stays quiet are closed by the
 * {@link QuietKeyRule} ({@link DriftJobOptions#QUIET_TIMEOUT}).
 *
 * <p>Sources and sinks are parameters, so tests run the same pipeline with their own; {@link
 * #withKafka} wires the real ones.
 *
 * <pre>{@code
 * DriftJob job = DriftJob.withKafka(config, initialProfiles, metricsSink);
 * job.build(env);
 * env.execute("driftwatch-drift-job");
 * }</pre>
 */
public final class DriftJob {
    /**
     * (key, window) slices a pre-aggregator buffers before it flushes regardless of the watermark.
     */
    static final int MAX_BUFFERED_SLICES = 10_000;

    private final Configuration config;
    private final Source<RawRecord, ?, ?> events;
    private final Source<ReferenceUpdate, ?, ?> referenceProfiles;
    private final List<ReferenceProfile> initialProfiles;
    private final Sink<DriftMetricRow> metrics;
    private final Sink<String> alerts;
    private final Sink<DeadLetter> deadLetters;
    private final DriftPolicies policies;

    public DriftJob(
            Configuration config,
            Source<RawRecord, ?, ?> events,
            Source<ReferenceUpdate, ?, ?> referenceProfiles,
            List<ReferenceProfile> initialProfiles,
            Sink<DriftMetricRow> metrics,
            Sink<String> alerts,
            Sink<DeadLetter> deadLetters,
            DriftPolicies policies) {
        this.config = config;
        this.events = events;
        this.referenceProfiles = referenceProfiles;
        this.initialProfiles = List.copyOf(initialProfiles);
        this.metrics = metrics;
        this.alerts = alerts;
        this.deadLetters = deadLetters;
        this.policies = policies;
    }

    /** The job on Kafka topics and PostgreSQL as configured. */
    public static DriftJob withKafka(Configuration config, List<ReferenceProfile> initialProfiles) {
        return withKafka(config, initialProfiles, OffsetsInitializer.earliest(), false);
    }

    /**
     * The job on Kafka; {@code bounded} stops at the offsets current at start (for tests and
     * replays).
     */
    public static DriftJob withKafka(
            Configuration config,
            List<ReferenceProfile> initialProfiles,
            OffsetsInitializer start,
            boolean bounded) {
        return new DriftJob(
                config,
                KafkaEndpoints.records(
                        config,
                        "",
                        start,
                        bounded,
                        config.get(PREDICTIONS_TOPIC),
                        config.get(FEATURES_TOPIC)),
                KafkaEndpoints.referenceProfiles(config, "", bounded),
                initialProfiles,
                DriftMetricsUpsert.sink(
                        KafkaEndpoints.database(config), config.get(SINK_BATCH_SIZE)),
                KafkaEndpoints.alerts(config, ""),
                KafkaEndpoints.deadLetters(config, ""),
                DriftPolicies.defaults());
    }

    /** This job with another drift_metrics sink (tests wrap the real one). */
    public DriftJob withMetricsSink(Sink<DriftMetricRow> sink) {
        return new DriftJob(
                config,
                events,
                referenceProfiles,
                initialProfiles,
                sink,
                alerts,
                deadLetters,
                policies);
    }

    /** The drift_metrics sink. */
    public Sink<DriftMetricRow> metricsSink() {
        return metrics;
    }

    /**
     * Reads the reference profile files named by {@link DriftJobOptions#REFERENCE_PROFILE_FILES}.
     */
    public static List<ReferenceProfile> profilesFromFiles(Configuration config)
            throws IOException {
        List<ReferenceProfile> profiles = new ArrayList<>();
        for (String file : config.getOptional(REFERENCE_PROFILE_FILES).orElse(List.of())) {
            Path p = Path.of(file);
            if (!Files.isRegularFile(p)) {
                throw new IllegalArgumentException("reference profile file not found: " + file);
            }
            try {
                profiles.add(
                        ReferenceProfile.fromJson(Files.readString(p, StandardCharsets.UTF_8)));
            } catch (dev.driftwatch.core.DriftCoreException e) {
                throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
            }
        }
        return profiles;
    }

    /** The windows configured. */
    public DriftWindows windows() {
        return DriftWindows.of(config.get(WINDOW), config.get(SLIDE), config.get(ALLOWED_LATENESS));
    }

    /** Adds the pipeline to {@code env}. */
    public void build(StreamExecutionEnvironment env) {
        DriftWindows windows = windows();
        QuietKeyRule quietKeys = QuietKeyRule.of(config.get(QUIET_TIMEOUT));
        List<AlertRule> rules = new ArrayList<>();
        for (String r : config.get(ALERT_RULES)) {
            rules.add(AlertRule.parse(r));
        }

        SingleOutputStreamOperator<PredictionEvent> parsed =
                env.fromSource(events, WatermarkStrategy.noWatermarks(), "events")
                        .uid("events-source")
                        .process(
                                new EventParseFunction(
                                        config.get(SEGMENT_TAGS),
                                        config.get(MAX_SEGMENTS),
                                        config.get(MAX_EVENT_BYTES),
                                        EventLimits.of(config.get(FUTURE_TOLERANCE))))
                        .uid("parse")
                        .name("parse and validate");

        DataStream<PredictionEvent> timed =
                parsed.assignTimestampsAndWatermarks(
                                WatermarkStrategy.<PredictionEvent>forBoundedOutOfOrderness(
                                                config.get(OUT_OF_ORDERNESS))
                                        .withTimestampAssigner((e, t) -> e.timestamp)
                                        .withIdleness(config.get(IDLENESS)))
                        .uid("watermarks")
                        .name("event-time watermarks");

        DataStream<ReferenceUpdate> references = referenceUpdates(env);

        SingleOutputStreamOperator<PartialWindow> partials =
                timed.connect(references.broadcast())
                        .transform(
                                "pre-aggregate window profiles",
                                Types.POJO(PartialWindow.class),
                                new PreAggregateOperator(
                                        windows,
                                        MAX_BUFFERED_SLICES,
                                        initialUpdates(),
                                        quietKeys.timeoutMs() / 2))
                        .uid("pre-aggregate");

        SingleOutputStreamOperator<DriftMetricRow> rows =
                partials.keyBy(p -> p.key, Types.STRING)
                        .connect(references.broadcast())
                        .transform(
                                "window drift",
                                Types.POJO(DriftMetricRow.class),
                                new SideInputBroadcastOperator<>(
                                        new WindowDriftFunction(
                                                windows, policies, initialUpdates(), quietKeys),
                                        List.of(WindowDriftFunction.REFERENCES)))
                        .uid("window-drift");

        rows.sinkTo(metrics).uid("drift-metrics-sink").name("drift_metrics (PostgreSQL)");

        rows.flatMap(new AlertObservations(rules))
                .returns(Types.POJO(AlertObservation.class))
                .keyBy(o -> o.seriesKey, Types.STRING)
                .process(
                        new AlertFunction(
                                config.get(ALERT_FIRE_AFTER),
                                config.get(ALERT_RESOLVE_AFTER),
                                config.get(STATE_TTL),
                                config.get(RUNBOOK_URL),
                                "driftwatch drift job",
                                Duration.ofMillis(
                                        windows.sizeMs() * (config.get(ALERT_RESOLVE_AFTER) + 1L))))
                .returns(Types.STRING)
                .uid("alerts")
                .name("alert rules")
                .sinkTo(alerts)
                .uid("alerts-sink")
                .name("alerts (Kafka)");

        parsed.getSideOutput(EventParseFunction.DEAD_LETTERS)
                .union(partials.getSideOutput(PreAggregateOperator.TOO_LATE))
                .sinkTo(deadLetters)
                .uid("dead-letters-sink")
                .name("dead letters (Kafka)");
    }

    /** Reference profiles: a side input without event time (the operators ignore it). */
    private DataStream<ReferenceUpdate> referenceUpdates(StreamExecutionEnvironment env) {
        return env.fromSource(
                        referenceProfiles, WatermarkStrategy.noWatermarks(), "reference profiles")
                .uid("reference-profiles-source");
    }

    private List<ReferenceUpdate> initialUpdates() {
        List<ReferenceUpdate> updates = new ArrayList<>();
        for (ReferenceProfile p : initialProfiles) {
            updates.add(ReferenceUpdate.of(p));
        }
        return updates;
    }
}
