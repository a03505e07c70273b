package dev.driftwatch.core.drift;

/**
 * Names of the per-feature category lists ({@link FeatureMetrics#categoryLists()}): keys of {@code
 * compare}'s JSON next to the statistics, whose names are {@link Statistic#metric()}.
 */
public final class MetricNames {
    public static final String NEW_CATEGORIES = "new_categories";
    public static final String MISSING_CATEGORIES = "missing_categories";

    private MetricNames() {}
}
