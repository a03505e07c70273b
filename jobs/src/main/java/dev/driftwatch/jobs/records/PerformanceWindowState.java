package dev.driftwatch.jobs.records;

/** A model's performance window in keyed state. */
public class PerformanceWindowState {
    public String modelName;
    public String modelVersion;
    public String segment;

    /** The accumulator's versioned bytes (PerformanceWindows); null before the first label. */
    public byte[] accumulator;

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
