package dev.driftwatch.core.event;

/**
 * A parsed ground-truth label: for a classification model {@code label} (text), for a regression
 * model {@code value} (NaN when absent). Public fields keep it a Flink POJO.
 */
public final class LabelEvent {
    public String predictionId;
    public String modelName;
    public long timestamp;
    public String label;
    public double value = Double.NaN;

    public LabelEvent() {}

    /** True for a regression label ({@code "value"}). */
    public boolean isValue() {
        return label == null;
    }
}
