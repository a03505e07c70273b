package dev.driftwatch.jobs;

import static dev.driftwatch.jobs.DriftJobOptions.*;
import static dev.driftwatch.jobs.PerformanceJobOptions.*;

import dev.driftwatch.core.event.EventLimits;
import dev.driftwatch.core.event.LabelEvent;
import dev.driftwatch.core.event.PredictionEvent;
import dev.driftwatch.core.performance.TaskType;
import dev.driftwatch.core.profile.ReferenceProfile;
import dev.driftwatch.jobs.model.DeadLetter;
import dev.driftwatch.jobs.model.PerformanceDelta;
import dev.driftwatch.jobs.model.PerformanceMetricRow;
import dev.driftwatch.jobs.model.RawRecord;
import dev.driftwatch.jobs.model.ReferenceUpdate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
 * predictions ─ parse ─┐
 *                      ├─ keyBy(model, prediction_id) ─ join (TTL) ─ keyBy(model, version, segment)
 * labels ─ parse ──────┘     ─ windows by prediction time ─► performance_metrics
 *                                                        └─ rules ─ persistence ─► alerts
 * </pre>
 */
public final class PerformanceJob {
    private final Configuration config;
    private final Source<RawRecord, ?, ?> predictions;
    private final Source<RawRecord, ?, ?> labels;
    private final Source<ReferenceUpdate, ?, ?> referenceProfiles;
    private final List<ReferenceProfile> initialProfiles;
    private final Sink<PerformanceMetricRow> metrics;
    private final Sink<String> alerts;
    private final Sink<DeadLetter> deadLetters;

    public PerformanceJob(
            Configuration config,
            Source<RawRecord, ?, ?> predictions,
            Source<RawRecord, ?, ?> labels,
            Source<ReferenceUpdate, ?, ?> referenceProfiles,
            List<ReferenceProfile> initialProfiles,
            Sink<PerformanceMetricRow> metrics,
            Sink<String> alerts,
            Sink<DeadLetter> deadLetters) {
        this.config = config;
        this.predictions = predictions;
        this.labels = labels;
        this.referenceProfiles = referenceProfiles;
        this.initialProfiles = List.copyOf(initialProfiles);
        this.metrics = metrics;
        this.alerts = alerts;
        this.deadLetters = deadLetters;
    }

    public static PerformanceJob withKafka(
            Configuration config,
            List<ReferenceProfile> initialProfiles,
            OffsetsInitializer start,
            boolean bounded) {
        return new PerformanceJob(
                config,
                KafkaEndpoints.records(
                        config, "-performance", start, bounded, config.get(PREDICTIONS_TOPIC)),
                KafkaEndpoints.records(config, "-labels", start, bounded, config.get(LABELS_TOPIC)),
                KafkaEndpoints.referenceProfiles(config, "-performance", bounded),
                initialProfiles,
                PerformanceMetricsUpsert.sink(
                        KafkaEndpoints.database(config), config.get(SINK_BATCH_SIZE)),
                KafkaEndpoints.alerts(config, "-performance"),
                KafkaEndpoints.deadLetters(config, "-labels"));
    }

    /** Task types configured per model ({@code MODEL=binary|multiclass|regression}). */
    static Map<String, TaskType> tasks(Configuration config) {
        Map<String, TaskType> tasks = new LinkedHashMap<>();
        for (String t : config.get(TASKS)) {
            int eq = t.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(
                        "task must look like MODEL=binary|multiclass|regression, was '" + t + "'");
            }
            try {
                tasks.put(t.substring(0, eq).strip(), TaskType.parse(t.substring(eq + 1)));
            } catch (dev.driftwatch.core.DriftCoreException e) {
                throw new IllegalArgumentException(e.getMessage());
            }
        }
        return tasks;
    }

    static List<PerformanceRule> rules(Configuration config) {
        List<PerformanceRule> rules = new ArrayList<>();
        for (String r : config.get(PERFORMANCE_RULES)) {
            rules.add(PerformanceRule.parse(r));
        }
        return rules;
    }

    /** Adds the pipeline to {@code env}. */
    public void build(StreamExecutionEnvironment env) {
        DriftWindows windows =
                DriftWindows.of(
                        config.get(WINDOW), config.get(SLIDE), config.get(ALLOWED_LATENESS));
        Map<String, TaskType> tasks = tasks(config);

        SingleOutputStreamOperator<PredictionEvent> parsedPredictions =
                env.fromSource(predictions, WatermarkStrategy.noWatermarks(), "predictions")
                        .uid("performance-predictions-source")
                        .process(
                                new EventParseFunction(
                                        config.get(SEGMENT_TAGS),
                                        config.get(MAX_SEGMENTS),
                                        config.get(MAX_EVENT_BYTES),
                                        EventLimits.of(config.get(FUTURE_TOLERANCE))))
                        .uid("performance-parse-predictions")
                        .name("parse predictions");
        DataStream<PredictionEvent> validPredictions =
                parsedPredictions
                        .filter(e -> !EventParseFunction.isInvalidMarker(e))
                        .name("valid predictions")
                        .assignTimestampsAndWatermarks(
                                WatermarkStrategy.<PredictionEvent>forBoundedOutOfOrderness(
                                                config.get(OUT_OF_ORDERNESS))
                                        .withTimestampAssigner((e, t) -> e.timestamp)
                                        .withIdleness(config.get(IDLENESS)));

        // labels carry no event time of the windows (those are by prediction time)
        SingleOutputStreamOperator<LabelEvent> parsedLabels =
                env.fromSource(labels, WatermarkStrategy.noWatermarks(), "labels")
                        .uid("labels-source")
                        .process(
                                new LabelParseFunction(
                                        config.get(MAX_EVENT_BYTES),
                                        tasks.keySet(),
                                        EventLimits.of(config.get(FUTURE_TOLERANCE))))
                        .uid("parse-labels")
                        .name("parse labels");

        DataStream<PerformanceDelta> deltas =
                validPredictions
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

        List<ReferenceUpdate> initial = new ArrayList<>();
        for (ReferenceProfile p : initialProfiles) {
            initial.add(ReferenceUpdate.of(p));
        }
        DataStream<ReferenceUpdate> references =
                env.fromSource(
                                referenceProfiles,
                                WatermarkStrategy.noWatermarks(),
                                "reference profiles (performance)")
                        .uid("performance-reference-profiles-source");

        SingleOutputStreamOperator<PerformanceMetricRow> rows =
                deltas.keyBy(PerformanceDelta::windowKey, Types.STRING)
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
                                                config.get(POSITIVE_LABEL),
                                                config.get(DECISION_THRESHOLD),
                                                rules(config),
                                                config.get(MIN_LABEL_COVERAGE),
                                                initial,
                                                QuietKeyRule.of(config.get(QUIET_TIMEOUT))),
                                        List.of(PerformanceWindowFunction.REFERENCES)))
                        .uid("performance-windows");

        rows.sinkTo(metrics)
                .uid("performance-metrics-sink")
                .name("performance_metrics (PostgreSQL)");

        rows.getSideOutput(PerformanceWindowFunction.ALERT_OBSERVATIONS)
                .keyBy(o -> o.seriesKey, Types.STRING)
                .process(
                        new AlertFunction(
                                config.get(ALERT_FIRE_AFTER),
                                config.get(ALERT_RESOLVE_AFTER),
                                config.get(STATE_TTL),
                                config.get(RUNBOOK_URL),
                                "driftwatch performance job",
                                java.time.Duration.ofMillis(
                                        windows.sizeMs() * (config.get(ALERT_RESOLVE_AFTER) + 1L))))
                .returns(Types.STRING)
                .uid("performance-alerts")
                .name("performance alert rules")
                .sinkTo(alerts)
                .uid("performance-alerts-sink")
                .name("performance alerts (Kafka)");

        parsedLabels
                .getSideOutput(EventParseFunction.DEAD_LETTERS)
                .sinkTo(deadLetters)
                .uid("label-dead-letters-sink")
                .name("label dead letters (Kafka)");
    }
}
