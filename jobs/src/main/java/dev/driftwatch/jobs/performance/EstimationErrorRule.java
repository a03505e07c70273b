package dev.driftwatch.jobs.performance;

import dev.driftwatch.core.alert.AlertName;
import dev.driftwatch.core.alert.Severity;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * An alert rule on the estimation error of a metric, {@code accuracy>3:warning}: a window breaches
 * it when |realised - estimated| exceeds 3 standard errors of the estimate (of the labelled
 * predictions), i.e. when the estimator's assumptions (calibrated scores, no concept drift) no
 * longer hold for the model (alert {@code EstimationError}).
 */
public record EstimationErrorRule(String metric, double standardErrors, String severity)
        implements Serializable {
    public static final String ALERT = AlertName.ESTIMATION_ERROR.label();

    /** The suffix of estimation error rows: {@code accuracy_estimation_error}. */
    public static final String SUFFIX = "_estimation_error";

    private static final Pattern SYNTAX =
            Pattern.compile(
                    "^([A-Za-z0-9_.]+)>([0-9.eE+]+):("
                            + Arrays.stream(Severity.values())
                                    .map(Severity::label)
                                    .collect(Collectors.joining("|"))
                            + ")$");

    public static EstimationErrorRule parse(String text) {
        Matcher m = SYNTAX.matcher(text.strip().toLowerCase(Locale.ROOT));
        double k = Double.NaN;
        if (m.matches()) {
            try {
                k = Double.parseDouble(m.group(2));
            } catch (NumberFormatException e) {
                k = Double.NaN;
            }
        }
        if (!(k > 0 && k < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException(
                    "estimation error rule must look like METRIC>STANDARD_ERRORS:SEVERITY with a"
                            + " positive number of standard errors, e.g. accuracy>3:warning; was '"
                            + text
                            + "'");
        }
        return new EstimationErrorRule(m.group(1), k, m.group(3));
    }

    /** The row (and alert metric) name of this rule's estimation error. */
    public String errorMetric() {
        return metric + SUFFIX;
    }

    /** The largest error that does not breach, for an estimate with this standard error. */
    public double limit(double standardError) {
        return standardErrors * standardError;
    }

    public boolean breached(double error, double standardError) {
        return Math.abs(error) > limit(standardError);
    }
}
