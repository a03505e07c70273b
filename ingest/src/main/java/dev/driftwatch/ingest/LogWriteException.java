package dev.driftwatch.ingest;

/**
 * Why an event could not be stored: the log is unavailable (retry later) or the event is too large.
 */
public final class LogWriteException extends RuntimeException {
    /** What a client can do about it. */
    public enum Kind {
        /** Broker down, buffer full, timed out: retry later (503). */
        UNAVAILABLE,
        /** The record exceeds what the log accepts (413). */
        TOO_LARGE
    }

    private final Kind kind;

    public LogWriteException(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
