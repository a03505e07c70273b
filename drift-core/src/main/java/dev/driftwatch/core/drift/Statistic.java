package dev.driftwatch.core.drift;

import dev.driftwatch.core.profile.FeatureType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every per-feature statistic Driftwatch reports, described once: its metric name (the key in
 * {@code compare}'s JSON and the {@code metric} column of {@code drift_metrics}), the name of its
 * p-value if it is a test, the feature types it applies to, and its kind. The metric builders
 * ({@link NumericMetrics}, {@link CategoricalMetrics}), the drift methods ({@link DriftMethod}) and
 * the jobs iterate over this list; the order of the constants is the report order.
 *
 * <p>Adding a statistic: a constant here, its value in the builder of each feature type it applies
 * to, and (to decide on it) a {@link DriftMethod}.
 */
public enum Statistic {
    /** Population stability index over the reference bins. */
    PSI("psi", Kind.EFFECT_SIZE, null, FeatureType.NUMERIC, FeatureType.CATEGORICAL),
    /** Two-sample Kolmogorov-Smirnov statistic D, with its asymptotic p-value. */
    KS("ks_statistic", Kind.TEST, "ks_p_value", FeatureType.NUMERIC),
    /** Bound on |D - D exact|: 0 when both distributions are exact. */
    KS_ERROR_BOUND("ks_error_bound", Kind.ERROR_BOUND, null, FeatureType.NUMERIC),
    /** Jensen-Shannon distance (base 2) over the PSI bins. */
    JENSEN_SHANNON(
            "jensen_shannon", Kind.EFFECT_SIZE, null, FeatureType.NUMERIC, FeatureType.CATEGORICAL),
    /** Wasserstein-1 distance, in the feature's unit. */
    WASSERSTEIN("wasserstein", Kind.EFFECT_SIZE, null, FeatureType.NUMERIC),
    /** Wasserstein-1 divided by the reference standard deviation. */
    WASSERSTEIN_NORMALIZED("wasserstein_normalized", Kind.EFFECT_SIZE, null, FeatureType.NUMERIC),
    /** Bound on |W1 - W1 exact|: 0 when both distributions are exact. */
    WASSERSTEIN_ERROR_BOUND("wasserstein_error_bound", Kind.ERROR_BOUND, null, FeatureType.NUMERIC),
    /** Largest difference of a category's proportion. */
    L_INFINITY("l_infinity", Kind.EFFECT_SIZE, null, FeatureType.CATEGORICAL),
    /** Chi-square goodness of fit of the current counts, with its p-value. */
    CHI_SQUARE("chi_square", Kind.TEST, "chi_square_p_value", FeatureType.CATEGORICAL),
    /**
     * Chi-square test of homogeneity of the reference and current counts (both samples' noise),
     * with its p-value.
     */
    CHI_SQUARE_TWO_SAMPLE(
            "chi_square_two_sample",
            Kind.TEST,
            "chi_square_two_sample_p_value",
            FeatureType.CATEGORICAL),
    /** Share of current rows whose value is missing. */
    MISSING_RATE(
            "missing_rate", Kind.DATA_QUALITY, null, FeatureType.NUMERIC, FeatureType.CATEGORICAL),
    /** Share of current rows holding an infinity. */
    NON_FINITE_RATE("non_finite_rate", Kind.DATA_QUALITY, null, FeatureType.NUMERIC),
    /** Share of current rows whose value had the wrong type. */
    TYPE_MISMATCH_RATE(
            "type_mismatch_rate",
            Kind.DATA_QUALITY,
            null,
            FeatureType.NUMERIC,
            FeatureType.CATEGORICAL),
    /** Share of finite current values outside the reference [min, max]. */
    OUT_OF_RANGE_RATE("out_of_range_rate", Kind.DATA_QUALITY, null, FeatureType.NUMERIC),
    /** Share of non-missing current values in categories the reference never saw. */
    NEW_CATEGORY_RATE("new_category_rate", Kind.DATA_QUALITY, null, FeatureType.CATEGORICAL);

    /** What a statistic measures. */
    public enum Kind {
        /** How far the distributions are apart: larger is more drift. */
        EFFECT_SIZE,
        /** A test statistic with a p-value: a smaller p-value is stronger evidence of drift. */
        TEST,
        /** A bound on the error of another statistic computed from summaries. */
        ERROR_BOUND,
        /** A share of the current rows or values with a data-quality problem. */
        DATA_QUALITY
    }

    private static final Map<FeatureType, List<Statistic>> BY_TYPE =
            new EnumMap<>(FeatureType.class);

    static {
        for (FeatureType t : FeatureType.values()) {
            List<Statistic> list = new ArrayList<>();
            for (Statistic s : values()) {
                if (s.appliesTo(t)) {
                    list.add(s);
                }
            }
            BY_TYPE.put(t, Collections.unmodifiableList(list));
        }
    }

    private final String metric;
    private final Kind kind;
    private final String pValueMetric;
    private final Set<FeatureType> featureTypes;

    Statistic(
            String metric, Kind kind, String pValueMetric, FeatureType first, FeatureType... rest) {
        this.metric = metric;
        this.kind = kind;
        this.pValueMetric = pValueMetric;
        this.featureTypes = Collections.unmodifiableSet(EnumSet.of(first, rest));
    }

    /**
     * The metric name: a key of {@link FeatureMetrics#metrics()}, a {@code metric} column value.
     */
    public String metric() {
        return metric;
    }

    public Kind kind() {
        return kind;
    }

    /** The metric name of this test's p-value, or null when it has none. */
    public String pValueMetric() {
        return pValueMetric;
    }

    /** The feature types it is computed for. */
    public Set<FeatureType> featureTypes() {
        return featureTypes;
    }

    public boolean appliesTo(FeatureType type) {
        return featureTypes.contains(type);
    }

    /** The statistics of a feature type, in report order. */
    public static List<Statistic> forType(FeatureType type) {
        return BY_TYPE.get(type);
    }

    /** The statistic named {@code metric}, or null. */
    public static Statistic ofMetric(String metric) {
        for (Statistic s : values()) {
            if (s.metric.equals(metric)) {
                return s;
            }
        }
        return null;
    }
}
