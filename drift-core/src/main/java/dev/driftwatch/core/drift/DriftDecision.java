package dev.driftwatch.core.drift;

/**
 * The drift verdict for one feature, and why.
 *
 * @param detected whether the feature drifted
 * @param rule the rule that decided
 * @param method the statistic it decided on, as a method (a threshold on the value, or a p-value)
 * @param value the value it decided on (effect size, or p-value); null when undecidable
 * @param threshold the warning threshold, or the p-value (or FDR) level
 * @param severity "critical", "warning" or "none"
 * @param noiseFloor the sample-size guard of an effect size: values below it are treated as noise;
 *     null when the rule has none
 * @param adjustedPValue the Benjamini-Hochberg adjusted p-value that was compared with the level;
 *     null when not corrected
 * @param guard what the value had to pass besides the threshold (the noise floor and its sizes, the
 *     error bound taken off a statistic before testing); null when nothing
 * @param note why a value past the threshold was not called drift, or why nothing was decided; null
 *     otherwise
 */
public record DriftDecision(
        boolean detected,
        DriftRule rule,
        DriftMethod method,
        Double value,
        double threshold,
        String severity,
        Double noiseFloor,
        Double adjustedPValue,
        String guard,
        String note) {
    public static final String CRITICAL = dev.driftwatch.core.alert.Severity.CRITICAL.label();
    public static final String WARNING = dev.driftwatch.core.alert.Severity.WARNING.label();
    public static final String NONE = "none";
}
