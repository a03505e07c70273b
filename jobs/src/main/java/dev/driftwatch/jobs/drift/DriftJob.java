package dev.driftwatch.jobs.drift;

import static dev.driftwatch.jobs.drift.DriftJobOptions.*;
import static dev.driftwatch.jobs.shared.SharedJobOptions.*;

import dev.driftwatch.core.drift.DriftPolicies;
import dev.driftwatch.core.event.PredictionEvent;
import dev.driftwatch.core.profile.ReferenceProfile;
import dev.driftwatch.jobs.ingest.InferenceLogSources;
import dev.driftwatch.jobs.records.AlertObservation;
import dev.driftwatch.jobs.records.DeadLetter;
import dev.driftwatch.jobs.records.DriftMetricRow;
import dev.driftwatch.jobs.records.PartialWindow;
import dev.driftwatch.jobs.records.RawRecord;
import dev.driftwatch.jobs.records.ReferenceUpdate;
import dev.driftwatch.jobs.shared.EventDecodeFunction;
import dev.driftwatch.jobs.shared.JobEndpoints;
import dev.driftwatch.jobs.shared.JobStages;
import dev.driftwatch.jobs.shared.JobStages.Ids;
import dev.driftwatch.jobs.shared.MetricPartitions;
import dev.driftwatch.jobs.shared.QuietKeyRule;
import dev.driftwatch.jobs.shared.SharedJobOptions;
import dev.driftwatch.jobs.shared.SideInputBroadcastOperator;
import dev.driftwatch.jobs.shared.WindowResolutions;
import dev.driftwatch.jobs.shared.WindowSpec;
import java.util.ArrayList;
import java.util.List;
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
 * events ─ decode (bad ─► dead letters) ─┬ watermarks ─ pre-aggregate per key and window ─ keyBy(model,
 *   version, segment) ─ merge, compare with the reference profile when the window closes ─► drift_metrics
 * inference logs ─ normalize ──────────┘                            └─ alert persistence ─► alerts
 *                 (optional: {@code --inference-logs})
 * reference profiles (topic + files) ─► broadcast to pre-aggregate and compare (a side input:
 *                                        it never moves event time)
 * </pre>
 *
 * The same pre-aggregated slices also go, keyed the same way, to one stage per coarser resolution
 * ({@link DriftJobOptions#WINDOW_RESOLUTIONS}, e.g. 1 hour and 1 day), which merges them into the
 * coarser window and compares that with the reference when the watermark passes its end: its rows
 * are those of one window over all its events, written beside the base rows with their own {@code
 * window_seconds}. Only the resolutions of {@link DriftJobOptions#ALERT_RESOLUTIONS} feed the alert
 * rules (by default the base window).
 *
 * <p>Event time comes from the events alone; the windows of a key that stays quiet are closed by
 * the {@link QuietKeyRule} ({@link SharedJobOptions#QUIET_TIMEOUT}).
 *
 * <p>Sources and sinks are parameters, so tests run the same pipeline with their own; {@link
 * #withKafka} wires the real ones.
 *
 * <pre>{@code
 * DriftJob job = DriftJob.withKafka(config, JobEndpoints.referenceProfileFiles(config));
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
    private final InferenceLogSources inferenceLogs;

    public DriftJob(
            Configuration config,
            Source<RawRecord, ?, ?> events,
            Source<ReferenceUpdate, ?, ?> referenceProfiles,
            List<ReferenceProfile> initialProfiles,
            Sink<DriftMetricRow> metrics,
            Sink<String> alerts,
            Sink<DeadLetter> deadLetters,
            DriftPolicies policies) {
        this(
                config,
                events,
                referenceProfiles,
                initialProfiles,
                metrics,
                alerts,
                deadLetters,
                policies,
                null);
    }

    private DriftJob(
            Configuration config,
            Source<RawRecord, ?, ?> events,
            Source<ReferenceUpdate, ?, ?> referenceProfiles,
            List<ReferenceProfile> initialProfiles,
            Sink<DriftMetricRow> metrics,
            Sink<String> alerts,
            Sink<DeadLetter> deadLetters,
            DriftPolicies policies,
            InferenceLogSources inferenceLogs) {
        this.config = config;
        this.events = events;
        this.referenceProfiles = referenceProfiles;
        this.initialProfiles = List.copyOf(initialProfiles);
        this.metrics = metrics;
        this.alerts = alerts;
        this.deadLetters = deadLetters;
        this.policies = policies;
        this.inferenceLogs = inferenceLogs;
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
                        JobEndpoints.records(
                                config,
                                "",
                                start,
                                bounded,
                                config.get(PREDICTIONS_TOPIC),
                                config.get(FEATURES_TOPIC)),
                        JobEndpoints.referenceProfiles(config, "", bounded),
                        initialProfiles,
                        JobEndpoints.metricTable(
                                config,
                                "",
                                new DriftMetricsUpsert(),
                                new MetricPartitions(
                                        "drift_metrics",
                                        DriftJobOptions.resolutions(config).seconds(),
                                        SharedJobOptions.retention(config))),
                        JobEndpoints.alerts(config, ""),
                        JobEndpoints.deadLetters(config, ""),
                        DriftPolicies.defaults())
                .withInferenceLogs(InferenceLogSources.withKafka(config, "", start, bounded));
    }

    /** This job deciding drift by {@code policies} instead of the defaults. */
    public DriftJob withPolicies(DriftPolicies policies) {
        return new DriftJob(
                config,
                events,
                referenceProfiles,
                initialProfiles,
                metrics,
                alerts,
                deadLetters,
                policies,
                inferenceLogs);
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
                policies,
                inferenceLogs);
    }

    /**
     * This job also normalizing the inference logs of {@code sources} (null: none) into its events.
     */
    public DriftJob withInferenceLogs(InferenceLogSources sources) {
        return new DriftJob(
                config,
                events,
                referenceProfiles,
                initialProfiles,
                metrics,
                alerts,
                deadLetters,
                policies,
                sources);
    }

    /** The drift_metrics sink. */
    public Sink<DriftMetricRow> metricsSink() {
        return metrics;
    }

    /** Adds the pipeline to {@code env}. */
    public void build(StreamExecutionEnvironment env) {
        JobStages stages = new JobStages(env, config);
        WindowSpec windows = stages.windows();
        QuietKeyRule quietKeys = stages.quietKeys();
        WindowResolutions resolutions = DriftJobOptions.resolutions(config);
        List<ReferenceUpdate> initial = JobStages.updates(initialProfiles);
        List<AlertRule> rules = new ArrayList<>();
        for (String r : config.get(ALERT_RULES)) {
            rules.add(AlertRule.parse(r));
        }

        SingleOutputStreamOperator<PredictionEvent> decoded =
                stages.events(
                        events,
                        new Ids("events-source", "events"),
                        new Ids("parse", "decode and validate"),
                        true);
        DataStream<PredictionEvent> all = decoded;
        DataStream<DeadLetter> letters = decoded.getSideOutput(EventDecodeFunction.DEAD_LETTERS);
        if (inferenceLogs != null) {
            JobStages.NormalizedEvents normalized = stages.inferenceLogs(inferenceLogs, "", true);
            all = all.union(normalized.events());
            letters = letters.union(normalized.deadLetters());
        }
        DataStream<PredictionEvent> timed =
                stages.withEventTime(all, new Ids("watermarks", "event-time watermarks"));
        DataStream<ReferenceUpdate> references =
                stages.referenceProfiles(
                        referenceProfiles,
                        new Ids("reference-profiles-source", "reference profiles"));

        SingleOutputStreamOperator<PartialWindow> partials =
                timed.connect(references.broadcast())
                        .transform(
                                "pre-aggregate window profiles",
                                Types.POJO(PartialWindow.class),
                                new PreAggregateOperator(
                                        windows,
                                        MAX_BUFFERED_SLICES,
                                        initial,
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
                                                windows,
                                                policies,
                                                initial,
                                                quietKeys,
                                                config.get(SharedJobOptions.MAX_MODELS)),
                                        WindowDriftFunction.BROADCAST_STATES))
                        .uid("window-drift");

        DataStream<DriftMetricRow> allRows = rows;
        DataStream<AlertObservation> observations =
                resolutions.alerts(windows.sizeMs())
                        ? rows.flatMap(new AlertObservations(rules))
                                .returns(Types.POJO(AlertObservation.class))
                                .uid("alert-observations")
                                .name("alert observations")
                        : null;
        for (WindowSpec coarser : resolutions.coarser()) {
            String name = WindowResolutions.name(coarser);
            SingleOutputStreamOperator<DriftMetricRow> coarseRows =
                    partials.keyBy(p -> p.key, Types.STRING)
                            .connect(references.broadcast())
                            .transform(
                                    "window drift " + name,
                                    Types.POJO(DriftMetricRow.class),
                                    new SideInputBroadcastOperator<>(
                                            WindowDriftFunction.coarser(
                                                    coarser, policies, initial, quietKeys),
                                            WindowDriftFunction.BROADCAST_STATES))
                            .uid("window-drift-" + name);
            allRows = allRows.union(coarseRows);
            if (resolutions.alerts(coarser.sizeMs())) {
                DataStream<AlertObservation> o =
                        coarseRows
                                .flatMap(new AlertObservations(rules, name))
                                .returns(Types.POJO(AlertObservation.class))
                                .uid("alert-observations-" + name)
                                .name("alert observations " + name);
                observations = observations == null ? o : observations.union(o);
            }
        }

        allRows.sinkTo(metrics).uid("drift-metrics-sink").name("drift_metrics (PostgreSQL)");

        if (observations != null) {
            stages.alerts(
                    observations,
                    alerts,
                    "driftwatch drift job",
                    new Ids("alerts", "alert rules"),
                    new Ids("alerts-sink", "alerts (Kafka)"),
                    resolutions.alertingMs().stream()
                            .mapToLong(Long::longValue)
                            .max()
                            .orElseThrow());
        }

        stages.deadLetters(
                letters.union(partials.getSideOutput(PreAggregateOperator.TOO_LATE)),
                deadLetters,
                new Ids("dead-letters-sink", "dead letters (Kafka)"));
    }
}
