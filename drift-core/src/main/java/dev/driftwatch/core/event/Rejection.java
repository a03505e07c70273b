package dev.driftwatch.core.event;

/**
 * Why a record (or a part of one) broke the contract, with its identity when that could be read and
 * is itself valid: the model name and version and the event time, so that the jobs can count the
 * record in its window ({@link #attributable()}) although they dead-letter it.
 *
 * @param reason what is wrong, for the dead letter
 * @param modelName the model name, or null when not read or invalid
 * @param modelVersion the model version, or null
 * @param timestamp the event time (epoch ms), or {@link #NO_TIME}
 */
public record Rejection(String reason, String modelName, String modelVersion, long timestamp) {
    /** The timestamp of a rejection whose event time is unknown or invalid. */
    public static final long NO_TIME = Long.MIN_VALUE;

    /** A rejection of a record of unknown identity. */
    public static Rejection of(String reason) {
        return new Rejection(reason, null, null, NO_TIME);
    }

    /** True when model, version and event time are known: the record counts in its window. */
    public boolean attributable() {
        return modelName != null && modelVersion != null && timestamp != NO_TIME;
    }
}
