package dev.driftwatch.core.drift;

import dev.driftwatch.core.DriftCoreException;
import dev.driftwatch.core.profile.FeatureType;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * How a feature's drift is decided: a {@link Statistic} and the rule applied to it, either its
 * value against a threshold (an effect size: PSI, JS distance, normalised Wasserstein) or its
 * p-value after Benjamini-Hochberg correction across features (a test: KS, chi-square). The feature
 * types a method applies to are its statistic's.
 */
public enum DriftMethod {
    /** PSI >= threshold; defaults 0.1 warning, 0.25 critical. */
    PSI("psi", Statistic.PSI, Rule.THRESHOLD, 0.1, 0.25),
    /** JS distance (base 2) >= threshold; defaults 0.1 warning, 0.2 critical. */
    JENSEN_SHANNON("jensen_shannon", Statistic.JENSEN_SHANNON, Rule.THRESHOLD, 0.1, 0.2),
    /** Wasserstein-1 / reference std >= threshold; defaults 0.1 warning, 0.25 critical. */
    WASSERSTEIN_NORMALIZED(
            "wasserstein_normalized", Statistic.WASSERSTEIN_NORMALIZED, Rule.THRESHOLD, 0.1, 0.25),
    /** KS p-value, BH-corrected; FDR levels 0.05 warning, 0.001 critical. */
    KS("ks", Statistic.KS, Rule.P_VALUE, 0.05, 0.001),
    /** Chi-square p-value, BH-corrected; FDR levels 0.05 warning, 0.001 critical. */
    CHI_SQUARE("chi_square", Statistic.CHI_SQUARE, Rule.P_VALUE, 0.05, 0.001),
    /** Two-sample chi-square (homogeneity) p-value, BH-corrected; 0.05 warning, 0.001 critical. */
    CHI_SQUARE_TWO_SAMPLE(
            "chi_square_two_sample", Statistic.CHI_SQUARE_TWO_SAMPLE, Rule.P_VALUE, 0.05, 0.001);

    /** What a method compares with its thresholds. */
    public enum Rule {
        /** The statistic's value: at or above the threshold is drift. */
        THRESHOLD,
        /** The statistic's p-value, BH-adjusted: at or below the level is drift. */
        P_VALUE
    }

    private final String configName;
    private final Statistic statistic;
    private final Rule rule;
    private final double defaultWarning;
    private final double defaultCritical;

    DriftMethod(
            String configName,
            Statistic statistic,
            Rule rule,
            double defaultWarning,
            double defaultCritical) {
        this.configName = configName;
        this.statistic = statistic;
        this.rule = rule;
        this.defaultWarning = defaultWarning;
        this.defaultCritical = defaultCritical;
    }

    /** The statistic it decides on. */
    public Statistic statistic() {
        return statistic;
    }

    public Rule rule() {
        return rule;
    }

    /**
     * The name used in reports and configuration (psi, jensen_shannon, ..., ks, chi_square,
     * chi_square_two_sample).
     */
    public String configName() {
        return configName;
    }

    /** True when the decision is on a p-value (smaller is more drifted). */
    public boolean isPValueMethod() {
        return rule == Rule.P_VALUE;
    }

    public double defaultWarning() {
        return defaultWarning;
    }

    public double defaultCritical() {
        return defaultCritical;
    }

    /** True when the method applies to features of {@code type}: its statistic does. */
    public boolean appliesTo(FeatureType type) {
        return statistic.appliesTo(type);
    }

    /**
     * Parses a configuration name.
     *
     * @throws DriftCoreException naming the methods there are
     */
    public static DriftMethod fromConfigName(String name) {
        for (DriftMethod m : values()) {
            if (m.configName.equals(name)) {
                return m;
            }
        }
        String names =
                Arrays.stream(values())
                        .map(DriftMethod::configName)
                        .collect(Collectors.joining(", "));
        throw new DriftCoreException(
                "unknown drift method '" + name + "' (use one of " + names + ")");
    }
}
