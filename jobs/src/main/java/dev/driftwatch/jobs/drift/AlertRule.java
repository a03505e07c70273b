package dev.driftwatch.jobs.drift;

import dev.driftwatch.core.alert.AlertName;
import dev.driftwatch.core.alert.Severity;
import java.io.Serializable;
import java.util.Locale;

/**
 * A threshold rule on any metric, {@code METRIC>=THRESHOLD:SEVERITY} (e.g. {@code
 * missing_rate>=0.2:warning}); such alerts are named {@code MetricThreshold}. Feature drift
 * decisions always alert as {@code FeatureDrift}, with the decision's severity.
 */
public record AlertRule(String metric, double threshold, String severity) implements Serializable {
    public static final String FEATURE_DRIFT = AlertName.FEATURE_DRIFT.label();
    public static final String METRIC_THRESHOLD = AlertName.METRIC_THRESHOLD.label();

    /** Parses {@code METRIC>=THRESHOLD:SEVERITY}; severity is critical, error, warning or info. */
    public static AlertRule parse(String text) {
        String usage = "alert rule must look like METRIC>=THRESHOLD:SEVERITY, was '" + text + "'";
        int ge = text.indexOf(">=");
        int colon = text.lastIndexOf(':');
        if (ge <= 0 || colon < ge + 2) {
            throw new IllegalArgumentException(usage);
        }
        String metric = text.substring(0, ge).strip();
        double threshold;
        try {
            threshold = Double.parseDouble(text.substring(ge + 2, colon).strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(usage);
        }
        String severity = text.substring(colon + 1).strip().toLowerCase(Locale.ROOT);
        if (!Severity.isLabel(severity)) {
            throw new IllegalArgumentException(
                    "alert rule severity must be critical, error, warning or info, was '"
                            + severity
                            + "'");
        }
        return new AlertRule(metric, threshold, severity);
    }
}
