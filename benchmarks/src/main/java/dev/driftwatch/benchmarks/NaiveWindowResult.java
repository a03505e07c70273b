package dev.driftwatch.benchmarks;

/**
 * The naive design's output: one feature's window with its exact KS statistic (numeric) or
 * chi-square statistic (categorical) and p-value (a Flink POJO).
 */
public class NaiveWindowResult {
    public String modelName;
    public String feature;
    public int featureIndex;
    public long windowStart;
    public long count;
    public double statistic;
    public double pValue;

    public NaiveWindowResult() {}
}
