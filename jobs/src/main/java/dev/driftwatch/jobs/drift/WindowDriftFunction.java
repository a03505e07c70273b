package dev.driftwatch.jobs.drift;

import dev.driftwatch.core.DriftCoreException;
import dev.driftwatch.core.drift.DriftDecision;
import dev.driftwatch.core.drift.DriftDetector;
import dev.driftwatch.core.drift.DriftPolicies;
import dev.driftwatch.core.drift.DriftReport;
import dev.driftwatch.core.drift.FeatureMetrics;
import dev.driftwatch.core.drift.ProfileComparison;
import dev.driftwatch.core.drift.Statistic;
import dev.driftwatch.core.drift.WindowDistribution;
import dev.driftwatch.core.event.PredictionEvent;
import dev.driftwatch.core.profile.WindowProfile;
import dev.driftwatch.jobs.records.DriftMetricRow;
import dev.driftwatch.jobs.records.PartialWindow;
import dev.driftwatch.jobs.records.ReferenceUpdate;
import dev.driftwatch.jobs.records.WindowState;
import dev.driftwatch.jobs.shared.QuietKeyRule;
import dev.driftwatch.jobs.shared.WindowSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Merges pre-aggregated slices into each (model, version, segment) window, and when the watermark
 * passes the window's end — or the {@link QuietKeyRule} closes the window of a quiet key — compares
 * it with its reference profile and emits every metric of every feature, plus model-level rows, as
 * {@link DriftMetricRow}s marked with how the window was closed. A slice arriving after that
 * (within the allowed lateness) updates the window and re-emits its rows, which the sink upserts.
 * State is cleared once the watermark passes the end of the allowed lateness.
 *
 * <p>Per-model metrics (group {@code model} = name, {@code version} = version) exist for the first
 * {@code maxModels} model versions a subtask sees; later ones share the group {@code model} =
 * {@value #UNTRACKED_MODELS}, and their events are counted in {@code untrackedModelEvents}, so
 * hostile or runaway model names cannot register metrics without bound.
 */
public class WindowDriftFunction
        extends KeyedBroadcastProcessFunction<
                String, PartialWindow, ReferenceUpdate, DriftMetricRow> {

    /**
     * Reference profile JSON by reference id (broadcast state): the current profile of each model
     * version, the one before it, and those pinned by open windows (see {@link
     * #processBroadcastElement}).
     */
    public static final MapStateDescriptor<String, String> REFERENCES =
            new MapStateDescriptor<>("reference-profiles-by-id", Types.STRING, Types.STRING);

    /** The current reference id by model key (broadcast state). */
    public static final MapStateDescriptor<String, String> CURRENT_REFERENCES =
            new MapStateDescriptor<>("current-reference-by-model", Types.STRING, Types.STRING);

    /** The broadcast states of this function, for its operator. */
    public static final List<MapStateDescriptor<?, ?>> BROADCAST_STATES =
            List.of(REFERENCES, CURRENT_REFERENCES);

    private static final MapStateDescriptor<Long, WindowState> WINDOWS =
            new MapStateDescriptor<>("windows", Types.LONG, Types.POJO(WindowState.class));

    /** Model-level metric names (feature ""). */
    public static final String DRIFT_SHARE = "drift_share";

    /** The metric group of model versions beyond the tracked ones. */
    public static final String UNTRACKED_MODELS = "_other";

    public static final String EVENT_COUNT = "event_count";
    public static final String LATE_EVENTS = "late_events";
    public static final String INVALID_EVENTS = "invalid_events";
    public static final String NO_REFERENCE_EVENTS = "no_reference_events";
    public static final String REFERENCE_MISMATCH_EVENTS = "reference_mismatch_events";

    private final WindowSpec windows;
    private final DriftPolicies policies;
    private final Map<String, String> initialReferences;
    private final QuietKeyRule quietKeys;
    private final int maxModels;
    private final boolean modelMetrics;
    private transient MapState<Long, WindowState> state;
    private transient org.apache.flink.metrics.Counter closedByTimeout;
    private transient ReferenceCache cache;
    private transient Map<String, double[]> lastMaxPsi;
    private transient Map<String, org.apache.flink.metrics.Counter[]> modelCounters;
    private transient org.apache.flink.metrics.Counter[] untrackedModelCounters;
    private transient org.apache.flink.metrics.Counter untrackedModelEvents;

    public WindowDriftFunction(WindowSpec windows, DriftPolicies policies) {
        this(windows, policies, List.of(), QuietKeyRule.off());
    }

    /**
     * @param initialReferences profiles from files, known before any broadcast arrives
     * @param quietKeys when windows of quiet keys close without the watermark
     */
    public WindowDriftFunction(
            WindowSpec windows,
            DriftPolicies policies,
            List<ReferenceUpdate> initialReferences,
            QuietKeyRule quietKeys) {
        this(
                windows,
                policies,
                initialReferences,
                quietKeys,
                dev.driftwatch.jobs.shared.SharedJobOptions.MAX_MODELS.defaultValue());
    }

    /**
     * @param maxModels model versions with metric groups of their own (see the class comment)
     */
    public WindowDriftFunction(
            WindowSpec windows,
            DriftPolicies policies,
            List<ReferenceUpdate> initialReferences,
            QuietKeyRule quietKeys,
            int maxModels) {
        this(windows, policies, initialReferences, quietKeys, maxModels, true);
    }

    private WindowDriftFunction(
            WindowSpec windows,
            DriftPolicies policies,
            List<ReferenceUpdate> initialReferences,
            QuietKeyRule quietKeys,
            int maxModels,
            boolean modelMetrics) {
        this.modelMetrics = modelMetrics;
        this.maxModels = maxModels;
        this.windows = windows;
        this.policies = policies;
        this.quietKeys = quietKeys;
        Map<String, String> byId = new HashMap<>();
        for (ReferenceUpdate u : initialReferences) {
            byId.put(u.referenceId, u.json);
        }
        this.initialReferences = byId;
    }

    /**
     * The function of a coarser resolution: it takes the same slices as the base window's function
     * and merges each into the coarser window ({@code windows}, tumbling, a multiple of the base
     * window) that holds the slice's base window, so the coarser window's profile is that of all
     * its events, exactly as if it had been pre-aggregated whole. It registers no per-model metrics
     * (the base function counts the events once).
     */
    public static WindowDriftFunction coarser(
            WindowSpec windows,
            DriftPolicies policies,
            List<ReferenceUpdate> initialReferences,
            QuietKeyRule quietKeys) {
        return new WindowDriftFunction(windows, policies, initialReferences, quietKeys, 0, false);
    }

    @Override
    public void open(OpenContext openContext) {
        state = getRuntimeContext().getMapState(WINDOWS);
        cache = new ReferenceCache();
        lastMaxPsi = new HashMap<>();
        modelCounters = new HashMap<>();
        closedByTimeout = getRuntimeContext().getMetricGroup().counter("windowsClosedByTimeout");
        untrackedModelEvents = getRuntimeContext().getMetricGroup().counter("untrackedModelEvents");
    }

    @Override
    public void processElement(
            PartialWindow slice, ReadOnlyContext ctx, Collector<DriftMetricRow> out)
            throws Exception {
        long now = ctx.timerService().currentProcessingTime();
        // the window holding the slice's: the slice's own for the base function, the coarser one
        // holding it for a coarser resolution
        long start = windows.lastStart(slice.windowStart);
        WindowState ws = state.get(start);
        if (ws == null) {
            ws = new WindowState();
            ws.modelName = slice.modelName;
            ws.modelVersion = slice.modelVersion;
            ws.segment = slice.segment;
            ctx.timerService().registerEventTimeTimer(windows.end(start) - 1);
            ctx.timerService().registerEventTimeTimer(windows.cleanupTime(start));
            if (ctx.timerService().currentWatermark() >= windows.end(start) - 1) {
                // event time is past the window already (another input moved it while the one
                // this slice came from was idle): its rows are written at once, as a late update
                ws.fired = true;
                ws.closedBy = QuietKeyRule.BY_WATERMARK;
            } else if (quietKeys.enabled()) {
                ctx.timerService()
                        .registerProcessingTimeTimer(
                                quietKeys.checkTime(Math.max(now, windows.end(start))));
            }
        }
        if (quietKeys.enabled() && !ws.fired) {
            ctx.timerService().registerProcessingTimeTimer(quietKeys.checkTime(now));
        }
        ws.lastArrival = now;
        if (modelMetrics) {
            countPerModel(slice);
        }
        ws.events += slice.events;
        // after the rows were written every event is late (for a window closed by timeout, the
        // watermark has not reached it: the slice does not know); before, the slice's late events
        // are late for this window when their base window ends with it
        ws.lateEvents +=
                ws.fired
                        ? slice.events
                        : modelMetrics || slice.windowEnd == windows.end(start)
                                ? slice.lateEvents
                                : 0;
        ws.noReferenceEvents += slice.noReferenceEvents;
        ws.invalidEvents += slice.invalidEvents;
        if (slice.profile != null) {
            if (ws.profile == null) {
                ws.profile = slice.profile;
                ws.referenceId = slice.referenceId;
            } else {
                try {
                    // with its reference, a window can outgrow its exact form onto the grid
                    ReferenceCache.Entry reference = referenceOf(ws.referenceId, ctx);
                    WindowProfile merged =
                            reference == null
                                    ? WindowProfile.heapify(ws.profile)
                                    : WindowProfile.heapify(ws.profile, reference.profile());
                    merged.merge(WindowProfile.heapify(slice.profile));
                    ws.profile = merged.toByteArray();
                } catch (DriftCoreException e) {
                    ws.referenceMismatchEvents += slice.events - slice.noReferenceEvents;
                }
            }
        }
        state.put(start, ws);
        if (ws.fired) {
            emit(start, ws, ctx, out);
        }
    }

    /**
     * Stores a reference profile and drops the model version's older ones that nothing needs: kept
     * are the new (current) profile, the one it replaces (slices binned against it may still be on
     * their way from the pre-aggregation, which pins a window's profile when it first sees the
     * window) and every profile an open window of this subtask is pinned to. So the state holds at
     * most two profiles per model version plus the pinned ones, however often profiles are
     * re-published.
     */
    @Override
    public void processBroadcastElement(
            ReferenceUpdate update, Context ctx, Collector<DriftMetricRow> out) throws Exception {
        BroadcastState<String, String> refs = ctx.getBroadcastState(REFERENCES);
        BroadcastState<String, String> current = ctx.getBroadcastState(CURRENT_REFERENCES);
        refs.put(update.referenceId, update.json);
        String previous = current.get(update.modelKey);
        if (update.referenceId.equals(previous)) {
            return;
        }
        current.put(update.modelKey, update.referenceId);
        String prefix = update.modelKey + "@"; // model keys are prefix-free: no other model's ids
        List<String> retired = new ArrayList<>();
        for (Map.Entry<String, String> e : refs.entries()) {
            String id = e.getKey();
            if (id.startsWith(prefix) && !id.equals(update.referenceId) && !id.equals(previous)) {
                retired.add(id);
            }
        }
        if (retired.isEmpty()) {
            return;
        }
        java.util.Set<String> pinned = new java.util.HashSet<>();
        ctx.applyToKeyedState(
                WINDOWS,
                (key, windowsOfKey) -> {
                    for (WindowState ws : windowsOfKey.values()) {
                        if (ws.referenceId != null) {
                            pinned.add(ws.referenceId);
                        }
                    }
                });
        for (String id : retired) {
            if (!pinned.contains(id)) {
                refs.remove(id);
                cache.remove(id);
            }
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<DriftMetricRow> out)
            throws Exception {
        List<Long> starts = new ArrayList<>();
        long lastArrival = Long.MIN_VALUE;
        for (Map.Entry<Long, WindowState> e : state.entries()) {
            starts.add(e.getKey());
            lastArrival = Math.max(lastArrival, e.getValue().lastArrival);
        }
        boolean processingTime = ctx.timeDomain() == TimeDomain.PROCESSING_TIME;
        for (long start : starts) {
            WindowState ws = state.get(start);
            if (processingTime) {
                if (!ws.fired && quietKeys.closes(windows.end(start), lastArrival, timestamp)) {
                    close(start, ws, QuietKeyRule.BY_TIMEOUT, ctx, out);
                    closedByTimeout.inc();
                }
                continue;
            }
            if (windows.end(start) - 1 == timestamp && !ws.fired) {
                close(start, ws, QuietKeyRule.BY_WATERMARK, ctx, out);
            }
            if (windows.cleanupTime(start) == timestamp) {
                state.remove(start);
            }
        }
    }

    private void close(
            long start,
            WindowState ws,
            String closedBy,
            OnTimerContext ctx,
            Collector<DriftMetricRow> out)
            throws Exception {
        ws.fired = true;
        ws.closedBy = closedBy;
        state.put(start, ws);
        emit(start, ws, ctx, out);
    }

    /** The reference profile of that id (broadcast or given at start), or null. */
    private ReferenceCache.Entry referenceOf(String referenceId, ReadOnlyContext ctx)
            throws Exception {
        if (referenceId == null) {
            return null;
        }
        String json = ctx.getBroadcastState(REFERENCES).get(referenceId);
        if (json == null) {
            json = initialReferences.get(referenceId);
        }
        return json == null ? null : cache.get(referenceId, json);
    }

    private void emit(
            long start, WindowState ws, ReadOnlyContext ctx, Collector<DriftMetricRow> out)
            throws Exception {
        long now = ctx.currentProcessingTime();
        double driftShare = Double.NaN;
        boolean datasetDrift = false;
        long sampleCount = ws.events - ws.noReferenceEvents - ws.referenceMismatchEvents;
        long referenceCount = 0;
        ReadOnlyBroadcastState<String, String> refs = ctx.getBroadcastState(REFERENCES);
        String json = null;
        if (ws.referenceId != null) {
            json = refs.get(ws.referenceId);
            if (json == null) {
                json = initialReferences.get(ws.referenceId);
            }
        }
        if (json != null && ws.profile != null) {
            ReferenceCache.Entry reference = cache.get(ws.referenceId, json);
            WindowProfile window = WindowProfile.heapify(ws.profile);
            List<FeatureMetrics> metrics = ProfileComparison.compare(reference.profile(), window);
            DriftReport report = DriftDetector.evaluate(metrics, policies);
            double maxPsi = Double.NaN;
            for (DriftReport.FeatureDrift fd : report.features()) {
                FeatureMetrics m = fd.metrics();
                referenceCount = Math.max(referenceCount, m.referenceRows());
                DriftDecision d = fd.decision();
                for (Statistic s : Statistic.forType(m.type())) {
                    Double value = m.value(s);
                    DriftMetricRow row = row(ws, start, m.feature(), s.metric(), now);
                    row.value = value == null ? Double.NaN : value;
                    Double p = m.pValue(s); // a test's p-value goes beside its statistic
                    row.pValue = p == null ? Double.NaN : p;
                    row.sampleCount = m.currentCount();
                    row.referenceCount = m.referenceCount();
                    if (s == d.method().statistic()) {
                        row.decisive = true;
                        row.threshold = d.threshold();
                        row.driftDetected = d.detected();
                        row.severity = d.severity();
                    }
                    if (s == Statistic.PSI && value != null) {
                        maxPsi = Double.isNaN(maxPsi) ? value : Math.max(maxPsi, value);
                    }
                    if (s == Statistic.PSI) {
                        row.distribution = distribution(reference, window, m.feature());
                    }
                    out.collect(row);
                }
            }
            driftShare = report.driftShare();
            datasetDrift = report.datasetDrift();
            recordMaxPsi(PredictionEvent.modelKey(ws.modelName, ws.modelVersion), maxPsi);
        }
        DriftMetricRow share = row(ws, start, "", DRIFT_SHARE, now);
        share.value = driftShare;
        share.threshold = policies.datasetDriftShare();
        share.driftDetected = datasetDrift;
        share.sampleCount = sampleCount;
        share.referenceCount = referenceCount;
        out.collect(share);
        long[] counts = {
            ws.events,
            ws.lateEvents,
            ws.invalidEvents,
            ws.noReferenceEvents,
            ws.referenceMismatchEvents
        };
        String[] names = {
            EVENT_COUNT, LATE_EVENTS, INVALID_EVENTS, NO_REFERENCE_EVENTS, REFERENCE_MISMATCH_EVENTS
        };
        for (int i = 0; i < counts.length; i++) {
            DriftMetricRow r = row(ws, start, "", names[i], now);
            r.value = counts[i];
            r.sampleCount = sampleCount;
            out.collect(r);
        }
    }

    /** The feature's distribution in the window against the reference's, as JSON; or null. */
    private static String distribution(
            ReferenceCache.Entry reference, WindowProfile window, String feature) {
        // a window has its reference's features in the reference's order
        Integer i = reference.featureIndex().get(feature);
        if (i == null || i >= window.featureCount() || !window.featureName(i).equals(feature)) {
            return null;
        }
        WindowDistribution d =
                WindowDistribution.of(reference.profile().feature(feature), window.feature(i));
        return d == null ? null : d.toJson();
    }

    /** Per-model counters in the web UI: events in, late events, invalid records, no reference. */
    private void countPerModel(PartialWindow slice) {
        String modelKey = PredictionEvent.modelKey(slice.modelName, slice.modelVersion);
        org.apache.flink.metrics.Counter[] c = modelCounters.get(modelKey);
        if (c == null && modelCounters.size() < maxModels) {
            var group = modelGroup(slice.modelName, slice.modelVersion);
            c = counters(group);
            modelCounters.put(modelKey, c);
            double[] maxPsi = {Double.NaN};
            lastMaxPsi.put(modelKey, maxPsi);
            group.gauge("lastWindowMaxPsi", () -> maxPsi[0]);
        } else if (c == null) {
            if (untrackedModelCounters == null) {
                untrackedModelCounters =
                        counters(
                                getRuntimeContext()
                                        .getMetricGroup()
                                        .addGroup("model", UNTRACKED_MODELS));
            }
            c = untrackedModelCounters;
            untrackedModelEvents.inc(slice.events + slice.invalidEvents);
        }
        c[0].inc(slice.events);
        c[1].inc(slice.lateEvents);
        c[2].inc(slice.invalidEvents);
        c[3].inc(slice.noReferenceEvents);
    }

    private static org.apache.flink.metrics.Counter[] counters(
            org.apache.flink.metrics.MetricGroup group) {
        return new org.apache.flink.metrics.Counter[] {
            group.counter("eventsIn"),
            group.counter("lateEvents"),
            group.counter("invalidEvents"),
            group.counter("noReferenceEvents")
        };
    }

    private org.apache.flink.metrics.MetricGroup modelGroup(String name, String version) {
        return getRuntimeContext()
                .getMetricGroup()
                .addGroup("model", name)
                .addGroup("version", version);
    }

    /** Sets the gauge of a tracked model version (untracked ones have none). */
    private void recordMaxPsi(String modelKey, double maxPsi) {
        double[] holder = lastMaxPsi.get(modelKey);
        if (holder != null) {
            holder[0] = maxPsi;
        }
    }

    /** A row of the window with every value undefined. */
    private DriftMetricRow row(
            WindowState ws, long start, String feature, String metric, long now) {
        DriftMetricRow r = new DriftMetricRow();
        r.modelName = ws.modelName;
        r.modelVersion = ws.modelVersion;
        r.segment = ws.segment;
        r.feature = feature;
        r.metric = metric;
        r.windowStart = start;
        r.windowEnd = windows.end(start);
        r.value = Double.NaN;
        r.pValue = Double.NaN;
        r.threshold = Double.NaN;
        r.computedAt = now;
        r.closedBy = ws.closedBy;
        r.severity = DriftDecision.NONE;
        return r;
    }
}
