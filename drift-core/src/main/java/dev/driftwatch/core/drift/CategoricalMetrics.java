package dev.driftwatch.core.drift;

import static dev.driftwatch.core.drift.MetricNames.*;

import dev.driftwatch.core.profile.CategoricalReference;
import dev.driftwatch.core.profile.CategoricalWindow;
import dev.driftwatch.core.stats.ChiSquareGoodnessOfFit;
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
 * renormalised, {@code bins - 1} degrees of freedom) are exact.
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
        Map<String, Double> m = new LinkedHashMap<>();
        if (n > 0) {
            m.put(PSI, PopulationStabilityIndex.of(ref, cur));
            m.put(JENSEN_SHANNON, JensenShannonDistance.of(ref, cur));
            m.put(L_INFINITY, lInfinity(ref, refN, cur, n));
            ChiSquareGoodnessOfFit.Result chi = ChiSquareGoodnessOfFit.test(ref, cur);
            m.put(CHI_SQUARE, chi.statistic());
            m.put(CHI_SQUARE_P_VALUE, chi.pValue());
        } else {
            for (String k :
                    List.of(PSI, JENSEN_SHANNON, L_INFINITY, CHI_SQUARE, CHI_SQUARE_P_VALUE)) {
                m.put(k, null);
            }
        }
        long rows = window.rows();
        m.put(MISSING_RATE, NumericMetrics.rate(window.missing(), rows));
        m.put(TYPE_MISMATCH_RATE, NumericMetrics.rate(window.typeMismatches(), rows));
        long newValues = 0;
        for (String c : newCategories) {
            newValues += window.count(c);
        }
        m.put(NEW_CATEGORY_RATE, n == 0 ? null : (double) newValues / n);
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

    private static double lInfinity(long[] ref, long refN, long[] cur, long n) {
        double max = 0.0;
        for (int i = 0; i < ref.length; i++) {
            max = Math.max(max, Math.abs((double) ref[i] / refN - (double) cur[i] / n));
        }
        return max;
    }

    @Override
    public String type() {
        return "categorical";
    }

    @Override
    public Double pValue(String metric) {
        return CHI_SQUARE.equals(metric) ? metrics.get(CHI_SQUARE_P_VALUE) : null;
    }

    @Override
    public Map<String, List<String>> categoryLists() {
        Map<String, List<String>> lists = new LinkedHashMap<>();
        lists.put(NEW_CATEGORIES, newCategories);
        lists.put(MISSING_CATEGORIES, missingCategories);
        return lists;
    }
}
