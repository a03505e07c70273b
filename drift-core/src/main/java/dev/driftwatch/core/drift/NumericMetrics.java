package dev.driftwatch.core.drift;

import dev.driftwatch.core.profile.FeatureType;
import dev.driftwatch.core.profile.NumericReference;
import dev.driftwatch.core.profile.NumericWindow;
import dev.driftwatch.core.stats.CdfDistances;
import dev.driftwatch.core.stats.CellCounts;
import dev.driftwatch.core.stats.EmpiricalDistribution;
import dev.driftwatch.core.stats.GridDistances;
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
 * reference bins (exact); KS and Wasserstein between the reference's distribution and the window's
 * form (exact when both are exact, otherwise within the error bounds reported beside them); the
 * data-quality rates. Beside them ({@link #cellTests()}) the tie-aware tests on the two samples'
 * counts per cell that the default rule also decides on; null for a window in the sketch form.
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
        Map<String, Double> metrics,
        CellTests cellTests)
        implements FeatureMetrics {

    /**
     * Metrics from the reference's distribution (exact or a summary) and the window's form (exact,
     * on the reference's grid, or a sketch).
     */
    public static NumericMetrics of(
            String feature, NumericReference reference, NumericWindow window) {
        return of(feature, reference, window, reference.distribution());
    }

    /**
     * Metrics with KS and Wasserstein computed between the given reference distribution (pass the
     * exact sample for exact reference values) and the window's form: on its grid ({@link
     * GridDistances}, when the grid brackets the distribution), otherwise its {@link
     * NumericWindow#distribution()}.
     */
    public static NumericMetrics of(
            String feature,
            NumericReference reference,
            NumericWindow window,
            EmpiricalDistribution referenceDistribution) {
        GridDistances grid =
                window.finiteCount() == 0 ? null : window.gridDistancesTo(referenceDistribution);
        if (grid == null) {
            return of(feature, reference, window, referenceDistribution, window.distribution());
        }
        return of(
                feature,
                reference,
                window,
                new Inputs(
                        reference,
                        window,
                        grid.ks(),
                        grid.ksErrorBound(),
                        grid.wasserstein(),
                        grid.wassersteinErrorBound(),
                        cellTests(reference, referenceDistribution, window.distribution(), true)));
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
        CdfDistances d =
                n == 0 ? null : CdfDistances.between(referenceDistribution, currentDistribution);
        Inputs in =
                new Inputs(
                        reference,
                        window,
                        n == 0 ? Double.NaN : d.ks(),
                        KolmogorovSmirnov.errorBound(referenceDistribution, currentDistribution),
                        n == 0 ? Double.NaN : d.wasserstein(),
                        WassersteinDistance.errorBound(referenceDistribution, currentDistribution),
                        n == 0
                                ? null
                                : cellTests(
                                        reference,
                                        referenceDistribution,
                                        currentDistribution,
                                        false));
        return of(feature, reference, window, in);
    }

    /**
     * The tie-aware tests: over the distinct values when both distributions are exact, otherwise
     * over the cells of the reference's window grid (the window's values on the grid, or exact
     * against a reference summary); null for a window in the sketch form, whose values are not
     * placed in cells.
     */
    private static CellTests cellTests(
            NumericReference reference,
            EmpiricalDistribution referenceDistribution,
            EmpiricalDistribution currentDistribution,
            boolean currentOnGrid) {
        if (referenceDistribution.isExact() && currentDistribution.isExact()) {
            return CellTests.of(CellCounts.ofPoints(referenceDistribution, currentDistribution));
        }
        if (currentOnGrid || currentDistribution.isExact()) {
            return CellTests.of(
                    CellCounts.onGrid(
                            referenceDistribution, currentDistribution, reference.windowGrid()));
        }
        return null;
    }

    private static NumericMetrics of(
            String feature, NumericReference reference, NumericWindow window, Inputs in) {
        long n = window.finiteCount();
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
                Collections.unmodifiableMap(m),
                in.cellTests());
    }

    /** What the numeric statistics are computed from. */
    private record Inputs(
            NumericReference reference,
            NumericWindow window,
            double ks,
            double ksErrorBound,
            double wasserstein,
            double wassersteinErrorBound,
            CellTests cellTests) {}

    private static Double value(Statistic s, Inputs in) {
        NumericWindow w = in.window();
        long n = w.finiteCount();
        if (s.kind() != Statistic.Kind.DATA_QUALITY && n == 0) {
            return null;
        }
        return switch (s) {
            case PSI -> PopulationStabilityIndex.of(in.reference().binCounts(), w.binCounts());
            case KS -> in.ks();
            case KS_ERROR_BOUND -> in.ksErrorBound();
            case JENSEN_SHANNON ->
                    JensenShannonDistance.of(in.reference().binCounts(), w.binCounts());
            case WASSERSTEIN -> in.wasserstein();
            case WASSERSTEIN_NORMALIZED ->
                    WassersteinDistance.normalized(in.wasserstein(), in.reference().std());
            case WASSERSTEIN_ERROR_BOUND -> in.wassersteinErrorBound();
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
