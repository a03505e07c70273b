package dev.driftwatch.core.drift;

import dev.driftwatch.core.DriftCoreException;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * How a window's drift is decided: the rule a {@link DriftPolicies} names. {@link #TWO_SAMPLE_TEST}
 * is the default; {@link #THRESHOLD} is the per-method rule (PSI behind its noise floor by default)
 * that was the default before; the others are the popular rules the decision-quality benchmark
 * compares with, selectable by name.
 */
public enum DriftRule {
    /**
     * Two-sample tests per feature, corrected together with Benjamini-Hochberg at the policy's
     * level (default 0.01), behind an effect-size floor (default 0.03). Numeric features: KS, its
     * statistic lowered by its error bound before the p-value is computed, with the tie-aware
     * rank-sum, Ansari-Bradley and pooled-cell chi-square tests ({@link CellTests}), combined with
     * Simes' rule; categorical ones: the chi-square test of homogeneity.
     */
    TWO_SAMPLE_TEST("two_sample_test"),
    /**
     * Each feature by its {@link DriftMethod} and thresholds: effect sizes behind the sample-size
     * guard, p-values corrected with Benjamini-Hochberg (default: PSI >= 0.1 for both types).
     */
    THRESHOLD("threshold"),
    /**
     * Evidently's default: numeric KS p < 0.05 when the reference has at most 1,000 rows, else
     * normalised Wasserstein >= 0.1; categorical chi-square p < 0.05 (the two-proportion z-test
     * with two categories) at most 1,000 rows, else the Jensen-Shannon distance (natural log) >=
     * 0.1. No correction, no sample-size guard.
     */
    EVIDENTLY("evidently"),
    /** PSI >= 0.1 (warning), >= 0.25 (critical) for both types, without a guard. */
    PSI("psi"),
    /**
     * Plain tests without correction: numeric KS p < 0.05, categorical chi-square (goodness of fit)
     * p < 0.05; critical below 0.001.
     */
    KS("ks");

    private final String configName;

    DriftRule(String configName) {
        this.configName = configName;
    }

    /** The name in policy files and reports. */
    public String configName() {
        return configName;
    }

    /**
     * Parses a configuration name.
     *
     * @throws DriftCoreException naming the rules there are
     */
    public static DriftRule fromConfigName(String name) {
        for (DriftRule r : values()) {
            if (r.configName.equals(name)) {
                return r;
            }
        }
        String names =
                Arrays.stream(values())
                        .map(DriftRule::configName)
                        .collect(Collectors.joining(", "));
        throw new DriftCoreException(
                "unknown drift rule '" + name + "' (use one of " + names + ")");
    }
}
