package dev.driftwatch.jobs.performance;

import dev.driftwatch.core.DriftCoreException;
import dev.driftwatch.core.event.CompositeKey;
import dev.driftwatch.core.event.PredictionEvent;
import dev.driftwatch.core.performance.BinaryPerformance;
import dev.driftwatch.core.performance.Estimate;
import dev.driftwatch.core.performance.EstimatedPerformance;
import dev.driftwatch.core.performance.EstimatedPerformanceWindows;
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
import java.util.LinkedHashMap;
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
 * TTL after their last change.
 *
 * <p>Next to the realised state, a window keeps its estimated performance: the slices of the {@link
 * EstimatePreAggregateOperator} merged (all its predictions, from their calibrated scores), written
 * as rows with {@code estimated = true} and their standard error from the first write on — so a
 * closed window has them before any label — and the estimate of its labelled predictions alone
 * (updated with each pair). Once the labelled share reaches the coverage guard, the estimation
 * error of each metric both have (realised - estimate of the same labelled predictions) is written
 * as {@code <metric>_estimation_error} with that estimate's standard error.
 *
 * <p>Alert observations (side output): realised rules for windows whose labelled share reaches the
 * guard; estimated rules for closed windows below it; estimation error rules with the error rows
 * (see {@link PerformanceAlertRules}).
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

    /** Suffix of the rows of a histogram AUC's bound ({@code roc_auc_error_bound}). */
    public static final String ERROR_BOUND = "_error_bound";

    private final WindowSpec windows;
    private final Duration retention;
    private final Duration emitInterval;
    private final Map<String, TaskType> configuredTasks;
    private final BinaryDecision decision;
    private final PerformanceAlertRules rules;
    private final List<ReferenceUpdate> initialReferences;
    private final QuietKeyRule quietKeys;

    private transient MapState<Long, PerformanceWindowState> state;
    private transient ValueState<String> task;
    private transient ValueState<Boolean> timerArmed;

    /** The parsed current profile of each model version (one per model key). */
    private transient Map<String, ParsedReference> parsedReferences;

    /** A profile's JSON and what the windows use of it. */
    private record ParsedReference(String json, ModelReference reference) {}

    private transient Map<String, ModelReference> initial;
    private transient org.apache.flink.metrics.Counter closedByTimeout;
    private transient org.apache.flink.metrics.Counter estimatesNotMerged;

    /** What the windows use of a model version's reference profile. */
    private record ModelReference(Map<String, Double> performance, CalibratedEstimator estimator) {}

    /**
     * @param retention how long a window is kept after its last change (the join TTL)
     * @param configuredTasks the task configured per model ({@code --task})
     * @param initialReferences profiles known before any event (from files)
     */
    public PerformanceWindowFunction(
            WindowSpec windows,
            Duration retention,
            Duration emitInterval,
            Map<String, TaskType> configuredTasks,
            BinaryDecision decision,
            PerformanceAlertRules rules,
            List<ReferenceUpdate> initialReferences,
            QuietKeyRule quietKeys) {
        this.windows = windows;
        this.quietKeys = quietKeys;
        this.retention = retention;
        this.emitInterval = emitInterval;
        this.configuredTasks = new HashMap<>(configuredTasks);
        this.decision = decision;
        this.rules = rules;
        for (ReferenceUpdate u : initialReferences) {
            ReferenceProfile.fromJson(u.json); // fail at build time, not in the running job
        }
        this.initialReferences = List.copyOf(initialReferences);
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
        initial = new HashMap<>();
        for (ReferenceUpdate u : initialReferences) {
            initial.put(u.modelKey, parse(u.json));
        }
        closedByTimeout = getRuntimeContext().getMetricGroup().counter("windowsClosedByTimeout");
        estimatesNotMerged = getRuntimeContext().getMetricGroup().counter("estimatesNotMerged");
    }

    private ModelReference parse(String json) {
        ReferenceProfile profile;
        try {
            profile = ReferenceProfile.fromJson(json);
        } catch (DriftCoreException e) {
            LOG.warn("Ignoring an invalid reference profile: {}", e.getMessage());
            return NONE;
        }
        return new ModelReference(
                new HashMap<>(profile.performance()),
                CalibratedEstimator.of(
                        profile, configuredTasks.get(profile.modelName()), decision));
    }

    private Duration windowSize() {
        return Duration.ofMillis(windows.sizeMs());
    }

    @Override
    public void processElement(
            PerformanceDelta d, ReadOnlyContext ctx, Collector<PerformanceMetricRow> out)
            throws Exception {
        long now = ctx.timerService().currentProcessingTime();
        if (PerformanceDelta.ESTIMATE.equals(d.kind)) {
            update(d.timestamp, d, now, ctx); // a slice of one window
        } else {
            for (long start = windows.lastStart(d.timestamp);
                    windows.contains(start, d.timestamp);
                    start -= windows.slideMs()) {
                update(start, d, now, ctx);
            }
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

    /** Applies {@code d} to the window starting at {@code start}. */
    private void update(long start, PerformanceDelta d, long now, ReadOnlyContext ctx)
            throws Exception {
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
            case PerformanceDelta.ESTIMATE -> mergeEstimate(w, d);
            default -> {
                addPair(w, d);
                addLabelledEstimate(w, d, ctx);
            }
        }
        w.dirty = true;
        state.put(start, w);
    }

    /** Merges a pre-aggregated slice of the window's estimate. */
    private void mergeEstimate(PerformanceWindowState w, PerformanceDelta d) {
        if (w.estimate == null) {
            w.estimate = d.estimate;
            return;
        }
        EstimatedPerformance whole = EstimatedPerformanceWindows.heapify(w.estimate);
        try {
            whole.merge(EstimatedPerformanceWindows.heapify(d.estimate));
        } catch (DriftCoreException e) {
            // a multiclass calibration whose classes changed while the window was open
            estimatesNotMerged.inc();
            LOG.warn(
                    "Window of {} {} {}: an estimate slice left out: {}",
                    w.modelName,
                    w.modelVersion,
                    w.segment,
                    e.getMessage());
            return;
        }
        w.estimate = EstimatedPerformanceWindows.toByteArray(whole);
    }

    /** The pair (or its retraction) in the estimate of the labelled predictions. */
    private void addLabelledEstimate(
            PerformanceWindowState w, PerformanceDelta d, ReadOnlyContext ctx) throws Exception {
        CalibratedEstimator estimator = reference(w.modelName, w.modelVersion, ctx).estimator();
        if (estimator == null) {
            return;
        }
        EstimatedPerformance labelled =
                w.labelledEstimate == null
                        ? estimator.newWindow()
                        : EstimatedPerformanceWindows.heapify(w.labelledEstimate);
        if (labelled.task() != estimator.task()) {
            return; // the calibration changed task; the error rows then wait for a new window
        }
        try {
            if (!estimator.add(
                    labelled,
                    d.score,
                    d.predictedLabel,
                    d.probabilityNames,
                    d.probabilities,
                    d.sign)) {
                return;
            }
        } catch (DriftCoreException e) {
            return; // multiclass classes changed: as above
        }
        w.labelledEstimate = EstimatedPerformanceWindows.toByteArray(labelled);
    }

    private void addPair(PerformanceWindowState w, PerformanceDelta d) throws Exception {
        TaskType t = taskOf(d);
        PerformanceAccumulator acc =
                w.accumulator == null
                        ? PerformanceWindows.newInstance(t)
                        : PerformanceWindows.heapify(w.accumulator);
        if (acc instanceof BinaryPerformance b) {
            b.add(
                    d.score,
                    decision.predictsPositive(d.score, d.predictedLabel),
                    decision.isPositive(d.actualLabel),
                    d.sign);
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
        long end = windows.end(start);
        Map<String, Double> metrics = new LinkedHashMap<>();
        long labeled = 0;
        if (w.accumulator != null) {
            PerformanceAccumulator acc = PerformanceWindows.heapify(w.accumulator);
            labeled = acc.labeled();
            metrics.putAll(acc.metrics());
        }
        metrics.put(LABEL_COVERAGE, w.predictions == 0 ? null : (double) labeled / w.predictions);
        metrics.put(UNLABELLED, (double) w.unlabelled);
        metrics.put(ORPHANED, (double) w.orphaned);
        for (Map.Entry<String, Double> e : metrics.entrySet()) {
            out.collect(row(w, start, e.getKey(), false, e.getValue(), null, now, labeled));
        }

        Map<String, Estimate> estimates = Map.of();
        if (w.estimate != null) {
            EstimatedPerformance estimate = EstimatedPerformanceWindows.heapify(w.estimate);
            estimates = estimate.estimates();
            for (Map.Entry<String, Estimate> e : estimates.entrySet()) {
                PerformanceMetricRow r =
                        row(
                                w,
                                start,
                                e.getKey(),
                                true,
                                value(e.getValue()),
                                e.getValue(),
                                now,
                                labeled);
                r.sampleCount = estimate.predictions();
                out.collect(r);
                if (e.getKey().startsWith("roc_auc")) {
                    PerformanceMetricRow bound =
                            row(
                                    w,
                                    start,
                                    e.getKey() + ERROR_BOUND,
                                    true,
                                    e.getValue() == null ? null : e.getValue().errorBound(),
                                    null,
                                    now,
                                    labeled);
                    bound.sampleCount = estimate.predictions();
                    out.collect(bound);
                }
            }
        }

        boolean covered =
                w.predictions > 0 && (double) labeled / w.predictions >= rules.minCoverage();
        Map<String, Estimate> errors = covered ? estimationErrors(w, metrics, labeled) : Map.of();
        for (Map.Entry<String, Estimate> e : errors.entrySet()) {
            out.collect(
                    row(
                            w,
                            start,
                            e.getKey() + EstimationErrorRule.SUFFIX,
                            false,
                            e.getValue().value(),
                            e.getValue(),
                            now,
                            labeled));
        }

        Map<String, Double> reference = null;
        if (covered) {
            for (PerformanceRule rule : rules.realised()) {
                Double value = metrics.get(rule.metric());
                if (value == null) {
                    continue;
                }
                reference = reference != null ? reference : referencePerformance(w, ctx);
                Double observed = rule.observed(value, reference);
                if (observed != null) {
                    observe(
                                    w,
                                    start,
                                    rule.alertname(),
                                    rule.metric(),
                                    rule.toString(),
                                    rule.severity(),
                                    ctx)
                            .set(value, rule.threshold(), rule.breached(observed));
                }
            }
            for (EstimationErrorRule rule : rules.estimationError()) {
                Estimate error = errors.get(rule.metric());
                if (error != null) {
                    Observation o =
                            observe(
                                    w,
                                    start,
                                    EstimationErrorRule.ALERT,
                                    rule.errorMetric(),
                                    rule.toString(),
                                    rule.severity(),
                                    ctx);
                    o.observation.fireAfter = rules.errorWindows();
                    o.set(
                            error.value(),
                            rule.limit(error.standardError()),
                            rule.breached(error.value(), error.standardError()));
                }
            }
        } else if (w.closedBy != null) {
            for (PerformanceRule rule : rules.estimated()) {
                Estimate estimate = estimates.get(rule.metric());
                if (estimate == null) {
                    continue;
                }
                reference = reference != null ? reference : referencePerformance(w, ctx);
                Double observed =
                        rule.observed(
                                rule.guarded(
                                        estimate.value(), estimate.standardError(), rules.guardZ()),
                                reference);
                if (observed != null) {
                    observe(
                                    w,
                                    start,
                                    rule.estimatedAlertname(),
                                    rule.metric(),
                                    rule.toString(),
                                    rule.severity(),
                                    ctx)
                            .set(estimate.value(), rule.threshold(), rule.breached(observed));
                }
            }
        }
    }

    /**
     * Per metric that both have: realised - estimate of the same labelled predictions, with that
     * estimate's standard error; empty unless every labelled prediction is in that estimate.
     */
    private static Map<String, Estimate> estimationErrors(
            PerformanceWindowState w, Map<String, Double> realised, long labeled) {
        if (w.labelledEstimate == null) {
            return Map.of();
        }
        EstimatedPerformance labelled = EstimatedPerformanceWindows.heapify(w.labelledEstimate);
        if (labelled.predictions() != labeled) {
            return Map.of();
        }
        Map<String, Estimate> errors = new LinkedHashMap<>();
        for (Map.Entry<String, Estimate> e : labelled.estimates().entrySet()) {
            Double value = realised.get(e.getKey());
            if (value != null && e.getValue() != null) {
                errors.put(
                        e.getKey(),
                        new Estimate(
                                value - e.getValue().value(),
                                e.getValue().standardError(),
                                e.getValue().errorBound()));
            }
        }
        return errors;
    }

    private static Double value(Estimate e) {
        return e == null ? null : e.value();
    }

    private PerformanceMetricRow row(
            PerformanceWindowState w,
            long start,
            String metric,
            boolean estimated,
            Double value,
            Estimate estimate,
            long now,
            long labeled) {
        PerformanceMetricRow r = new PerformanceMetricRow();
        r.modelName = w.modelName;
        r.modelVersion = w.modelVersion;
        r.segment = w.segment;
        r.metric = metric;
        r.estimated = estimated;
        r.windowStart = start;
        r.windowEnd = windows.end(start);
        r.value = value == null ? Double.NaN : value;
        r.standardError = estimate == null ? Double.NaN : estimate.standardError();
        r.sampleCount = w.predictions;
        r.labeledCount = labeled;
        r.computedAt = now;
        r.closedBy = w.closedBy;
        return r;
    }

    /** An alert observation of one series for the window, sent once {@link Observation#set}. */
    private final class Observation {
        final AlertObservation observation = new AlertObservation();
        final ReadOnlyContext ctx;

        Observation(ReadOnlyContext ctx) {
            this.ctx = ctx;
        }

        void set(double value, double threshold, boolean breached) {
            observation.value = value;
            observation.threshold = threshold;
            observation.breached = breached;
            ctx.output(ALERT_OBSERVATIONS, observation);
        }
    }

    private Observation observe(
            PerformanceWindowState w,
            long start,
            String alertname,
            String metric,
            String rule,
            String severity,
            ReadOnlyContext ctx) {
        Observation o = new Observation(ctx);
        AlertObservation a = o.observation;
        a.alertname = alertname;
        a.severity = severity;
        a.modelName = w.modelName;
        a.modelVersion = w.modelVersion;
        a.segment = w.segment;
        a.feature = "";
        a.metric = metric;
        a.seriesKey = CompositeKey.of(alertname, w.modelName, w.modelVersion, w.segment, rule);
        a.windowStart = start;
        a.windowEnd = windows.end(start);
        return o;
    }

    private Map<String, Double> referencePerformance(PerformanceWindowState w, ReadOnlyContext ctx)
            throws Exception {
        return reference(w.modelName, w.modelVersion, ctx).performance();
    }

    private static final ModelReference NONE = new ModelReference(Map.of(), null);

    /** The model version's latest reference profile as the windows use it. */
    private ModelReference reference(String model, String version, ReadOnlyContext ctx)
            throws Exception {
        String modelKey = PredictionEvent.modelKey(model, version);
        String json = ctx.getBroadcastState(REFERENCES).get(modelKey);
        if (json != null) {
            ParsedReference parsed = parsedReferences.get(modelKey);
            if (parsed == null || !parsed.json().equals(json)) {
                parsed = new ParsedReference(json, parse(json));
                parsedReferences.put(modelKey, parsed);
            }
            return parsed.reference();
        }
        return initial.getOrDefault(modelKey, NONE);
    }
}
