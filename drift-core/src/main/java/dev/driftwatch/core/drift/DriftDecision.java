package dev.driftwatch.core.drift;

/**
 * The drift verdict for one feature.
 *
 * @param detected whether the feature drifted
 * @param method the method that decided
 * @param value the value it decided on (effect size, or raw p-value); null when undecidable
 * @param threshold the warning threshold (or FDR level) of the policy
 * @param severity "critical", "warning" or "none"
 * @param noiseFloor the sample-size guard: effect sizes below it are treated as noise; null when
 *     the method has none
 * @param note why a value past the threshold was not called drift, or why nothing was decided; null
 *     otherwise
 */
public record DriftDecision(
        boolean detected,
        DriftMethod method,
        Double value,
        double threshold,
        String severity,
        Double noiseFloor,
        String note) {
    public static final String CRITICAL = dev.driftwatch.core.alert.Severity.CRITICAL.label();
    public static final String WARNING = dev.driftwatch.core.alert.Severity.WARNING.label();
    public static final String NONE = "none";
}
