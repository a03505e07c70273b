package dev.driftwatch.jobs.performance;

import static dev.driftwatch.jobs.performance.PerformanceJobOptions.*;
import static dev.driftwatch.jobs.shared.SharedJobOptions.*;

import dev.driftwatch.core.event.LabelEvent;
import dev.driftwatch.core.event.PredictionEvent;
import dev.driftwatch.core.performance.TaskType;
import dev.driftwatch.core.profile.ReferenceProfile;
import dev.driftwatch.jobs.ingest.InferenceLogSources;
import dev.driftwatch.jobs.records.DeadLetter;
import dev.driftwatch.jobs.records.PerformanceDelta;
import dev.driftwatch.jobs.records.PerformanceMetricRow;
import dev.driftwatch.jobs.records.RawRecord;
import dev.driftwatch.jobs.records.ReferenceUpdate;
import dev.driftwatch.jobs.shared.EventDecodeFunction;
import dev.driftwatch.jobs.shared.JobEndpoints;
import dev.driftwatch.jobs.shared.JobStages;
import dev.driftwatch.jobs.shared.JobStages.Ids;
import dev.driftwatch.jobs.shared.LabelParseFunction;
import dev.driftwatch.jobs.shared.MetricPartitions;
import dev.driftwatch.jobs.shared.PrimaryInputCoProcessOperator;
import dev.driftwatch.jobs.shared.SideInputBroadcastOperator;
import dev.driftwatch.jobs.shared.WindowSpec;
import java.util.List;
import java.util.Map;
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
 * The performance job: delayed labels joined to their predictions in keyed state, attributed to the
 * window of the prediction's time, and turned into {@code performance_metrics} rows that are
 * rewritten as labels arrive; performance alerts (floors, drops against the reference profile)
 * behind a label-coverage guard.
 *
 * <pre>
 * predictions ─ decode ─┬─ pre-aggregate estimates (calibrated scores) ──────────┐
 * (inference logs ─     ├─ keyBy(model, prediction_id) ─ join (TTL) ─────────────┴─ keyBy(model, version, segment)
 *  normalize)           │
 * labels ─ parse ───────┘     ─ windows by prediction time ─► performance_metrics (realised, estimated)
 *                                                        └─ rules ─ persistence ─► alerts
 * </pre>
 */
public final class PerformanceJob {
    /**
     * (key, window) slices of estimated performance a pre-aggregator buffers before it flushes
     * regardless of the watermark.
     */
    static final int MAX_BUFFERED_SLICES = 10_000;

    private final Configuration config;
    private final Source<RawRecord, ?, ?> predictions;
    private final Source<RawRecord, ?, ?> labels;
    private final Source<ReferenceUpdate, ?, ?> referenceProfiles;
    private final List<ReferenceProfile> initialProfiles;
    private final Sink<PerformanceMetricRow> metrics;
    private final Sink<String> alerts;
    private final Sink<DeadLetter> deadLetters;
    private final InferenceLogSources inferenceLogs;

    public PerformanceJob(
            Configuration config,
            Source<RawRecord, ?, ?> predictions,
            Source<RawRecord, ?, ?> labels,
            Source<ReferenceUpdate, ?, ?> referenceProfiles,
            List<ReferenceProfile> initialProfiles,
            Sink<PerformanceMetricRow> metrics,
            Sink<String> alerts,
            Sink<DeadLetter> deadLetters) {
        this(
                config,
                predictions,
                labels,
                referenceProfiles,
                initialProfiles,
                metrics,
                alerts,
                deadLetters,
                null);
    }

    private PerformanceJob(
            Configuration config,
            Source<RawRecord, ?, ?> predictions,
            Source<RawRecord, ?, ?> labels,
            Source<ReferenceUpdate, ?, ?> referenceProfiles,
            List<ReferenceProfile> initialProfiles,
            Sink<PerformanceMetricRow> metrics,
            Sink<String> alerts,
            Sink<DeadLetter> deadLetters,
            InferenceLogSources inferenceLogs) {
        this.config = config;
        this.predictions = predictions;
        this.labels = labels;
        this.referenceProfiles = referenceProfiles;
        this.initialProfiles = List.copyOf(initialProfiles);
        this.metrics = metrics;
        this.alerts = alerts;
        this.deadLetters = deadLetters;
        this.inferenceLogs = inferenceLogs;
    }

    public static PerformanceJob withKafka(
            Configuration config,
            List<ReferenceProfile> initialProfiles,
            OffsetsInitializer start,
            boolean bounded) {
        return new PerformanceJob(
                config,
                JobEndpoints.records(
                        config, "-performance", start, bounded, config.get(PREDICTIONS_TOPIC)),
                JobEndpoints.records(config, "-labels", start, bounded, config.get(LABELS_TOPIC)),
                JobEndpoints.referenceProfiles(config, "-performance", bounded),
                initialProfiles,
                JobEndpoints.metricTable(
                        config,
                        "-performance",
                        new PerformanceMetricsUpsert(),
                        new MetricPartitions(
                                "performance_metrics",
                                List.of(config.get(WINDOW).toSeconds()),
                                retention(config))),
                JobEndpoints.alerts(config, "-performance"),
                JobEndpoints.deadLetters(config, "-labels"),
                InferenceLogSources.withKafka(config, "-performance", start, bounded));
    }

    /**
     * This job also normalizing the inference logs of {@code sources} (null: none) into its
     * predictions.
     */
    public PerformanceJob withInferenceLogs(InferenceLogSources sources) {
        return new PerformanceJob(
                config,
                predictions,
                labels,
                referenceProfiles,
                initialProfiles,
                metrics,
                alerts,
                deadLetters,
                sources);
    }

    /** Adds the pipeline to {@code env}. */
    public void build(StreamExecutionEnvironment env) {
        JobStages stages = new JobStages(env, config);
        WindowSpec windows = stages.windows();
        Map<String, TaskType> tasks = PerformanceJobOptions.tasks(config);

        // invalid predictions are dead-lettered by the drift job, which reads the same topics
        DataStream<PredictionEvent> decoded =
                stages.events(
                        predictions,
                        new Ids("performance-predictions-source", "predictions"),
                        new Ids("performance-parse-predictions", "decode predictions"),
                        false);
        if (inferenceLogs != null) {
            decoded =
                    decoded.union(
                            stages.inferenceLogs(inferenceLogs, "performance-", false).events());
        }
        DataStream<PredictionEvent> predictionsInTime =
                stages.withEventTime(
                        decoded, new Ids("performance-watermarks", "prediction-time watermarks"));

        // labels carry no event time of the windows (those are by prediction time)
        SingleOutputStreamOperator<LabelEvent> parsedLabels =
                env.fromSource(labels, WatermarkStrategy.noWatermarks(), "labels")
                        .uid("labels-source")
                        .process(
                                new LabelParseFunction(
                                        config.get(MAX_EVENT_BYTES),
                                        tasks.keySet(),
                                        stages.limits()))
                        .uid("parse-labels")
                        .name("parse labels");

        DataStream<PerformanceDelta> deltas =
                predictionsInTime
                        .keyBy(
                                e -> LabelJoinFunction.key(e.modelName, e.predictionId),
                                Types.STRING)
                        .connect(
                                parsedLabels.keyBy(
                                        l -> LabelJoinFunction.key(l.modelName, l.predictionId),
                                        Types.STRING))
                        .transform(
                                "join labels to predictions",
                                Types.POJO(PerformanceDelta.class),
                                new PrimaryInputCoProcessOperator<>(
                                        new LabelJoinFunction(config.get(LABEL_TTL))))
                        .uid("label-join");

        DataStream<ReferenceUpdate> references =
                stages.referenceProfiles(
                        referenceProfiles,
                        new Ids(
                                "performance-reference-profiles-source",
                                "reference profiles (performance)"));

        // estimated performance, from the predictions alone (before any label)
        DataStream<PerformanceDelta> estimates =
                predictionsInTime
                        .connect(references.broadcast())
                        .transform(
                                "pre-aggregate estimated performance",
                                Types.POJO(PerformanceDelta.class),
                                new EstimatePreAggregateOperator(
                                        windows,
                                        MAX_BUFFERED_SLICES,
                                        JobStages.updates(initialProfiles),
                                        stages.quietKeys().timeoutMs() / 2,
                                        tasks,
                                        PerformanceJobOptions.decision(config)))
                        .uid("estimate-pre-aggregate");

        SingleOutputStreamOperator<PerformanceMetricRow> rows =
                deltas.union(estimates)
                        .keyBy(PerformanceDelta::windowKey, Types.STRING)
                        .connect(references.broadcast())
                        .transform(
                                "performance windows",
                                Types.POJO(PerformanceMetricRow.class),
                                new SideInputBroadcastOperator<>(
                                        new PerformanceWindowFunction(
                                                windows,
                                                config.get(LABEL_TTL),
                                                config.get(EMIT_INTERVAL),
                                                tasks,
                                                PerformanceJobOptions.decision(config),
                                                PerformanceJobOptions.rules(config),
                                                JobStages.updates(initialProfiles),
                                                stages.quietKeys()),
                                        List.of(PerformanceWindowFunction.REFERENCES)))
                        .uid("performance-windows");

        rows.sinkTo(metrics)
                .uid("performance-metrics-sink")
                .name("performance_metrics (PostgreSQL)");

        stages.alerts(
                rows.getSideOutput(PerformanceWindowFunction.ALERT_OBSERVATIONS),
                alerts,
                "driftwatch performance job",
                new Ids("performance-alerts", "performance alert rules"),
                new Ids("performance-alerts-sink", "performance alerts (Kafka)"));

        stages.deadLetters(
                parsedLabels.getSideOutput(EventDecodeFunction.DEAD_LETTERS),
                deadLetters,
                new Ids("label-dead-letters-sink", "label dead letters (Kafka)"));
    }
}
