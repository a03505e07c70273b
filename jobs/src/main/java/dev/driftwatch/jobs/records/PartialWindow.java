package dev.driftwatch.jobs.records;

/**
 * A pre-aggregated slice of one key's window: the merged {@code WindowProfile} bytes of the events
 * seen since the last flush (null when none had a reference profile) and the window's counters.
 */
public class PartialWindow {
    /** model/version/segment: the shuffle key. */
    public String key;

    public String modelName;
    public String modelVersion;
    public String segment;
    public long windowStart;
    public long windowEnd;

    /** The reference profile the profile was binned against (null when profile is null). */
    public String referenceId;

    public byte[] profile;

    /** Events in this slice. */
    public long events;

    /**
     * Events that arrived after the watermark passed their window's end (within allowed lateness).
     */
    public long lateEvents;

    /** Events of a model version with no reference profile (counted, not binned). */
    public long noReferenceEvents;

    /**
     * Records of this model that failed validation (dead-lettered) but had a readable event time.
     */
    public long invalidEvents;

    public PartialWindow() {}

    public static String key(String modelName, String modelVersion, String segment) {
        return dev.driftwatch.core.event.CompositeKey.of(modelName, modelVersion, segment);
    }
}
