package dev.driftwatch.ingest.formats;

/**
 * A payload that cannot be turned into rows; {@link #reason()} classifies it and the message says
 * what exactly is wrong (it becomes the dead-letter reason).
 */
public final class PayloadRejectedException extends Exception {
    private final RejectReason reason;

    public PayloadRejectedException(RejectReason reason, String message) {
        // no stack trace: rejections are expected, frequent under hostile input, and carry their
        // whole meaning in the message
        super(message, null, false, false);
        this.reason = reason;
    }

    public RejectReason reason() {
        return reason;
    }
}
