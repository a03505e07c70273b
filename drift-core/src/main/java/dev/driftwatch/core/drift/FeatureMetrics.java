package dev.driftwatch.core.drift;

import java.util.List;
import java.util.Map;

/**
 * The drift metrics of one feature in one window against its reference.
 *
 * <p>{@link #metrics()} maps metric names ({@link MetricNames}) to values in a fixed order; a value
 * is null when it is undefined (no current values; a normalised Wasserstein distance over a
 * reference whose std is 0).
 */
public sealed interface FeatureMetrics permits NumericMetrics, CategoricalMetrics {
    String feature();

    /** "numeric" or "categorical". */
    String type();

    /** Rows in the reference, including missing. */
    long referenceRows();

    long referenceMissing();

    /** Rows in the current window, including missing, non-finite and mismatched. */
    long currentRows();

    long currentMissing();

    /** Reference values that were compared (finite, or non-missing for categories). */
    long referenceCount();

    /** Current values that were compared (finite, or non-missing for categories). */
    long currentCount();

    /** Number of bins PSI, JS and chi-square were computed over. */
    int bins();

    /** Scalar metrics by name, in report order. */
    Map<String, Double> metrics();

    /**
     * The p-value that goes with a test statistic ({@code ks_statistic}, {@code chi_square}), or
     * null.
     */
    Double pValue(String metric);

    /**
     * Category lists ({@code new_categories}, {@code missing_categories}); empty for numeric
     * features.
     */
    Map<String, List<String>> categoryLists();
}
