package dev.driftwatch.jobs;

import dev.driftwatch.core.DriftCoreException;
import dev.driftwatch.core.drift.DriftDecision;
import dev.driftwatch.core.drift.DriftDetector;
import dev.driftwatch.core.drift.DriftPolicies;
import dev.driftwatch.core.drift.DriftReport;
import dev.driftwatch.core.drift.FeatureMetrics;
import dev.driftwatch.core.drift.ProfileComparison;
import dev.driftwatch.core.drift.Statistic;
import dev.driftwatch.core.profile.WindowProfile;
import dev.driftwatch.jobs.model.DriftMetricRow;
import dev.driftwatch.jobs.model.PartialWindow;
import dev.driftwatch.jobs.model.ReferenceUpdate;
import dev.driftwatch.jobs.model.WindowState;
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
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Merges pre-aggregated slices into each (model, version, segment) window, and when the watermark
 * passes the window's end compares it with its reference profile and emits every metric of every
 * feature, plus model-level rows, as {@link DriftMetricRow}s. A late slice (within the allowed
 * lateness) updates the window and re-emits its rows, which the sink upserts. State is cleared at
 * the end of the allowed lateness.
 */
public class WindowDriftFunction
        extends KeyedBroadcastProcessFunction<
                String, PartialWindow, ReferenceUpdate, DriftMetricRow> {

    /** Reference profile JSON by reference id (broadcast state). */
    public static final MapStateDescriptor<String, String> REFERENCES =
            new MapStateDescriptor<>("reference-profiles-by-id", Types.STRING, Types.STRING);

    /** Model-level metric names (feature ""). */
    public static final String DRIFT_SHARE = "drift_share";

    public static final String EVENT_COUNT = "event_count";
    public static final String LATE_EVENTS = "late_events";
    public static final String INVALID_EVENTS = "invalid_events";
    public static final String NO_REFERENCE_EVENTS = "no_reference_events";
    public static final String REFERENCE_MISMATCH_EVENTS = "reference_mismatch_events";

    private final DriftWindows windows;
    private final DriftPolicies policies;
    private final Map<String, String> initialReferences;
    private transient MapState<Long, WindowState> state;
    private transient ReferenceCache cache;
    private transient Map<String, double[]> lastMaxPsi;
    private transient Map<String, org.apache.flink.metrics.Counter[]> modelCounters;

    public WindowDriftFunction(DriftWindows windows, DriftPolicies policies) {
        this(windows, policies, List.of());
    }

    /**
     * @param initialReferences profiles from files, known before any broadcast arrives
     */
    public WindowDriftFunction(
            DriftWindows windows, DriftPolicies policies, List<ReferenceUpdate> initialReferences) {
        this.windows = windows;
        this.policies = policies;
        Map<String, String> byId = new HashMap<>();
        for (ReferenceUpdate u : initialReferences) {
            byId.put(u.referenceId, u.json);
        }
        this.initialReferences = byId;
    }

    @Override
    public void open(OpenContext openContext) {
        state =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "windows", Types.LONG, Types.POJO(WindowState.class)));
        cache = new ReferenceCache();
        lastMaxPsi = new HashMap<>();
        modelCounters = new HashMap<>();
    }

    @Override
    public void processElement(
            PartialWindow slice, ReadOnlyContext ctx, Collector<DriftMetricRow> out)
            throws Exception {
        WindowState ws = state.get(slice.windowStart);
        if (ws == null) {
            ws = new WindowState();
            ws.modelName = slice.modelName;
            ws.modelVersion = slice.modelVersion;
            ws.segment = slice.segment;
            ctx.timerService().registerEventTimeTimer(windows.end(slice.windowStart) - 1);
            ctx.timerService().registerEventTimeTimer(windows.cleanupTime(slice.windowStart));
        }
        countPerModel(slice);
        ws.events += slice.events;
        ws.lateEvents += slice.lateEvents;
        ws.noReferenceEvents += slice.noReferenceEvents;
        ws.invalidEvents += slice.invalidEvents;
        if (slice.profile != null) {
            if (ws.profile == null) {
                ws.profile = slice.profile;
                ws.referenceId = slice.referenceId;
            } else {
                try {
                    WindowProfile merged = WindowProfile.heapify(ws.profile);
                    merged.merge(WindowProfile.heapify(slice.profile));
                    ws.profile = merged.toByteArray();
                } catch (DriftCoreException e) {
                    ws.referenceMismatchEvents += slice.events - slice.noReferenceEvents;
                }
            }
        }
        state.put(slice.windowStart, ws);
        if (ws.fired) {
            emit(slice.windowStart, ws, ctx, out);
        }
    }

    @Override
    public void processBroadcastElement(
            ReferenceUpdate update, Context ctx, Collector<DriftMetricRow> out) throws Exception {
        BroadcastState<String, String> refs = ctx.getBroadcastState(REFERENCES);
        refs.put(update.referenceId, update.json);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<DriftMetricRow> out)
            throws Exception {
        List<Long> starts = new ArrayList<>();
        for (Long start : state.keys()) {
            starts.add(start);
        }
        for (long start : starts) {
            WindowState ws = state.get(start);
            if (windows.end(start) - 1 == timestamp && !ws.fired) {
                ws.fired = true;
                state.put(start, ws);
                emit(start, ws, ctx, out);
            }
            if (windows.cleanupTime(start) == timestamp) {
                state.remove(start);
            }
        }
    }

    private void emit(
            long start, WindowState ws, ReadOnlyContext ctx, Collector<DriftMetricRow> out)
            throws Exception {
        String model = ws.modelName;
        String version = ws.modelVersion;
        String segment = ws.segment;
        long now = System.currentTimeMillis();
        long end = windows.end(start);
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
            List<FeatureMetrics> metrics =
                    ProfileComparison.compare(
                            reference.profile(), WindowProfile.heapify(ws.profile));
            DriftReport report = DriftDetector.evaluate(metrics, policies);
            double maxPsi = Double.NaN;
            for (DriftReport.FeatureDrift fd : report.features()) {
                FeatureMetrics m = fd.metrics();
                referenceCount = Math.max(referenceCount, m.referenceRows());
                DriftDecision d = fd.decision();
                for (Statistic s : Statistic.forType(m.type())) {
                    Double value = m.value(s);
                    DriftMetricRow row =
                            row(model, version, segment, m.feature(), s.metric(), start, end, now);
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
                    out.collect(row);
                }
            }
            driftShare = report.driftShare();
            datasetDrift = report.datasetDrift();
            recordMaxPsi(model + "/" + version, maxPsi);
        }
        DriftMetricRow share = row(model, version, segment, "", DRIFT_SHARE, start, end, now);
        share.value = driftShare;
        share.threshold = policies.datasetDriftShare();
        share.driftDetected = datasetDrift;
        share.sampleCount = sampleCount;
        share.referenceCount = referenceCount;
        out.collect(share);
        emitCount(
                out, model, version, segment, EVENT_COUNT, ws.events, start, end, now, sampleCount);
        emitCount(
                out,
                model,
                version,
                segment,
                LATE_EVENTS,
                ws.lateEvents,
                start,
                end,
                now,
                sampleCount);
        emitCount(
                out,
                model,
                version,
                segment,
                INVALID_EVENTS,
                ws.invalidEvents,
                start,
                end,
                now,
                sampleCount);
        emitCount(
                out,
                model,
                version,
                segment,
                NO_REFERENCE_EVENTS,
                ws.noReferenceEvents,
                start,
                end,
                now,
                sampleCount);
        emitCount(
                out,
                model,
                version,
                segment,
                REFERENCE_MISMATCH_EVENTS,
                ws.referenceMismatchEvents,
                start,
                end,
                now,
                sampleCount);
    }

    /** Per-model counters in the web UI: events in, late events, invalid records, no reference. */
    private void countPerModel(PartialWindow slice) {
        String modelKey = slice.modelName + "/" + slice.modelVersion;
        org.apache.flink.metrics.Counter[] c = modelCounters.get(modelKey);
        if (c == null) {
            var group = getRuntimeContext().getMetricGroup().addGroup("model", modelKey);
            c =
                    new org.apache.flink.metrics.Counter[] {
                        group.counter("eventsIn"),
                        group.counter("lateEvents"),
                        group.counter("invalidEvents"),
                        group.counter("noReferenceEvents")
                    };
            modelCounters.put(modelKey, c);
        }
        c[0].inc(slice.events);
        c[1].inc(slice.lateEvents);
        c[2].inc(slice.invalidEvents);
        c[3].inc(slice.noReferenceEvents);
    }

    private void recordMaxPsi(String modelKey, double maxPsi) {
        double[] holder = lastMaxPsi.get(modelKey);
        if (holder == null) {
            double[] h = new double[] {Double.NaN};
            lastMaxPsi.put(modelKey, h);
            getRuntimeContext()
                    .getMetricGroup()
                    .addGroup("model", modelKey)
                    .gauge("lastWindowMaxPsi", () -> h[0]);
            holder = h;
        }
        holder[0] = maxPsi;
    }

    private static void emitCount(
            Collector<DriftMetricRow> out,
            String model,
            String version,
            String segment,
            String metric,
            long count,
            long start,
            long end,
            long now,
            long sampleCount) {
        DriftMetricRow r = row(model, version, segment, "", metric, start, end, now);
        r.value = count;
        r.sampleCount = sampleCount;
        out.collect(r);
    }

    private static DriftMetricRow row(
            String model,
            String version,
            String segment,
            String feature,
            String metric,
            long start,
            long end,
            long now) {
        DriftMetricRow r = new DriftMetricRow();
        r.modelName = model;
        r.modelVersion = version;
        r.segment = segment;
        r.feature = feature;
        r.metric = metric;
        r.windowStart = start;
        r.windowEnd = end;
        r.value = Double.NaN;
        r.pValue = Double.NaN;
        r.threshold = Double.NaN;
        r.computedAt = now;
        r.severity = DriftDecision.NONE;
        return r;
    }
}
