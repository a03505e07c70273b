package dev.driftwatch.core.drift;

import dev.driftwatch.core.profile.FeatureType;
import dev.driftwatch.core.stats.BenjaminiHochberg;
import dev.driftwatch.core.stats.JensenShannonDistance;
import dev.driftwatch.core.stats.KolmogorovSmirnov;
import dev.driftwatch.core.stats.PopulationStabilityIndex;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides drift per feature and for the dataset, by the policies' {@link DriftRule}.
 *
 * <ul>
 *   <li>{@code two_sample_test} (default): per feature a two-sample p-value, all of them corrected
 *       together with Benjamini-Hochberg; a feature drifts when its adjusted p-value is at most the
 *       level (critically at most the critical level) and its effect size reaches the effect floor.
 *       Numeric: Simes' combination of the KS p-value of {@code max(0, D - ks_error_bound)} (the
 *       statistic computed from sketches or summaries is lowered by its error bound, so that their
 *       error never raises an alarm) and the tie-aware tests of {@link CellTests} (rank sum,
 *       Ansari-Bradley, chi-square over pooled cells); effect size {@code max(0, D -
 *       ks_error_bound)}. Categorical: the chi-square test of homogeneity; effect size the largest
 *       difference of a category's proportion.
 *   <li>{@code threshold}: effect sizes (PSI, JS, normalised Wasserstein) drift when the value
 *       reaches the warning threshold <em>and</em> passes a sample-size guard, so that small
 *       windows do not alarm on noise: PSI must exceed the guard quantile of its approximate null
 *       distribution {@code (1/n + 1/m) chi2(B-1)}; the JS distance the matching quantile {@code
 *       sqrt((1/n + 1/m) chi2(B-1) / (8 ln 2))}; the normalised Wasserstein distance needs a KS
 *       p-value below {@code 1 - guard quantile}. p-values (KS, chi-square) are corrected together
 *       with Benjamini-Hochberg.
 *   <li>{@code evidently}, {@code psi}, {@code ks}: the popular rules, as {@link DriftRule}
 *       describes them.
 * </ul>
 *
 * <pre>{@code
 * DriftReport report = DriftDetector.evaluate(metrics, DriftPolicies.defaults());
 * }</pre>
 */
public final class DriftDetector {
    /** Evidently's switch from tests to distances: references of more rows use distances. */
    static final long EVIDENTLY_TEST_ROWS = 1000;

    /** Evidently's p-value level and distance threshold. */
    static final double EVIDENTLY_LEVEL = 0.05;

    static final double EVIDENTLY_DISTANCE = 0.1;

    /** JS distance in base 2 times this is the distance in natural log (Evidently's scipy call). */
    static final double JS_BASE2_TO_NATURAL = Math.sqrt(Math.log(2.0));

    private DriftDetector() {}

    public static DriftReport evaluate(
            List<? extends FeatureMetrics> metrics, DriftPolicies policies) {
        DriftDecision[] decisions =
                switch (policies.rule()) {
                    case TWO_SAMPLE_TEST -> twoSampleTest(metrics, policies);
                    case THRESHOLD -> threshold(metrics, policies);
                    case EVIDENTLY, PSI, KS -> popular(metrics, policies.rule());
                };
        List<DriftReport.FeatureDrift> features = new ArrayList<>(metrics.size());
        int drifted = 0;
        int decided = 0;
        for (int i = 0; i < metrics.size(); i++) {
            features.add(new DriftReport.FeatureDrift(metrics.get(i), decisions[i]));
            if (decisions[i].value() != null) {
                decided++;
            }
            if (decisions[i].detected()) {
                drifted++;
            }
        }
        double share = decided == 0 ? 0.0 : (double) drifted / decided;
        return new DriftReport(
                features, drifted, share, decided > 0 && share >= policies.datasetDriftShare());
    }

    /** The conservative KS p-value: of the statistic less its error bound; null when undefined. */
    static Double boundedKsPValue(FeatureMetrics m) {
        Double d = m.value(Statistic.KS);
        if (d == null || m.currentCount() == 0 || m.referenceCount() == 0) {
            return null;
        }
        return KolmogorovSmirnov.pValue(
                Math.max(0.0, d - errorBound(m)), m.referenceCount(), m.currentCount());
    }

    private static double errorBound(FeatureMetrics m) {
        Double bound = m.value(Statistic.KS_ERROR_BOUND);
        return bound == null ? 0.0 : bound;
    }

    /**
     * A numeric feature's p-values under the default rule: KS on its statistic less its error
     * bound, then, where the window's values are in cells, the rank-sum, Ansari-Bradley and
     * chi-square (pooled cells) tests; undefined ones left out.
     */
    static double[] numericPValues(FeatureMetrics m) {
        Double ks = boundedKsPValue(m);
        double[] p = new double[4];
        int k = 0;
        if (ks != null) {
            p[k++] = ks;
        }
        if (ks != null && m instanceof NumericMetrics nm && nm.cellTests() != null) {
            CellTests c = nm.cellTests();
            for (double q :
                    new double[] {
                        c.rankSumPValue(), c.ansariBradleyPValue(), c.chiSquarePValue()
                    }) {
                if (!Double.isNaN(q)) {
                    p[k++] = q;
                }
            }
        }
        return java.util.Arrays.copyOf(p, k);
    }

    /**
     * Simes' combination of one feature's p-values: {@code min_i k p_(i) / i} over the k sorted
     * p-values (the smallest Benjamini-Hochberg adjusted one); a valid p-value for "none of them
     * rejects" when the tests are independent or positively dependent.
     */
    static double simes(double[] p) {
        double smallest = 1.0;
        for (double a : BenjaminiHochberg.adjust(p)) {
            smallest = Math.min(smallest, a);
        }
        return smallest;
    }

    /** The effect size the floor applies to: KS less its error bound, or the largest difference. */
    static Double effect(FeatureMetrics m) {
        if (m.type() == FeatureType.NUMERIC) {
            Double d = m.value(Statistic.KS);
            return d == null ? null : Math.max(0.0, d - errorBound(m));
        }
        return m.value(Statistic.L_INFINITY);
    }

    private static DriftDecision[] twoSampleTest(
            List<? extends FeatureMetrics> metrics, DriftPolicies policies) {
        int size = metrics.size();
        DriftDecision[] decisions = new DriftDecision[size];
        DriftMethod[] method = new DriftMethod[size];
        Double[] p = new Double[size];
        String[] components = new String[size];
        int tested = 0;
        for (int i = 0; i < size; i++) {
            FeatureMetrics m = metrics.get(i);
            if (m.type() == FeatureType.NUMERIC) {
                method[i] = DriftMethod.KS;
                double[] ps = numericPValues(m);
                p[i] = ps.length == 0 ? null : simes(ps);
                components[i] = components(m, ps);
            } else {
                method[i] = DriftMethod.CHI_SQUARE_TWO_SAMPLE;
                p[i] = m.pValue(Statistic.CHI_SQUARE_TWO_SAMPLE);
            }
            if (p[i] == null) {
                String note =
                        m.currentCount() == 0
                                ? "no values to compare in the current window"
                                : m.type() == FeatureType.CATEGORICAL
                                        ? "a single category in both samples: the chi-square test"
                                                + " has no degree of freedom"
                                        : "metric ks_statistic is undefined";
                decisions[i] =
                        new DriftDecision(
                                false,
                                DriftRule.TWO_SAMPLE_TEST,
                                method[i],
                                null,
                                policies.level(),
                                DriftDecision.NONE,
                                null,
                                null,
                                null,
                                note);
            } else {
                tested++;
            }
        }
        double[] raw = new double[tested];
        int[] index = new int[tested];
        for (int i = 0, t = 0; i < size; i++) {
            if (p[i] != null) {
                index[t] = i;
                raw[t++] = p[i];
            }
        }
        double[] adjusted = tested == 0 ? raw : BenjaminiHochberg.adjust(raw);
        double floor = policies.effectFloor();
        for (int t = 0; t < tested; t++) {
            int i = index[t];
            FeatureMetrics m = metrics.get(i);
            Double effect = effect(m);
            boolean pastFloor = effect != null && effect >= floor;
            boolean rejected = adjusted[t] <= policies.level();
            boolean warning = rejected && pastFloor;
            boolean critical = warning && adjusted[t] <= policies.criticalLevel();
            String guard;
            if (m.type() == FeatureType.NUMERIC) {
                double bound = errorBound(m);
                guard =
                        String.format(
                                "KS statistic %.4g less its error bound %.3g, tested at n=%d,"
                                        + " m=%d; %s; effect floor %.3g",
                                m.value(Statistic.KS),
                                bound,
                                m.currentCount(),
                                m.referenceCount(),
                                components[i],
                                floor);
            } else {
                guard =
                        String.format(
                                "chi-square of homogeneity %.4g over %d bins, n=%d, m=%d; effect"
                                        + " floor %.3g",
                                m.value(Statistic.CHI_SQUARE_TWO_SAMPLE),
                                m.bins(),
                                m.currentCount(),
                                m.referenceCount(),
                                floor);
            }
            String note =
                    String.format(
                            "Benjamini-Hochberg adjusted p-value %.3g over %d tests",
                            adjusted[t], tested);
            if (rejected && !pastFloor) {
                note +=
                        String.format(
                                "; not drift: the effect %.3g (%s) is below the effect floor %.3g",
                                effect,
                                m.type() == FeatureType.NUMERIC
                                        ? "KS statistic less its error bound"
                                        : "largest difference of a category's proportion",
                                floor);
            }
            decisions[i] =
                    new DriftDecision(
                            warning,
                            DriftRule.TWO_SAMPLE_TEST,
                            method[i],
                            raw[t],
                            policies.level(),
                            severity(warning, critical),
                            null,
                            adjusted[t],
                            guard,
                            note);
        }
        return decisions;
    }

    /** The numeric feature's component p-values, for the report's guard. */
    private static String components(FeatureMetrics m, double[] ps) {
        if (ps.length == 0) {
            return "no test";
        }
        StringBuilder b = new StringBuilder();
        b.append(String.format("Simes combination of KS p %.3g", ps[0]));
        if (m instanceof NumericMetrics nm && nm.cellTests() != null) {
            CellTests c = nm.cellTests();
            b.append(
                    String.format(
                            ", rank-sum p %.3g, Ansari-Bradley p %.3g, chi-square over %d pooled"
                                    + " cells p %.3g",
                            c.rankSumPValue(),
                            c.ansariBradleyPValue(),
                            c.pooledCells(),
                            c.chiSquarePValue()));
        }
        return b.toString();
    }

    private static String severity(boolean warning, boolean critical) {
        return critical
                ? DriftDecision.CRITICAL
                : warning ? DriftDecision.WARNING : DriftDecision.NONE;
    }

    private static DriftDecision[] threshold(
            List<? extends FeatureMetrics> metrics, DriftPolicies policies) {
        int size = metrics.size();
        DriftPolicy[] policy = new DriftPolicy[size];
        DriftDecision[] decisions = new DriftDecision[size];
        List<Integer> tested = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            FeatureMetrics m = metrics.get(i);
            policy[i] = policies.forFeature(m.feature(), m.type());
            DriftMethod method = policy[i].method();
            Double value =
                    method.isPValueMethod()
                            ? m.pValue(method.statistic())
                            : m.value(method.statistic());
            if (value == null) {
                decisions[i] = undecided(DriftRule.THRESHOLD, m, method, policy[i].warning());
            } else if (method.isPValueMethod()) {
                tested.add(i);
            } else {
                decisions[i] = effectSize(m, policy[i], value, policies.guardQuantile());
            }
        }
        if (!tested.isEmpty()) {
            double[] p = new double[tested.size()];
            for (int t = 0; t < p.length; t++) {
                int i = tested.get(t);
                p[t] = metrics.get(i).pValue(policy[i].method().statistic());
            }
            double[] adjusted = BenjaminiHochberg.adjust(p);
            for (int t = 0; t < p.length; t++) {
                int i = tested.get(t);
                boolean warning = adjusted[t] <= policy[i].warning();
                boolean critical = adjusted[t] <= policy[i].critical();
                decisions[i] =
                        new DriftDecision(
                                warning,
                                DriftRule.THRESHOLD,
                                policy[i].method(),
                                p[t],
                                policy[i].warning(),
                                severity(warning, critical),
                                null,
                                adjusted[t],
                                null,
                                String.format(
                                        "Benjamini-Hochberg adjusted p-value %.3g over %d tests",
                                        adjusted[t], p.length));
            }
        }
        return decisions;
    }

    private static DriftDecision undecided(
            DriftRule rule, FeatureMetrics m, DriftMethod method, double threshold) {
        String note;
        if (m.currentCount() == 0) {
            note = "no values to compare in the current window";
        } else if (method == DriftMethod.WASSERSTEIN_NORMALIZED) {
            note = "reference std is 0: the normalised Wasserstein distance is undefined";
        } else if (method.statistic().kind() == Statistic.Kind.TEST && m.bins() < 2) {
            note =
                    "a single category in both samples: "
                            + method.statistic().metric()
                            + " has no degree of freedom";
        } else {
            note = "metric " + method.statistic().metric() + " is undefined";
        }
        return new DriftDecision(
                false, rule, method, null, threshold, DriftDecision.NONE, null, null, null, note);
    }

    private static DriftDecision effectSize(
            FeatureMetrics m, DriftPolicy policy, double value, double guardQuantile) {
        long n = m.currentCount();
        long ref = m.referenceCount();
        Double floor = null;
        String note = null;
        String guard;
        boolean pastGuard;
        switch (policy.method()) {
            case PSI -> {
                floor = PopulationStabilityIndex.noiseFloor(n, ref, m.bins(), guardQuantile);
                pastGuard = value > floor;
                guard = guardText(floor, guardQuantile, n, ref);
            }
            case JENSEN_SHANNON -> {
                floor = JensenShannonDistance.noiseFloor(n, ref, m.bins(), guardQuantile);
                pastGuard = value > floor;
                guard = guardText(floor, guardQuantile, n, ref);
            }
            default -> {
                Double ksP = m.pValue(Statistic.KS);
                pastGuard = ksP != null && ksP < 1.0 - guardQuantile;
                guard =
                        String.format(
                                "KS p-value %.3g must be below %.3g (n=%d, m=%d)",
                                ksP, 1.0 - guardQuantile, n, ref);
                if (!pastGuard && value >= policy.warning()) {
                    note =
                            String.format(
                                    "KS p-value %.3g is not below %.3g: the samples (n=%d, m=%d) do not"
                                            + " tell the distributions apart",
                                    ksP, 1.0 - guardQuantile, n, ref);
                }
            }
        }
        if (floor != null && !pastGuard && value >= policy.warning()) {
            note =
                    String.format(
                            "%s %.4g is below the sample-size noise floor %.4g (n=%d, m=%d)",
                            policy.method().statistic().metric(), value, floor, n, ref);
        }
        boolean detected = pastGuard && value >= policy.warning();
        String severity =
                !detected
                        ? DriftDecision.NONE
                        : value >= policy.critical()
                                ? DriftDecision.CRITICAL
                                : DriftDecision.WARNING;
        return new DriftDecision(
                detected,
                DriftRule.THRESHOLD,
                policy.method(),
                value,
                policy.warning(),
                severity,
                floor,
                null,
                guard,
                note);
    }

    private static String guardText(double floor, double quantile, long n, long m) {
        return String.format(
                "noise floor %.4g: the %.3g quantile without drift at n=%d, m=%d",
                floor, quantile, n, m);
    }

    /** Evidently's default, PSI >= 0.1 and plain KS: no correction, no guard. */
    private static DriftDecision[] popular(List<? extends FeatureMetrics> metrics, DriftRule rule) {
        DriftDecision[] decisions = new DriftDecision[metrics.size()];
        for (int i = 0; i < decisions.length; i++) {
            FeatureMetrics m = metrics.get(i);
            boolean numeric = m.type() == FeatureType.NUMERIC;
            DriftMethod method;
            double threshold;
            double critical;
            double scale = 1.0;
            switch (rule) {
                case PSI -> {
                    method = DriftMethod.PSI;
                    threshold = DriftMethod.PSI.defaultWarning();
                    critical = DriftMethod.PSI.defaultCritical();
                }
                case KS -> {
                    method = numeric ? DriftMethod.KS : DriftMethod.CHI_SQUARE;
                    threshold = EVIDENTLY_LEVEL;
                    critical = DriftMethod.KS.defaultCritical();
                }
                default -> {
                    boolean small = m.referenceRows() <= EVIDENTLY_TEST_ROWS;
                    if (numeric) {
                        method = small ? DriftMethod.KS : DriftMethod.WASSERSTEIN_NORMALIZED;
                    } else if (small) {
                        method =
                                m.bins() == 2
                                        ? DriftMethod.CHI_SQUARE_TWO_SAMPLE
                                        : DriftMethod.CHI_SQUARE;
                    } else {
                        method = DriftMethod.JENSEN_SHANNON;
                        scale = JS_BASE2_TO_NATURAL;
                    }
                    threshold = small ? EVIDENTLY_LEVEL : EVIDENTLY_DISTANCE;
                    critical = threshold;
                }
            }
            Double value =
                    method.isPValueMethod()
                            ? m.pValue(method.statistic())
                            : m.value(method.statistic());
            if (value == null) {
                decisions[i] = undecided(rule, m, method, threshold);
                continue;
            }
            double v = value * scale;
            boolean warning = method.isPValueMethod() ? v < threshold : v >= threshold;
            boolean crit = method.isPValueMethod() ? v < critical : v >= critical;
            decisions[i] =
                    new DriftDecision(
                            warning,
                            rule,
                            method,
                            v,
                            threshold,
                            severity(warning, warning && crit),
                            null,
                            null,
                            scale == 1.0 ? null : "Jensen-Shannon distance in natural log",
                            null);
        }
        return decisions;
    }
}
