package dev.driftwatch.core.drift;

import dev.driftwatch.core.profile.FeatureType;
import dev.driftwatch.core.profile.NumericReference;
import dev.driftwatch.core.profile.NumericWindow;
import dev.driftwatch.core.stats.EmpiricalDistribution;
import dev.driftwatch.core.stats.JensenShannonDistance;
import dev.driftwatch.core.stats.KolmogorovSmirnov;
import dev.driftwatch.core.stats.PopulationStabilityIndex;
import dev.driftwatch.core.stats.WassersteinDistance;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Drift metrics of a numeric feature: every numeric {@link Statistic}. PSI and JS over the
 * reference bins (exact); KS and Wasserstein between the two distributions given (exact when both
 * are exact, otherwise within the error bounds reported beside them); the data-quality rates.
 *
 * <pre>{@code
 * NumericMetrics m = NumericMetrics.of("amount", reference, window);     // the profiles' forms
 * NumericMetrics e = NumericMetrics.of("amount", reference, window, refSample, curSample); // exact
 * }</pre>
 */
public record NumericMetrics(
        String feature,
        long referenceRows,
        long referenceMissing,
        long currentRows,
        long currentMissing,
        long referenceCount,
        long currentCount,
        int bins,
        Map<String, Double> metrics)
        implements FeatureMetrics {

    /**
     * Metrics from the reference's distribution (exact or a summary) and the window's (exact or a
     * sketch).
     */
    public static NumericMetrics of(
            String feature, NumericReference reference, NumericWindow window) {
        return of(feature, reference, window, reference.distribution(), window.distribution());
    }

    /**
     * Metrics with KS and Wasserstein computed between the given distributions (pass exact samples
     * for exact values).
     */
    public static NumericMetrics of(
            String feature,
            NumericReference reference,
            NumericWindow window,
            EmpiricalDistribution referenceDistribution,
            EmpiricalDistribution currentDistribution) {
        long n = window.finiteCount();
        Inputs in =
                new Inputs(
                        reference,
                        window,
                        referenceDistribution,
                        currentDistribution,
                        n == 0
                                ? Double.NaN
                                : KolmogorovSmirnov.statistic(
                                        referenceDistribution, currentDistribution),
                        n == 0
                                ? Double.NaN
                                : WassersteinDistance.distance(
                                        referenceDistribution, currentDistribution));
        Map<String, Double> m = new LinkedHashMap<>();
        for (Statistic s : Statistic.forType(FeatureType.NUMERIC)) {
            m.put(s.metric(), value(s, in));
            if (s.pValueMetric() != null) {
                m.put(s.pValueMetric(), n == 0 ? null : pValue(s, in));
            }
        }
        return new NumericMetrics(
                feature,
                reference.count(),
                reference.missing(),
                window.rows(),
                window.missing(),
                reference.finiteCount(),
                n,
                reference.binCounts().length,
                Collections.unmodifiableMap(m));
    }

    /** What the numeric statistics are computed from. */
    private record Inputs(
            NumericReference reference,
            NumericWindow window,
            EmpiricalDistribution referenceDistribution,
            EmpiricalDistribution currentDistribution,
            double ks,
            double wasserstein) {}

    private static Double value(Statistic s, Inputs in) {
        NumericWindow w = in.window();
        long n = w.finiteCount();
        if (s.kind() != Statistic.Kind.DATA_QUALITY && n == 0) {
            return null;
        }
        return switch (s) {
            case PSI -> PopulationStabilityIndex.of(in.reference().binCounts(), w.binCounts());
            case KS -> in.ks();
            case KS_ERROR_BOUND ->
                    KolmogorovSmirnov.errorBound(
                            in.referenceDistribution(), in.currentDistribution());
            case JENSEN_SHANNON ->
                    JensenShannonDistance.of(in.reference().binCounts(), w.binCounts());
            case WASSERSTEIN -> in.wasserstein();
            case WASSERSTEIN_NORMALIZED ->
                    WassersteinDistance.normalized(in.wasserstein(), in.reference().std());
            case WASSERSTEIN_ERROR_BOUND ->
                    WassersteinDistance.errorBound(
                            in.referenceDistribution(), in.currentDistribution());
            case MISSING_RATE -> rate(w.missing(), w.rows());
            case NON_FINITE_RATE -> rate(w.nonFinite(), w.rows());
            case TYPE_MISMATCH_RATE -> rate(w.typeMismatches(), w.rows());
            case OUT_OF_RANGE_RATE -> rate(w.outOfRange(), n);
            default -> throw new IllegalStateException(s + " does not apply to numeric features");
        };
    }

    private static Double pValue(Statistic s, Inputs in) {
        if (s == Statistic.KS) {
            return KolmogorovSmirnov.pValue(
                    in.ks(), in.reference().finiteCount(), in.window().finiteCount());
        }
        throw new IllegalStateException(s + " has no numeric p-value");
    }

    static Double rate(long part, long total) {
        return total == 0 ? null : (double) part / total;
    }

    @Override
    public FeatureType type() {
        return FeatureType.NUMERIC;
    }

    @Override
    public Map<String, List<String>> categoryLists() {
        return Map.of();
    }
}
