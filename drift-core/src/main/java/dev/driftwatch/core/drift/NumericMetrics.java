package dev.driftwatch.core.drift;

import static dev.driftwatch.core.drift.MetricNames.*;

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
 * Drift metrics of a numeric feature: PSI and JS over the reference bins (exact), KS and
 * Wasserstein from the two distributions given (exact samples, or KLL sketches with the error
 * bounds reported), and the data-quality rates.
 *
 * <pre>{@code
 * NumericMetrics m = NumericMetrics.of("amount", reference, window);          // from sketches
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

    /** Metrics from the reference's sketch and the window's sketch. */
    public static NumericMetrics of(
            String feature, NumericReference reference, NumericWindow window) {
        return of(
                feature,
                reference,
                window,
                EmpiricalDistribution.ofSketch(reference.sketch()),
                EmpiricalDistribution.ofSketch(window.sketch()));
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
        Map<String, Double> m = new LinkedHashMap<>();
        long n = window.finiteCount();
        long refN = reference.finiteCount();
        long[] refBins = reference.binCounts();
        if (n > 0) {
            long[] curBins = window.binCounts();
            m.put(PSI, PopulationStabilityIndex.of(refBins, curBins));
            double d = KolmogorovSmirnov.statistic(referenceDistribution, currentDistribution);
            m.put(KS_STATISTIC, d);
            m.put(KS_P_VALUE, KolmogorovSmirnov.pValue(d, refN, n));
            m.put(
                    KS_ERROR_BOUND,
                    KolmogorovSmirnov.errorBound(referenceDistribution, currentDistribution));
            m.put(JENSEN_SHANNON, JensenShannonDistance.of(refBins, curBins));
            double w = WassersteinDistance.distance(referenceDistribution, currentDistribution);
            m.put(WASSERSTEIN, w);
            m.put(WASSERSTEIN_NORMALIZED, WassersteinDistance.normalized(w, reference.std()));
            m.put(
                    WASSERSTEIN_ERROR_BOUND,
                    WassersteinDistance.errorBound(
                            referenceDistribution,
                            currentDistribution,
                            Math.min(reference.min(), window.min()),
                            Math.max(reference.max(), window.max())));
        } else {
            for (String k :
                    List.of(
                            PSI,
                            KS_STATISTIC,
                            KS_P_VALUE,
                            KS_ERROR_BOUND,
                            JENSEN_SHANNON,
                            WASSERSTEIN,
                            WASSERSTEIN_NORMALIZED,
                            WASSERSTEIN_ERROR_BOUND)) {
                m.put(k, null);
            }
        }
        long rows = window.rows();
        m.put(MISSING_RATE, rate(window.missing(), rows));
        m.put(NON_FINITE_RATE, rate(window.nonFinite(), rows));
        m.put(TYPE_MISMATCH_RATE, rate(window.typeMismatches(), rows));
        m.put(OUT_OF_RANGE_RATE, n == 0 ? null : (double) window.outOfRange() / n);
        return new NumericMetrics(
                feature,
                reference.count(),
                reference.missing(),
                rows,
                window.missing(),
                refN,
                n,
                refBins.length,
                Collections.unmodifiableMap(m));
    }

    static Double rate(long part, long total) {
        return total == 0 ? null : (double) part / total;
    }

    @Override
    public String type() {
        return "numeric";
    }

    @Override
    public Double pValue(String metric) {
        return KS_STATISTIC.equals(metric) ? metrics.get(KS_P_VALUE) : null;
    }

    @Override
    public Map<String, List<String>> categoryLists() {
        return Map.of();
    }
}
