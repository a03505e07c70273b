package dev.driftwatch.core.drift;

import dev.driftwatch.core.DriftCoreException;

/**
 * The drift rule for a feature: a method and its two thresholds. For effect sizes a value at or
 * above {@code warning} is drift, at or above {@code critical} critical drift. For p-value methods
 * the thresholds are false-discovery-rate levels ({@code critical <= warning}).
 */
public record DriftPolicy(DriftMethod method, double warning, double critical)
        implements java.io.Serializable {
    public DriftPolicy {
        if (method == null) {
            throw new DriftCoreException("drift policy: method is required");
        }
        if (!(warning > 0)
                || !(critical > 0)
                || !Double.isFinite(warning)
                || !Double.isFinite(critical)) {
            throw new DriftCoreException("drift policy: thresholds must be positive numbers");
        }
        if (method.isPValueMethod() ? critical > warning : critical < warning) {
            throw new DriftCoreException(
                    "drift policy for "
                            + method.configName()
                            + ": critical threshold "
                            + critical
                            + (method.isPValueMethod() ? " must be <= " : " must be >= ")
                            + "warning threshold "
                            + warning);
        }
        if (method.isPValueMethod() && warning >= 1.0) {
            throw new DriftCoreException("drift policy: a p-value level must be < 1");
        }
    }

    /** The method with its default thresholds. */
    public static DriftPolicy of(DriftMethod method) {
        return new DriftPolicy(method, method.defaultWarning(), method.defaultCritical());
    }
}
