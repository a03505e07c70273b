package dev.driftwatch.jobs.records;

/** A model's performance window in keyed state. */
public class PerformanceWindowState {
    public String modelName;
    public String modelVersion;
    public String segment;

    /** The accumulator's versioned bytes (PerformanceWindows); null before the first label. */
    public byte[] accumulator;

    /**
     * Estimated performance of all the window's predictions ({@code EstimatedPerformanceWindows}
     * bytes); null while none could be estimated.
     */
    public byte[] estimate;

    /**
     * Estimated performance of the labelled predictions alone, to compare with the realised metrics
     * (the estimation error); null while none.
     */
    public byte[] labelledEstimate;

    public long predictions;
    public long unlabelled;
    public long orphaned;
    public boolean dirty;

    /** How the window was closed ("watermark" or "timeout"); null while open. */
    public String closedBy;

    /** Processing time of the last change to this window. */
    public long lastArrival;

    public PerformanceWindowState() {}
}
