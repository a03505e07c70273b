package dev.driftwatch.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.driftwatch.core.drift.DriftDecision;
import dev.driftwatch.core.drift.DriftReport;
import dev.driftwatch.core.drift.FeatureMetrics;
import dev.driftwatch.core.drift.MetricNames;
import dev.driftwatch.core.drift.Statistic;
import dev.driftwatch.core.profile.FeatureType;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders a {@link DriftReport} as {@code compare}'s JSON document or as a table for people. */
final class ReportWriter {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ReportWriter() {}

    static String json(DriftReport report) {
        ObjectNode root = MAPPER.createObjectNode();
        ArrayNode features = root.putArray("features");
        for (DriftReport.FeatureDrift fd : report.features()) {
            FeatureMetrics m = fd.metrics();
            ObjectNode f = features.addObject();
            f.put("name", m.feature());
            f.put("type", m.type().configName());
            ObjectNode ref = f.putObject("reference");
            ref.put("rows", m.referenceRows());
            ref.put("missing", m.referenceMissing());
            ObjectNode cur = f.putObject("current");
            cur.put("rows", m.currentRows());
            cur.put("missing", m.currentMissing());
            ObjectNode metrics = f.putObject("metrics");
            for (Map.Entry<String, Double> e : m.metrics().entrySet()) {
                putNumber(metrics, e.getKey(), e.getValue());
            }
            for (Map.Entry<String, List<String>> e : m.categoryLists().entrySet()) {
                ArrayNode list = metrics.putArray(e.getKey());
                e.getValue().forEach(list::add);
            }
            DriftDecision d = fd.decision();
            ObjectNode drift = f.putObject("drift");
            drift.put("detected", d.detected());
            drift.put("rule", d.rule().configName());
            drift.put("method", d.method().configName());
            putNumber(drift, "value", d.value());
            drift.put("threshold", d.threshold());
            drift.put("severity", d.severity());
            if (d.noiseFloor() != null) {
                drift.put("noise_floor", d.noiseFloor());
            }
            if (d.adjustedPValue() != null) {
                drift.put("adjusted_p_value", d.adjustedPValue());
            }
            if (d.guard() != null) {
                drift.put("guard", d.guard());
            }
            if (d.note() != null) {
                drift.put("note", d.note());
            }
        }
        root.put("drifted_features", report.driftedFeatures());
        root.put("drift_share", report.driftShare());
        root.put("dataset_drift", report.datasetDrift());
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void putNumber(ObjectNode node, String key, Double value) {
        if (value == null || !Double.isFinite(value)) {
            node.putNull(key);
        } else {
            node.put(key, value);
        }
    }

    static String text(DriftReport report) {
        StringBuilder sb = new StringBuilder();
        String header =
                String.format(
                        Locale.ROOT,
                        "%-24s %-11s %15s %9s %9s %9s %11s  %s%n",
                        "feature",
                        "type",
                        "rows ref/cur",
                        "psi",
                        "js",
                        "ks|chi2 p",
                        "wasserstein",
                        "drift");
        sb.append(header);
        for (DriftReport.FeatureDrift fd : report.features()) {
            FeatureMetrics m = fd.metrics();
            boolean numeric = m.type() == FeatureType.NUMERIC;
            Double p = null; // the p-value of the feature type's test (KS or chi-square)
            for (Statistic s : Statistic.forType(m.type())) {
                if (s.kind() == Statistic.Kind.TEST) {
                    p = m.pValue(s);
                }
            }
            sb.append(
                    String.format(
                            Locale.ROOT,
                            "%-24s %-11s %15s %9s %9s %9s %11s  %s%n",
                            truncate(m.feature(), 24),
                            m.type().configName(),
                            m.referenceRows() + "/" + m.currentRows(),
                            fmt(m.value(Statistic.PSI)),
                            fmt(m.value(Statistic.JENSEN_SHANNON)),
                            fmtP(p),
                            numeric ? fmt(m.value(Statistic.WASSERSTEIN)) : "-",
                            verdict(fd.decision())));
            if (!numeric) {
                List<String> added = m.categoryLists().get(MetricNames.NEW_CATEGORIES);
                if (added != null && !added.isEmpty()) {
                    sb.append("    new categories: ").append(preview(added)).append('\n');
                }
            }
            Double missing = m.value(Statistic.MISSING_RATE);
            if (missing != null && missing > 0) {
                sb.append(String.format(Locale.ROOT, "    missing rate: %.4f%n", missing));
            }
            if (fd.decision().note() != null) {
                sb.append("    note: ").append(fd.decision().note()).append('\n');
            }
        }
        sb.append(
                String.format(
                        Locale.ROOT,
                        "%nDrifted features: %d of %d (share %.2f). Dataset drift: %s%n",
                        report.driftedFeatures(),
                        report.features().size(),
                        report.driftShare(),
                        report.datasetDrift() ? "yes" : "no"));
        return sb.toString();
    }

    private static String verdict(DriftDecision d) {
        if (!d.detected()) {
            return "no";
        }
        return String.format(
                Locale.ROOT,
                "%s (%s: %s %s, threshold %s)",
                d.severity().toUpperCase(Locale.ROOT),
                d.rule().configName(),
                d.method().configName(),
                d.method().isPValueMethod() ? fmtP(d.value()) : fmt(d.value()),
                fmt(d.threshold()));
    }

    private static String fmt(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.4f", v);
    }

    private static String fmtP(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.3g", v);
    }

    private static String truncate(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 1) + "…";
    }

    private static String preview(List<String> values) {
        int shown = Math.min(values.size(), 10);
        String list = String.join(", ", values.subList(0, shown));
        return values.size() > shown ? list + ", … (" + values.size() + " in all)" : list;
    }
}
