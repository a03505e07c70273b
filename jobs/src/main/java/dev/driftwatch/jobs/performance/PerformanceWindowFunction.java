package dev.driftwatch.jobs.performance;

import dev.driftwatch.core.event.PredictionEvent;
import dev.driftwatch.core.performance.BinaryPerformance;
import dev.driftwatch.core.performance.MulticlassPerformance;
import dev.driftwatch.core.performance.PerformanceAccumulator;
import dev.driftwatch.core.performance.PerformanceWindows;
import dev.driftwatch.core.performance.RegressionPerformance;
import dev.driftwatch.core.performance.TaskType;
import dev.driftwatch.core.profile.ReferenceProfile;
import dev.driftwatch.jobs.records.AlertObservation;
import dev.driftwatch.jobs.records.PerformanceDelta;
import dev.driftwatch.jobs.records.PerformanceMetricRow;
import dev.driftwatch.jobs.records.PerformanceWindowState;
import dev.driftwatch.jobs.records.ReferenceUpdate;
import dev.driftwatch.jobs.shared.QuietKeyRule;
import dev.driftwatch.jobs.shared.WindowSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Performance windows by prediction time per (model, version, segment): counts predictions, adds
 * and retracts labelled pairs in mergeable accumulators (no raw pairs kept), and re-emits a changed
 * window's {@code performance_metrics} rows on the next watermark or after {@code emitInterval},
 * whichever comes first, so rows follow labels as they trickle in. Windows are kept for the join
 * TTL after their last change. Alert observations (side output) are emitted only for windows whose
 * labelled share reaches {@code minCoverage}.
 *
 * <p>Rows say whether the window's predictions are complete: {@code closedBy} is null while the
 * window is open, "watermark" once event time (prediction time) passed its end, "timeout" once the
 * {@link QuietKeyRule} closed the window of a quiet key; closing rewrites the window's rows.
 */
public class PerformanceWindowFunction
        extends KeyedBroadcastProcessFunction<
                String, PerformanceDelta, ReferenceUpdate, PerformanceMetricRow> {
    private static final Logger LOG = LoggerFactory.getLogger(PerformanceWindowFunction.class);

    public static final OutputTag<AlertObservation> ALERT_OBSERVATIONS =
            new OutputTag<>("performance-alert-observations") {};

    /** Latest reference profile JSON by model/version (broadcast state). */
    public static final MapStateDescriptor<String, String> REFERENCES =
            new MapStateDescriptor<>("performance-reference-profiles", Types.STRING, Types.STRING);

    public static final String LABEL_COVERAGE = "label_coverage";
    public static final String UNLABELLED = "unlabelled_predictions";
    public static final String ORPHANED = "orphaned_labels";

    private final WindowSpec windows;
    private final Duration retention;
    private final Duration emitInterval;
    private final Map<String, TaskType> configuredTasks;
    private final String positiveLabel;
    private final double threshold;
    private final List<PerformanceRule> rules;
    private final double minCoverage;
    private final Map<String, Map<String, Double>> initialReferencePerformance;
    private final QuietKeyRule quietKeys;

    private transient MapState<Long, PerformanceWindowState> state;
    private transient ValueState<String> task;
    private transient ValueState<Boolean> timerArmed;

    /** The parsed performance of each model version's current profile (one per model key). */
    private transient Map<String, ParsedReference> parsedReferences;

    /** A profile's JSON and the performance parsed from it. */
    private record ParsedReference(String json, Map<String, Double> performance) {}

    private transient org.apache.flink.metrics.Counter closedByTimeout;

    public PerformanceWindowFunction(
            WindowSpec windows,
            Duration retention,
            Duration emitInterval,
            Map<String, TaskType> configuredTasks,
            String positiveLabel,
            double threshold,
            List<PerformanceRule> rules,
            double minCoverage,
            List<ReferenceUpdate> initialReferences,
            QuietKeyRule quietKeys) {
        this.windows = windows;
        this.quietKeys = quietKeys;
        this.retention = retention;
        this.emitInterval = emitInterval;
        this.configuredTasks = new HashMap<>(configuredTasks);
        this.positiveLabel = positiveLabel;
        this.threshold = threshold;
        this.rules = List.copyOf(rules);
        this.minCoverage = minCoverage;
        Map<String, Map<String, Double>> refs = new HashMap<>();
        for (ReferenceUpdate u : initialReferences) {
            refs.put(u.modelKey, new HashMap<>(ReferenceProfile.fromJson(u.json).performance()));
        }
        this.initialReferencePerformance = refs;
    }

    @Override
    public void open(OpenContext openContext) {
        MapStateDescriptor<Long, PerformanceWindowState> d =
                new MapStateDescriptor<>(
                        "performance-windows",
                        Types.LONG,
                        Types.POJO(PerformanceWindowState.class));
        d.enableTimeToLive(StateTtlConfig.newBuilder(retention.plus(windowSize())).build());
        state = getRuntimeContext().getMapState(d);
        task = getRuntimeContext().getState(new ValueStateDescriptor<>("task", Types.STRING));
        timerArmed =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("emit-armed", Types.BOOLEAN));
        parsedReferences = new HashMap<>();
        closedByTimeout = getRuntimeContext().getMetricGroup().counter("windowsClosedByTimeout");
    }

    private Duration windowSize() {
        return Duration.ofMillis(windows.sizeMs());
    }

    @Override
    public void processElement(
            PerformanceDelta d, ReadOnlyContext ctx, Collector<PerformanceMetricRow> out)
            throws Exception {
        long now = ctx.timerService().currentProcessingTime();
        for (long start = windows.lastStart(d.timestamp);
                windows.contains(start, d.timestamp);
                start -= windows.slideMs()) {
            PerformanceWindowState w = state.get(start);
            if (w == null) {
                w = new PerformanceWindowState();
                w.modelName = d.modelName;
                w.modelVersion = d.modelVersion;
                w.segment = d.segment;
                long end = windows.end(start);
                if (ctx.timerService().currentWatermark() < end - 1) {
                    ctx.timerService().registerEventTimeTimer(end - 1);
                }
                if (quietKeys.enabled()) {
                    ctx.timerService()
                            .registerProcessingTimeTimer(quietKeys.checkTime(Math.max(now, end)));
                }
            }
            long check = quietKeys.checkTime(now);
            if (quietKeys.enabled()
                    && w.closedBy == null
                    && check != quietKeys.checkTime(w.lastArrival)) {
                ctx.timerService().registerProcessingTimeTimer(check);
            }
            w.lastArrival = now;
            switch (d.kind) {
                case PerformanceDelta.PREDICTION -> w.predictions += d.sign;
                case PerformanceDelta.UNLABELLED -> w.unlabelled += d.sign;
                case PerformanceDelta.ORPHANED -> w.orphaned += d.sign;
                default -> addPair(w, d);
            }
            w.dirty = true;
            state.put(start, w);
        }
        if (!Boolean.TRUE.equals(timerArmed.value())) {
            long wm = ctx.timerService().currentWatermark();
            if (wm < Long.MAX_VALUE) {
                ctx.timerService().registerEventTimeTimer(wm + 1);
            }
            ctx.timerService()
                    .registerProcessingTimeTimer(
                            ctx.timerService().currentProcessingTime() + emitInterval.toMillis());
            timerArmed.update(true);
        }
    }

    private void addPair(PerformanceWindowState w, PerformanceDelta d) throws Exception {
        TaskType t = taskOf(d);
        PerformanceAccumulator acc =
                w.accumulator == null
                        ? PerformanceWindows.newInstance(t)
                        : PerformanceWindows.heapify(w.accumulator);
        if (acc instanceof BinaryPerformance b) {
            boolean actual = isPositive(d.actualLabel);
            boolean predicted =
                    d.predictedLabel != null ? isPositive(d.predictedLabel) : d.score >= threshold;
            b.add(d.score, predicted, actual, d.sign);
        } else if (acc instanceof MulticlassPerformance m) {
            m.add(d.actualLabel, d.predictedLabel == null ? "" : d.predictedLabel, d.sign);
        } else if (acc instanceof RegressionPerformance r) {
            double actual = d.actualLabel == null ? d.actualValue : parseOrNaN(d.actualLabel);
            if (d.score == d.score && actual == actual) {
                r.add(d.score, actual, d.sign);
            }
        }
        w.accumulator = PerformanceWindows.toByteArray(acc);
    }

    private boolean isPositive(String label) {
        return positiveLabel.equals(label)
                || ("1".equals(positiveLabel) && "true".equalsIgnoreCase(label));
    }

    private static double parseOrNaN(String s) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** The model's task: configured, or inferred from its first labelled pair (and logged). */
    private TaskType taskOf(PerformanceDelta d) throws Exception {
        String known = task.value();
        if (known != null) {
            return TaskType.valueOf(known);
        }
        TaskType t = configuredTasks.get(d.modelName);
        if (t == null) {
            if (d.actualLabel == null) {
                t = TaskType.REGRESSION;
            } else if (Set.of("0", "1", "true", "false").contains(d.actualLabel.toLowerCase())
                    && (d.predictedLabel == null
                            || Set.of("0", "1", "true", "false")
                                    .contains(d.predictedLabel.toLowerCase()))) {
                t = TaskType.BINARY;
            } else {
                t = TaskType.MULTICLASS;
            }
            LOG.info(
                    "Model {} version {}: task type inferred as {} from its first labelled prediction"
                            + " (set --task {}={} to fix it)",
                    d.modelName,
                    d.modelVersion,
                    t.configName(),
                    d.modelName,
                    t.configName());
        }
        task.update(t.name());
        return t;
    }

    @Override
    public void processBroadcastElement(
            ReferenceUpdate update, Context ctx, Collector<PerformanceMetricRow> out)
            throws Exception {
        ctx.getBroadcastState(REFERENCES).put(update.modelKey, update.json);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<PerformanceMetricRow> out)
            throws Exception {
        timerArmed.clear();
        long now = ctx.timerService().currentProcessingTime();
        long watermark = ctx.timerService().currentWatermark();
        List<Long> starts = new ArrayList<>();
        long lastArrival = Long.MIN_VALUE;
        for (Map.Entry<Long, PerformanceWindowState> e : state.entries()) {
            starts.add(e.getKey());
            lastArrival = Math.max(lastArrival, e.getValue().lastArrival);
        }
        for (long start : starts) {
            PerformanceWindowState w = state.get(start);
            if (w.closedBy == null) {
                long end = windows.end(start);
                if (watermark >= end - 1) {
                    w.closedBy = QuietKeyRule.BY_WATERMARK;
                    w.dirty = true;
                } else if (quietKeys.closes(end, lastArrival, now)) {
                    w.closedBy = QuietKeyRule.BY_TIMEOUT;
                    w.dirty = true;
                    closedByTimeout.inc();
                }
            }
            if (!w.dirty) {
                continue;
            }
            w.dirty = false;
            state.put(start, w);
            emit(start, w, now, ctx, out);
        }
    }

    private void emit(
            long start,
            PerformanceWindowState w,
            long now,
            ReadOnlyContext ctx,
            Collector<PerformanceMetricRow> out)
            throws Exception {
        Map<String, Double> metrics = new java.util.LinkedHashMap<>();
        long labeled = 0;
        if (w.accumulator != null) {
            PerformanceAccumulator acc = PerformanceWindows.heapify(w.accumulator);
            labeled = acc.labeled();
            metrics.putAll(acc.metrics());
        }
        metrics.put(LABEL_COVERAGE, w.predictions == 0 ? null : (double) labeled / w.predictions);
        metrics.put(UNLABELLED, (double) w.unlabelled);
        metrics.put(ORPHANED, (double) w.orphaned);
        long end = windows.end(start);
        for (Map.Entry<String, Double> e : metrics.entrySet()) {
            PerformanceMetricRow r = new PerformanceMetricRow();
            r.modelName = w.modelName;
            r.modelVersion = w.modelVersion;
            r.segment = w.segment;
            r.metric = e.getKey();
            r.windowStart = start;
            r.windowEnd = end;
            r.value = e.getValue() == null ? Double.NaN : e.getValue();
            r.sampleCount = w.predictions;
            r.labeledCount = labeled;
            r.computedAt = now;
            r.closedBy = w.closedBy;
            out.collect(r);
        }
        boolean covered = w.predictions > 0 && (double) labeled / w.predictions >= minCoverage;
        if (!covered || rules.isEmpty()) {
            return;
        }
        Map<String, Double> reference = referencePerformance(w, ctx);
        for (PerformanceRule rule : rules) {
            Double value = metrics.get(rule.metric());
            if (value == null) {
                continue;
            }
            Double observed = rule.observed(value, reference);
            if (observed == null) {
                continue;
            }
            AlertObservation o = new AlertObservation();
            o.alertname = rule.alertname();
            o.modelName = w.modelName;
            o.modelVersion = w.modelVersion;
            o.segment = w.segment;
            o.feature = "";
            o.metric = rule.metric();
            o.seriesKey =
                    dev.driftwatch.core.event.CompositeKey.of(
                            rule.alertname(),
                            w.modelName,
                            w.modelVersion,
                            w.segment,
                            rule.toString());
            o.severity = rule.severity();
            o.value = value;
            o.threshold = rule.threshold();
            o.breached = rule.breached(observed);
            o.windowStart = start;
            o.windowEnd = end;
            ctx.output(ALERT_OBSERVATIONS, o);
        }
    }

    private Map<String, Double> referencePerformance(PerformanceWindowState w, ReadOnlyContext ctx)
            throws Exception {
        String modelKey = PredictionEvent.modelKey(w.modelName, w.modelVersion);
        String json = ctx.getBroadcastState(REFERENCES).get(modelKey);
        if (json != null) {
            ParsedReference parsed = parsedReferences.get(modelKey);
            if (parsed == null || !parsed.json().equals(json)) {
                parsed =
                        new ParsedReference(
                                json, new HashMap<>(ReferenceProfile.fromJson(json).performance()));
                parsedReferences.put(modelKey, parsed);
            }
            return parsed.performance();
        }
        return initialReferencePerformance.getOrDefault(modelKey, Map.of());
    }
}
