package dev.driftwatch.core.performance;

import java.io.DataOutput;
import java.io.IOException;
import java.util.Map;

/**
 * Mergeable, bounded window state of one model's labelled predictions. Every update can be undone
 * (sign -1), so a label replaced by a later one is retracted exactly.
 */
public sealed interface PerformanceAccumulator
        permits BinaryPerformance, MulticlassPerformance, RegressionPerformance {
    TaskType task();

    /** Labelled pairs counted. */
    long labeled();

    /** Adds {@code other} into this one. */
    void merge(PerformanceAccumulator other);

    /** Metric name to value (null when undefined), in report order. */
    Map<String, Double> metrics();

    void writeTo(DataOutput out) throws IOException;
}
