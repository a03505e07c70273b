package dev.driftwatch.core.drift;

import dev.driftwatch.core.DriftCoreException;

/**
 * How a feature's drift is decided: by an effect size above a threshold (PSI, JS distance,
 * normalised Wasserstein), or by a test p-value after Benjamini-Hochberg correction across features
 * (KS, chi-square).
 */
public enum DriftMethod {
    /** PSI >= threshold; defaults 0.1 warning, 0.25 critical. */
    PSI(MetricNames.PSI, false, 0.1, 0.25, true, true),
    /** JS distance (base 2) >= threshold; defaults 0.1 warning, 0.2 critical. */
    JENSEN_SHANNON(MetricNames.JENSEN_SHANNON, false, 0.1, 0.2, true, true),
    /** Wasserstein-1 / reference std >= threshold; defaults 0.1 warning, 0.25 critical. */
    WASSERSTEIN_NORMALIZED(MetricNames.WASSERSTEIN_NORMALIZED, false, 0.1, 0.25, true, false),
    /** KS p-value, BH-corrected; FDR levels 0.05 warning, 0.001 critical. */
    KS(MetricNames.KS_STATISTIC, true, 0.05, 0.001, true, false),
    /** Chi-square p-value, BH-corrected; FDR levels 0.05 warning, 0.001 critical. */
    CHI_SQUARE(MetricNames.CHI_SQUARE, true, 0.05, 0.001, false, true);

    private final String metric;
    private final boolean pValueMethod;
    private final double defaultWarning;
    private final double defaultCritical;
    private final boolean numeric;
    private final boolean categorical;

    DriftMethod(
            String metric,
            boolean pValueMethod,
            double defaultWarning,
            double defaultCritical,
            boolean numeric,
            boolean categorical) {
        this.metric = metric;
        this.pValueMethod = pValueMethod;
        this.defaultWarning = defaultWarning;
        this.defaultCritical = defaultCritical;
        this.numeric = numeric;
        this.categorical = categorical;
    }

    /** The metric this method reads ({@link MetricNames}). */
    public String metric() {
        return metric;
    }

    /** The name used in reports and configuration: the metric name, or "ks" for the KS test. */
    public String configName() {
        return this == KS ? "ks" : metric;
    }

    /** True when the decision is on a p-value (smaller is more drifted). */
    public boolean isPValueMethod() {
        return pValueMethod;
    }

    public double defaultWarning() {
        return defaultWarning;
    }

    public double defaultCritical() {
        return defaultCritical;
    }

    /** True when the method applies to features of {@code type} ("numeric" or "categorical"). */
    public boolean appliesTo(String type) {
        return "numeric".equals(type) ? numeric : categorical;
    }

    /** Parses a configuration name: psi, jensen_shannon, wasserstein_normalized, ks, chi_square. */
    public static DriftMethod fromConfigName(String name) {
        for (DriftMethod m : values()) {
            if (m.configName().equals(name)) {
                return m;
            }
        }
        throw new DriftCoreException(
                "unknown drift method '"
                        + name
                        + "' (use psi, jensen_shannon, wasserstein_normalized, ks or chi_square)");
    }
}
