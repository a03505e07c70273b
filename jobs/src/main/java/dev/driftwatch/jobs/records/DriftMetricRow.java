package dev.driftwatch.jobs.records;

/**
 * One row of {@code drift_metrics}. {@code feature} is "" for model-level rows (drift_share,
 * event_count, late_events, invalid_events, no_reference_events). {@code decisive} marks the row
 * whose metric decided the feature's drift (it carries the decision's severity); it is not a
 * column.
 */
public class DriftMetricRow {
    public String modelName;
    public String modelVersion;
    public String segment;
    public String feature;
    public String metric;
    public long windowStart;
    public long windowEnd;

    /** NaN when undefined (written as NULL). */
    public double value;

    /** NaN when not a test (written as NULL). */
    public double pValue;

    /** NaN when no threshold applies (written as NULL). */
    public double threshold;

    public boolean driftDetected;
    public long sampleCount;
    public long referenceCount;
    public long computedAt;

    /** How the window was closed: "watermark" or "timeout" (the quiet-key rule). */
    public String closedBy;

    public boolean decisive;

    /**
     * The window's distribution against its reference as JSON ({@code
     * dev.driftwatch.core.drift.WindowDistribution}), on psi rows; null on the others.
     */
    public String distribution;

    /** "critical", "warning" or "none" on decisive rows. */
    public String severity;

    public DriftMetricRow() {}

    /** The alerting key: one alert series per model, version, segment, feature and metric. */
    public String seriesKey() {
        return dev.driftwatch.core.event.CompositeKey.of(
                modelName, modelVersion, segment, feature, metric);
    }
}
