package dev.driftwatch.jobs.records;

/** A prediction waiting in the join for its label. */
public class PendingPrediction {
    public String modelVersion;
    public String segment;
    public long timestamp;
    public double score = Double.NaN;
    public String predictedLabel;

    public PendingPrediction() {}
}
