package dev.driftwatch.core.event;

/** A record that is not a valid event; the message is the dead-letter reason. */
public class InvalidEventException extends Exception {
    private final String modelName;
    private final String modelVersion;
    private final long timestamp;

    public InvalidEventException(
            String reason, String modelName, String modelVersion, long timestamp) {
        super(reason, null, false, false);
        this.modelName = modelName;
        this.modelVersion = modelVersion;
        this.timestamp = timestamp;
    }

    /** The model name, when it could be read before the error and is valid (else null). */
    public String modelName() {
        return modelName;
    }

    public String modelVersion() {
        return modelVersion;
    }

    /** The event time, when it could be read and is valid (else {@link Rejection#NO_TIME}). */
    public long timestamp() {
        return timestamp;
    }

    /** This error as a typed rejection. */
    public Rejection rejection() {
        return new Rejection(getMessage(), modelName, modelVersion, timestamp);
    }
}
