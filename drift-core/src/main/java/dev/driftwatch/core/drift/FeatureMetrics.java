package dev.driftwatch.core.drift;

import dev.driftwatch.core.profile.FeatureType;
import java.util.List;
import java.util.Map;

/**
 * The drift metrics of one feature in one window against its reference.
 *
 * <p>{@link #metrics()} maps metric names to values in report order: each {@link Statistic} of the
 * feature's type, a test's p-value right after it. A value is null when it is undefined (no current
 * values; a normalised Wasserstein distance over a reference whose std is 0).
 */
public sealed interface FeatureMetrics permits NumericMetrics, CategoricalMetrics {
    String feature();

    FeatureType type();

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

    /** Metric values by name ({@link Statistic#metric()}, {@link Statistic#pValueMetric()}). */
    Map<String, Double> metrics();

    /** The value of a statistic of this feature's type; null when undefined or not computed. */
    default Double value(Statistic statistic) {
        return metrics().get(statistic.metric());
    }

    /** The p-value of a test statistic, or null (not a test, or undefined). */
    default Double pValue(Statistic statistic) {
        return statistic.pValueMetric() == null ? null : metrics().get(statistic.pValueMetric());
    }

    /**
     * Category lists ({@link MetricNames#NEW_CATEGORIES}, {@link MetricNames#MISSING_CATEGORIES});
     * empty for numeric features.
     */
    Map<String, List<String>> categoryLists();
}
