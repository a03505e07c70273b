package dev.driftwatch.jobs.records;

/** The latest label of a prediction in the join. */
public class PendingLabel {
    public long timestamp;
    public String label;
    public double value = Double.NaN;

    public PendingLabel() {}
}
