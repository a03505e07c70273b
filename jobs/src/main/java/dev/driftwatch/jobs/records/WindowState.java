package dev.driftwatch.jobs.records;

/** A key's window in keyed state: the merged profile bytes and counters. */
public class WindowState {
    public String modelName;
    public String modelVersion;
    public String segment;
    public String referenceId;
    public byte[] profile;
    public long events;
    public long lateEvents;
    public long noReferenceEvents;
    public long invalidEvents;

    /**
     * Events binned against a different reference profile than the window's (not merged, counted).
     */
    public long referenceMismatchEvents;

    public boolean fired;

    /** How the window was closed ("watermark" or "timeout"); null while open. */
    public String closedBy;

    /** Processing time of the last slice of this window. */
    public long lastArrival;

    public WindowState() {}
}
