package dev.driftwatch.core.drift;

/**
 * Metric names: the keys of {@code compare}'s JSON and the {@code metric} column of {@code
 * drift_metrics}. Each lives here once.
 */
public final class MetricNames {
    public static final String PSI = "psi";
    public static final String KS_STATISTIC = "ks_statistic";
    public static final String KS_P_VALUE = "ks_p_value";
    public static final String KS_ERROR_BOUND = "ks_error_bound";
    public static final String JENSEN_SHANNON = "jensen_shannon";
    public static final String WASSERSTEIN = "wasserstein";
    public static final String WASSERSTEIN_NORMALIZED = "wasserstein_normalized";
    public static final String WASSERSTEIN_ERROR_BOUND = "wasserstein_error_bound";
    public static final String L_INFINITY = "l_infinity";
    public static final String CHI_SQUARE = "chi_square";
    public static final String CHI_SQUARE_P_VALUE = "chi_square_p_value";
    public static final String NEW_CATEGORIES = "new_categories";
    public static final String MISSING_CATEGORIES = "missing_categories";
    public static final String MISSING_RATE = "missing_rate";
    public static final String NON_FINITE_RATE = "non_finite_rate";
    public static final String OUT_OF_RANGE_RATE = "out_of_range_rate";
    public static final String TYPE_MISMATCH_RATE = "type_mismatch_rate";
    public static final String NEW_CATEGORY_RATE = "new_category_rate";

    private MetricNames() {}
}
