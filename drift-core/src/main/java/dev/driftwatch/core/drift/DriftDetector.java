package dev.driftwatch.core.drift;

import dev.driftwatch.core.stats.BenjaminiHochberg;
import dev.driftwatch.core.stats.JensenShannonDistance;
import dev.driftwatch.core.stats.PopulationStabilityIndex;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides drift per feature and for the dataset.
 *
 * <ul>
 *   <li>Effect sizes (PSI, JS, normalised Wasserstein) drift when the value reaches the warning
 *       threshold <em>and</em> passes a sample-size guard, so that small windows do not alarm on
 *       noise: PSI must exceed the guard quantile of its approximate null distribution {@code (1/n
 *       + 1/m) chi2(B-1)}; the JS distance the matching quantile {@code sqrt((1/n + 1/m) chi2(B-1)
 *       / (8 ln 2))}; the normalised Wasserstein distance needs a KS p-value below {@code 1 - guard
 *       quantile}.
 *   <li>p-values (KS, chi-square) are corrected together with Benjamini-Hochberg across all
 *       features that use a p-value method; a feature drifts when rejected at the warning FDR
 *       level, critically when also rejected at the critical level.
 * </ul>
 *
 * <pre>{@code
 * DriftReport report = DriftDetector.evaluate(metrics, DriftPolicies.defaults());
 * }</pre>
 */
public final class DriftDetector {
    private DriftDetector() {}

    public static DriftReport evaluate(
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
                decisions[i] =
                        new DriftDecision(
                                false,
                                policy[i].method(),
                                null,
                                policy[i].warning(),
                                DriftDecision.NONE,
                                null,
                                undecidableNote(m, policy[i].method()));
            } else if (policy[i].method().isPValueMethod()) {
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
                                policy[i].method(),
                                p[t],
                                policy[i].warning(),
                                critical
                                        ? DriftDecision.CRITICAL
                                        : warning ? DriftDecision.WARNING : DriftDecision.NONE,
                                null,
                                String.format(
                                        "Benjamini-Hochberg adjusted p-value %.3g over %d tests",
                                        adjusted[t], p.length));
            }
        }
        List<DriftReport.FeatureDrift> features = new ArrayList<>(size);
        int drifted = 0;
        int decided = 0;
        for (int i = 0; i < size; i++) {
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

    private static String undecidableNote(FeatureMetrics m, DriftMethod method) {
        if (m.currentCount() == 0) {
            return "no values to compare in the current window";
        }
        if (method == DriftMethod.WASSERSTEIN_NORMALIZED) {
            return "reference std is 0: the normalised Wasserstein distance is undefined";
        }
        return "metric " + method.statistic().metric() + " is undefined";
    }

    private static DriftDecision effectSize(
            FeatureMetrics m, DriftPolicy policy, double value, double guardQuantile) {
        long n = m.currentCount();
        long ref = m.referenceCount();
        Double floor = null;
        String note = null;
        boolean pastGuard;
        switch (policy.method()) {
            case PSI -> {
                floor = PopulationStabilityIndex.noiseFloor(n, ref, m.bins(), guardQuantile);
                pastGuard = value > floor;
            }
            case JENSEN_SHANNON -> {
                floor = JensenShannonDistance.noiseFloor(n, ref, m.bins(), guardQuantile);
                pastGuard = value > floor;
            }
            default -> {
                Double ksP = m.pValue(Statistic.KS);
                pastGuard = ksP != null && ksP < 1.0 - guardQuantile;
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
                detected, policy.method(), value, policy.warning(), severity, floor, note);
    }
}
