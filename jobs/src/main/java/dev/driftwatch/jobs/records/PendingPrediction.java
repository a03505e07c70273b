package dev.driftwatch.jobs.records;

/** A prediction waiting in the join for its label. */
public class PendingPrediction {
    public String modelVersion;
    public String segment;
    public long timestamp;
    public double score = Double.NaN;
    public String predictedLabel;

    /**
     * Class probabilities (multiclass): pseudo-feature names ({@code
     * prediction.probabilities.<class>}) and values; null when the prediction had none.
     */
    public String[] probabilityNames;

    public double[] probabilities;

    public PendingPrediction() {}
}
