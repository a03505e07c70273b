package dev.driftwatch.jobs.shared;

import dev.driftwatch.core.alert.Alert;
import dev.driftwatch.core.alert.AlertLabels;
import dev.driftwatch.core.alert.AlertName;
import dev.driftwatch.jobs.records.AlertObservation;
import dev.driftwatch.jobs.records.AlertState;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Alert persistence per series: fires after {@code fireAfter} consecutive breached windows (or the
 * observation's own {@link AlertObservation#fireAfter}), resolves after {@code resolveAfter}
 * consecutive clean ones, and emits Alertmanager-shaped {@link Alert} JSON on those transitions
 * only. A window seen again (re-emitted after late events) does not count twice. A firing alert
 * whose series stops reporting (a retired model version, a feature no longer sent) resolves once
 * the watermark is {@code staleAfter} past its last window's end. Series state expires after the
 * state TTL.
 */
public class AlertFunction extends KeyedProcessFunction<String, AlertObservation, String> {
    private final int fireAfter;
    private final int resolveAfter;
    private final Duration stateTtl;
    private final String runbookUrl;
    private final String generatorUrl;
    private final long staleAfterMs;
    private transient ValueState<AlertState> state;

    public AlertFunction(
            int fireAfter,
            int resolveAfter,
            Duration stateTtl,
            String runbookUrl,
            String generatorUrl) {
        this(fireAfter, resolveAfter, stateTtl, runbookUrl, generatorUrl, Duration.ZERO);
    }

    /**
     * @param staleAfter resolve a firing alert this long after its series' last window (0: never)
     */
    public AlertFunction(
            int fireAfter,
            int resolveAfter,
            Duration stateTtl,
            String runbookUrl,
            String generatorUrl,
            Duration staleAfter) {
        if (fireAfter < 1 || resolveAfter < 1) {
            throw new IllegalArgumentException("alert fire-after and resolve-after must be >= 1");
        }
        this.fireAfter = fireAfter;
        this.resolveAfter = resolveAfter;
        this.stateTtl = stateTtl;
        this.runbookUrl = runbookUrl;
        this.generatorUrl = generatorUrl;
        this.staleAfterMs = staleAfter.toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        ValueStateDescriptor<AlertState> d =
                new ValueStateDescriptor<>("alert", Types.POJO(AlertState.class));
        d.enableTimeToLive(StateTtlConfig.newBuilder(stateTtl).build());
        state = getRuntimeContext().getState(d);
    }

    @Override
    public void processElement(AlertObservation o, Context ctx, Collector<String> out)
            throws Exception {
        AlertState s = state.value();
        if (s == null) {
            s = new AlertState();
        }
        if (o.windowStart <= s.lastWindowStart) {
            return;
        }
        s.lastWindowStart = o.windowStart;
        s.lastWindowEnd = o.windowEnd;
        s.last = o;
        if (o.breached) {
            s.consecutiveBreached++;
            s.consecutiveClean = 0;
        } else {
            s.consecutiveClean++;
            s.consecutiveBreached = 0;
        }
        int needed = o.fireAfter > 0 ? o.fireAfter : fireAfter;
        if (!s.firing && s.consecutiveBreached >= needed) {
            s.firing = true;
            s.startsAt = o.windowEnd;
            s.severity = o.severity;
            out.collect(
                    Alert.firing(
                                    labels(o, s.severity),
                                    annotations(o, true),
                                    Instant.ofEpochMilli(o.windowEnd),
                                    generatorUrl)
                            .toJson());
        } else if (s.firing && s.consecutiveClean >= resolveAfter) {
            s.firing = false;
            Alert resolved =
                    new Alert(
                            Alert.RESOLVED,
                            labels(o, s.severity),
                            annotations(o, false),
                            Instant.ofEpochMilli(s.startsAt),
                            Instant.ofEpochMilli(o.windowEnd),
                            generatorUrl,
                            null);
            out.collect(resolved.toJson());
        }
        if (s.firing && staleAfterMs > 0) {
            ctx.timerService().registerEventTimeTimer(o.windowEnd + staleAfterMs);
        }
        state.update(s);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<String> out)
            throws Exception {
        AlertState s = state.value();
        if (s == null || !s.firing || timestamp < s.lastWindowEnd + staleAfterMs) {
            return; // resolved meanwhile, or newer windows came
        }
        AlertObservation o = s.last;
        Map<String, String> annotations = annotations(o, false);
        annotations.put(
                AlertLabels.DESCRIPTION,
                "No data for this series since "
                        + Instant.ofEpochMilli(s.lastWindowEnd)
                        + " (model version retired or feature no longer sent); resolved.");
        out.collect(
                new Alert(
                                Alert.RESOLVED,
                                labels(o, s.severity),
                                annotations,
                                Instant.ofEpochMilli(s.startsAt),
                                Instant.ofEpochMilli(timestamp),
                                generatorUrl,
                                null)
                        .toJson());
        s.firing = false;
        s.consecutiveBreached = 0;
        state.update(s);
    }

    /** How a summary names the alert. */
    private static String kind(String alertname) {
        AlertName name = AlertName.of(alertname);
        return name == null ? alertname : name.summaryName();
    }

    private static Map<String, String> labels(AlertObservation o, String severity) {
        Map<String, String> l = new LinkedHashMap<>();
        l.put(AlertLabels.ALERTNAME, o.alertname);
        l.put(AlertLabels.SEVERITY, severity);
        l.put(AlertLabels.MODEL_NAME, o.modelName);
        l.put(AlertLabels.MODEL_VERSION, o.modelVersion);
        l.put(AlertLabels.METRIC, o.metric);
        l.put(AlertLabels.FEATURE, o.feature);
        l.put(AlertLabels.SEGMENT, o.segment);
        return l;
    }

    private Map<String, String> annotations(AlertObservation o, boolean firing) {
        Map<String, String> a = new LinkedHashMap<>();
        String what = o.feature.isEmpty() ? "model " + o.modelName : "feature " + o.feature;
        a.put(
                AlertLabels.SUMMARY,
                String.format(
                        Locale.ROOT,
                        "%s %s of %s v%s: %s %.4g (threshold %.4g)",
                        kind(o.alertname),
                        firing ? "detected" : "resolved",
                        what,
                        o.modelVersion,
                        o.metric,
                        o.value,
                        o.threshold));
        a.put(
                AlertLabels.DESCRIPTION,
                String.format(
                        Locale.ROOT,
                        "%s=%s in window [%s, %s) for model %s version %s%s.",
                        o.metric,
                        o.value,
                        Instant.ofEpochMilli(o.windowStart),
                        Instant.ofEpochMilli(o.windowEnd),
                        o.modelName,
                        o.modelVersion,
                        o.segment.isEmpty() ? "" : " segment " + o.segment));
        a.put(AlertLabels.RUNBOOK_URL, runbookUrl);
        a.put(AlertLabels.VALUE, Double.toString(o.value));
        a.put(AlertLabels.THRESHOLD, Double.toString(o.threshold));
        a.put(AlertLabels.WINDOW_START, Instant.ofEpochMilli(o.windowStart).toString());
        a.put(AlertLabels.WINDOW_END, Instant.ofEpochMilli(o.windowEnd).toString());
        return a;
    }
}
