package dev.driftwatch.core.drift;

import java.util.List;

/**
 * Drift of every feature of a window, and of the dataset as a whole.
 *
 * @param features per-feature metrics and decision, in input order
 * @param driftedFeatures how many features drifted
 * @param driftShare drifted features / features with a decision (0 when none could be decided)
 * @param datasetDrift whether {@code driftShare >= dataset_drift_share}
 */
public record DriftReport(
        List<FeatureDrift> features, int driftedFeatures, double driftShare, boolean datasetDrift) {

    /** One feature's metrics and verdict. */
    public record FeatureDrift(FeatureMetrics metrics, DriftDecision decision) {}
}
