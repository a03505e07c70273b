package dev.driftwatch.jobs.records;

/**
 * A change to one model's performance window (by prediction time): a prediction counted, a labelled
 * pair added (+1) or retracted (-1, when a later label replaces it), a prediction that stayed
 * unlabelled past the join TTL, a label whose prediction never came (orphaned, windowed by the
 * label's time), or a pre-aggregated slice of the window's estimated performance (estimate).
 */
public class PerformanceDelta {
    public static final String PREDICTION = "prediction";
    public static final String PAIR = "pair";
    public static final String UNLABELLED = "unlabelled";
    public static final String ORPHANED = "orphaned";
    public static final String ESTIMATE = "estimate";

    public String kind;
    public String modelName;
    public String modelVersion;
    public String segment;

    /** Event time that places the delta in a window; for an estimate, the window's start. */
    public long timestamp;

    public int sign = 1;
    public double score = Double.NaN;
    public String predictedLabel;
    public String actualLabel;
    public double actualValue = Double.NaN;

    /**
     * A pair's class probabilities (multiclass): pseudo-feature names ({@code
     * prediction.probabilities.<class>}) and values; null when the prediction had none.
     */
    public String[] probabilityNames;

    public double[] probabilities;

    /** An estimate's slice: {@code EstimatedPerformanceWindows} bytes. */
    public byte[] estimate;

    public PerformanceDelta() {}

    public String windowKey() {
        return dev.driftwatch.core.event.CompositeKey.of(modelName, modelVersion, segment);
    }
}
