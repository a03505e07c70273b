package dev.driftwatch.jobs.performance;

import java.io.Serializable;
import java.util.List;

/**
 * What the performance windows turn into alert observations: rules on the realised metrics (once a
 * window's label coverage reaches {@code minCoverage}), the same kind of rules on the estimates
 * (while the coverage is below it, with the estimate moved {@code guardZ} standard errors towards
 * the good side), and rules on the estimation error (once covered; a series fires after {@code
 * errorWindows} consecutive breached windows).
 */
public record PerformanceAlertRules(
        List<PerformanceRule> realised,
        double minCoverage,
        List<PerformanceRule> estimated,
        double guardZ,
        List<EstimationErrorRule> estimationError,
        int errorWindows)
        implements Serializable {
    public PerformanceAlertRules {
        realised = List.copyOf(realised);
        estimated = List.copyOf(estimated);
        estimationError = List.copyOf(estimationError);
    }

    /** Realised rules alone (no estimated or estimation error rules). */
    public static PerformanceAlertRules realisedOnly(
            List<PerformanceRule> realised, double minCoverage) {
        return new PerformanceAlertRules(realised, minCoverage, List.of(), 0, List.of(), 1);
    }
}
