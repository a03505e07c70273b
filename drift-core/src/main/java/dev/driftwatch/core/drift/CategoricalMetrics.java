package dev.driftwatch.core.drift;

import dev.driftwatch.core.profile.CategoricalReference;
import dev.driftwatch.core.profile.CategoricalWindow;
import dev.driftwatch.core.profile.FeatureType;
import dev.driftwatch.core.stats.ChiSquareGoodnessOfFit;
import dev.driftwatch.core.stats.ChiSquareHomogeneity;
import dev.driftwatch.core.stats.JensenShannonDistance;
import dev.driftwatch.core.stats.PopulationStabilityIndex;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Drift metrics of a categorical feature, over these bins: the reference's categories (in profile
 * order), its pooled "other" bucket if it has one, then each category seen in the window but not in
 * the reference (sorted by name), then the window's pooled overflow bucket if it has one.
 *
 * <p>When the reference pooled categories beyond its top ones, an unprofiled category may be one of
 * them: such values count towards the reference's "other" bin and are not reported as new. The
 * window's overflow (categories beyond its limit) is compared as one bin of its own.
 *
 * <p>PSI (zero proportions replaced by 1e-4), JS distance (base 2, no smoothing), L-infinity (max
 * |p_ref - p_cur|) and chi-square goodness of fit (zero reference proportions replaced by 1e-4 and
 * renormalised, {@code bins - 1} degrees of freedom; its p-value null with a single bin) and the
 * two-sample chi-square of homogeneity (bins empty on both sides left out) are exact.
 */
public record CategoricalMetrics(
        String feature,
        long referenceRows,
        long referenceMissing,
        long currentRows,
        long currentMissing,
        long referenceCount,
        long currentCount,
        int bins,
        Map<String, Double> metrics,
        List<String> newCategories,
        List<String> missingCategories)
        implements FeatureMetrics {

    public static CategoricalMetrics of(
            String feature, CategoricalReference reference, CategoricalWindow window) {
        List<String> refCategories = reference.categories();
        long[] refCategoryCounts = reference.categoryCounts();
        boolean refHasOther = reference.otherCount() > 0;
        Map<String, Long> seen = window.counts();

        List<String> unprofiled = new ArrayList<>();
        long unprofiledTotal = 0;
        for (Map.Entry<String, Long> e : seen.entrySet()) {
            if (reference.indexOf(e.getKey()) < 0) {
                unprofiled.add(e.getKey());
                unprofiledTotal += e.getValue();
            }
        }
        Collections.sort(unprofiled);
        List<String> newCategories = refHasOther ? List.of() : unprofiled;
        int bins =
                refCategories.size()
                        + (refHasOther ? 1 : newCategories.size())
                        + (window.overflowCount() > 0 ? 1 : 0);
        long[] ref = new long[bins];
        long[] cur = new long[bins];
        List<String> missingCategories = new ArrayList<>();
        int b = 0;
        for (int i = 0; i < refCategories.size(); i++, b++) {
            ref[b] = refCategoryCounts[i];
            cur[b] = window.count(refCategories.get(i));
            if (cur[b] == 0) {
                missingCategories.add(refCategories.get(i));
            }
        }
        if (refHasOther) {
            ref[b] = reference.otherCount();
            cur[b++] = unprofiledTotal;
        } else {
            for (String c : newCategories) {
                cur[b++] = window.count(c);
            }
        }
        if (window.overflowCount() > 0) {
            cur[b] = window.overflowCount();
        }

        long n = window.nonMissingCount();
        long refN = reference.count() - reference.missing();
        long newValues = 0;
        for (String c : newCategories) {
            newValues += window.count(c);
        }
        ChiSquareGoodnessOfFit.Result chi = n > 0 ? ChiSquareGoodnessOfFit.test(ref, cur) : null;
        ChiSquareHomogeneity.Result twoSample = n > 0 ? ChiSquareHomogeneity.test(ref, cur) : null;
        long rows = window.rows();
        Map<String, Double> m = new LinkedHashMap<>();
        for (Statistic s : Statistic.forType(FeatureType.CATEGORICAL)) {
            Double value =
                    switch (s) {
                        case MISSING_RATE -> NumericMetrics.rate(window.missing(), rows);
                        case TYPE_MISMATCH_RATE ->
                                NumericMetrics.rate(window.typeMismatches(), rows);
                        case NEW_CATEGORY_RATE -> NumericMetrics.rate(newValues, n);
                        case CHI_SQUARE_TWO_SAMPLE -> n == 0 ? null : twoSample.statistic();
                        default -> n == 0 ? null : distance(s, ref, refN, cur, n, chi);
                    };
            m.put(s.metric(), value);
            if (s == Statistic.CHI_SQUARE) {
                m.put(s.pValueMetric(), chi == null ? null : defined(chi.pValue()));
            } else if (s == Statistic.CHI_SQUARE_TWO_SAMPLE) {
                m.put(s.pValueMetric(), twoSample == null ? null : defined(twoSample.pValue()));
            }
        }
        return new CategoricalMetrics(
                feature,
                reference.count(),
                reference.missing(),
                rows,
                window.missing(),
                refN,
                n,
                bins,
                Collections.unmodifiableMap(m),
                List.copyOf(newCategories),
                List.copyOf(missingCategories));
    }

    /** Null for NaN: an undefined p-value (no degree of freedom). */
    private static Double defined(double pValue) {
        return Double.isNaN(pValue) ? null : pValue;
    }

    /** A statistic comparing the bins; n > 0. */
    private static double distance(
            Statistic s,
            long[] ref,
            long refN,
            long[] cur,
            long n,
            ChiSquareGoodnessOfFit.Result chi) {
        return switch (s) {
            case PSI -> PopulationStabilityIndex.of(ref, cur);
            case JENSEN_SHANNON -> JensenShannonDistance.of(ref, cur);
            case L_INFINITY -> lInfinity(ref, refN, cur, n);
            case CHI_SQUARE -> chi.statistic();
            default ->
                    throw new IllegalStateException(s + " does not apply to categorical features");
        };
    }

    private static double lInfinity(long[] ref, long refN, long[] cur, long n) {
        double max = 0.0;
        for (int i = 0; i < ref.length; i++) {
            max = Math.max(max, Math.abs((double) ref[i] / refN - (double) cur[i] / n));
        }
        return max;
    }

    @Override
    public FeatureType type() {
        return FeatureType.CATEGORICAL;
    }

    @Override
    public Map<String, List<String>> categoryLists() {
        Map<String, List<String>> lists = new LinkedHashMap<>();
        lists.put(MetricNames.NEW_CATEGORIES, newCategories);
        lists.put(MetricNames.MISSING_CATEGORIES, missingCategories);
        return lists;
    }
}
