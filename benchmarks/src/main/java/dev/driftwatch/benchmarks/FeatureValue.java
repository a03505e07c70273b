package dev.driftwatch.benchmarks;

/**
 * The naive design's record: one feature value of one event (a Flink POJO). Numeric features carry
 * {@code value}, categorical ones {@code category}.
 */
public class FeatureValue {
    public String modelName;
    public String feature;
    public int featureIndex;
    public long timestamp;
    public double value;
    public String category;

    public FeatureValue() {}
}
