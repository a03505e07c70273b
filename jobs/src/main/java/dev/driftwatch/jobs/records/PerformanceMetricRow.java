package dev.driftwatch.jobs.records;

/** One row of {@code performance_metrics}. */
public class PerformanceMetricRow {
    public String modelName;
    public String modelVersion;
    public String segment;
    public String metric;

    /** True for a value estimated before labels; false for realised values. */
    public boolean estimated;

    public long windowStart;
    public long windowEnd;

    /** NaN when undefined (written as NULL). */
    public double value;

    /** The standard error of an estimate (NaN when none: written as NULL). */
    public double standardError = Double.NaN;

    public long sampleCount;
    public long labeledCount;
    public long computedAt;

    /** "watermark" or "timeout" once the window is closed; null while it is open. */
    public String closedBy;

    public PerformanceMetricRow() {}
}
