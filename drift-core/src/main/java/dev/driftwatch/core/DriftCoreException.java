package dev.driftwatch.core;

/**
 * Invalid input to drift-core (bad profile, incompatible window, malformed bytes), with a message a
 * user can act on.
 */
public class DriftCoreException extends RuntimeException {
    public DriftCoreException(String message) {
        super(message);
    }

    public DriftCoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
