package dev.driftwatch.core.drift;

import dev.driftwatch.core.DriftCoreException;
import dev.driftwatch.core.profile.CategoricalReference;
import dev.driftwatch.core.profile.FeatureReference;
import dev.driftwatch.core.profile.NumericReference;
import dev.driftwatch.core.profile.ReferenceProfile;
import dev.driftwatch.core.profile.WindowProfile;
import dev.driftwatch.core.stats.EmpiricalDistribution;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Computes every feature's metrics for a window against its reference profile.
 *
 * <pre>{@code
 * List<FeatureMetrics> metrics = ProfileComparison.compare(reference, window);
 * DriftReport report = DriftDetector.evaluate(metrics, DriftPolicies.defaults());
 * }</pre>
 */
public final class ProfileComparison {
    private ProfileComparison() {}

    /**
     * Metrics from the profiles' distributions (KS and Wasserstein exact when both are exact,
     * otherwise with their error bounds).
     */
    public static List<FeatureMetrics> compare(ReferenceProfile reference, WindowProfile window) {
        return compare(reference, window, Map.of(), Map.of());
    }

    /**
     * Metrics where KS and Wasserstein use exact samples when given: {@code referenceSamples} and
     * {@code currentSamples} map numeric feature names to their finite values; a feature absent
     * from either map falls back to that side's profile distribution.
     */
    public static List<FeatureMetrics> compare(
            ReferenceProfile reference,
            WindowProfile window,
            Map<String, double[]> referenceSamples,
            Map<String, double[]> currentSamples) {
        List<FeatureMetrics> out = new ArrayList<>(window.featureCount());
        for (int i = 0; i < window.featureCount(); i++) {
            String name = window.featureName(i);
            FeatureReference ref = reference.feature(name);
            if (ref == null) {
                throw new DriftCoreException(
                        "window feature '" + name + "' is not in the reference profile");
            }
            if (ref instanceof NumericReference r) {
                double[] refSample = referenceSamples.get(name);
                double[] curSample = currentSamples.get(name);
                EmpiricalDistribution refDistribution =
                        refSample != null
                                ? EmpiricalDistribution.ofSample(refSample)
                                : r.distribution();
                out.add(
                        curSample != null
                                ? NumericMetrics.of(
                                        name,
                                        r,
                                        window.numeric(i),
                                        refDistribution,
                                        EmpiricalDistribution.ofSample(curSample))
                                : NumericMetrics.of(name, r, window.numeric(i), refDistribution));
            } else {
                out.add(
                        CategoricalMetrics.of(
                                name, (CategoricalReference) ref, window.categorical(i)));
            }
        }
        return out;
    }
}
