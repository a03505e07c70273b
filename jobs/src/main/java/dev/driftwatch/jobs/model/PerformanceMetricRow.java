package dev.driftwatch.jobs.model;

/** One row of {@code performance_metrics}. */
public class PerformanceMetricRow {
    public String modelName;
    public String modelVersion;
    public String segment;
    public String metric;
    public long windowStart;
    public long windowEnd;

    /** NaN when undefined (written as NULL). */
    public double value;

    public long sampleCount;
    public long labeledCount;
    public long computedAt;

    public PerformanceMetricRow() {}
}
