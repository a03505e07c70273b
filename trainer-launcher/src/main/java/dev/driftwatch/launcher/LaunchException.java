package dev.driftwatch.launcher;

/** A run that cannot be launched, cancelled or read, with a message an operator can act on. */
public class LaunchException extends RuntimeException {
    public LaunchException(String message) {
        super(message);
    }

    public LaunchException(String message, Throwable cause) {
        super(message, cause);
    }
}
