package dev.driftwatch.core.performance;

import java.io.DataOutput;
import java.io.IOException;
import java.util.Map;

/**
 * Mergeable, bounded window state that estimates a classifier's performance from its calibrated
 * probabilities alone, before any label arrives (confidence-based performance estimation). Every
 * update can be undone (sign -1).
 */
public sealed interface EstimatedPerformance
        permits EstimatedBinaryPerformance, EstimatedMulticlassPerformance {
    TaskType task();

    /** Predictions counted. */
    long predictions();

    /** Adds {@code other} into this one. */
    void merge(EstimatedPerformance other);

    /** Metric name to estimate (null when undefined), in report order. */
    Map<String, Estimate> estimates();

    void writeTo(DataOutput out) throws IOException;
}
