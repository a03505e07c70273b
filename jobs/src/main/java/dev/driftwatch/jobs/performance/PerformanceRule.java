package dev.driftwatch.jobs.performance;

import dev.driftwatch.core.alert.AlertName;
import dev.driftwatch.core.alert.Severity;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * An alert rule on a performance metric:
 *
 * <ul>
 *   <li>a floor or ceiling, {@code roc_auc<0.7:critical} or {@code mae>12:warning} (alert {@code
 *       PerformanceThreshold});
 *   <li>a change relative to the reference value in the model's reference profile, {@code roc_auc
 *       drop>0.05:warning} (alert when (reference - value) / reference > 0.05) or {@code rmse
 *       rise>0.2:warning} (alert when (value - reference) / reference > 0.2) (alert {@code
 *       PerformanceDrop}); it is inactive for models whose profile records no such value.
 * </ul>
 *
 * <p>Applied to an estimate (before labels), the same rule compares {@link #guarded} instead of the
 * value (alerts {@code EstimatedPerformanceThreshold}, {@code EstimatedPerformanceDrop}).
 */
public record PerformanceRule(
        String metric, String relative, char comparison, double threshold, String severity)
        implements Serializable {
    public static final String THRESHOLD_ALERT = AlertName.PERFORMANCE_THRESHOLD.label();
    public static final String DROP_ALERT = AlertName.PERFORMANCE_DROP.label();
    public static final String ESTIMATED_THRESHOLD_ALERT =
            AlertName.ESTIMATED_PERFORMANCE_THRESHOLD.label();
    public static final String ESTIMATED_DROP_ALERT = AlertName.ESTIMATED_PERFORMANCE_DROP.label();

    private static final Pattern SYNTAX =
            Pattern.compile(
                    "^([A-Za-z0-9_.]+)(?: (drop|rise))?([<>])([-+0-9.eE]+):("
                            + Arrays.stream(Severity.values())
                                    .map(Severity::label)
                                    .collect(Collectors.joining("|"))
                            + ")$");

    public static PerformanceRule parse(String text) {
        Matcher m = SYNTAX.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "performance rule must look like METRIC<VALUE:SEVERITY, METRIC>VALUE:SEVERITY or"
                            + " METRIC drop>SHARE:SEVERITY / METRIC rise>SHARE:SEVERITY, was '"
                            + text
                            + "'");
        }
        char cmp = m.group(3).charAt(0);
        if (m.group(2) != null && cmp != '>') {
            throw new IllegalArgumentException(
                    "a relative rule compares with '>', e.g. roc_auc drop>0.05:warning; was '"
                            + text
                            + "'");
        }
        return new PerformanceRule(
                m.group(1), m.group(2), cmp, Double.parseDouble(m.group(4)), m.group(5));
    }

    public String alertname() {
        return relative == null ? THRESHOLD_ALERT : DROP_ALERT;
    }

    /** The alert of this rule applied to an estimate. */
    public String estimatedAlertname() {
        return relative == null ? ESTIMATED_THRESHOLD_ALERT : ESTIMATED_DROP_ALERT;
    }

    /**
     * The estimate moved {@code z} standard errors towards the good side of this rule (up for a
     * floor or a drop, down for a ceiling or a rise): a rule applied to it breaches only when the
     * estimate is past the threshold by more than its sampling error.
     */
    public double guarded(double estimate, double standardError, double z) {
        boolean lowIsBad = relative == null ? comparison == '<' : "drop".equals(relative);
        return lowIsBad ? estimate + z * standardError : estimate - z * standardError;
    }

    /** The number compared with the threshold, or null when the rule cannot apply. */
    public Double observed(double value, Map<String, Double> reference) {
        if (relative == null) {
            return value;
        }
        Double ref = reference.get(metric);
        if (ref == null || ref == 0.0) {
            return null;
        }
        return "drop".equals(relative) ? (ref - value) / ref : (value - ref) / ref;
    }

    public boolean breached(double observed) {
        return comparison == '<' ? observed < threshold : observed > threshold;
    }
}
