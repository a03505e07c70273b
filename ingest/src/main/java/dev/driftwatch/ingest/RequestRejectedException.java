package dev.driftwatch.ingest;

/** A request the endpoint cannot accept: the HTTP status and a reason for the client. */
final class RequestRejectedException extends Exception {
    private final int status;

    RequestRejectedException(int status, String reason) {
        super(reason, null, false, false);
        this.status = status;
    }

    int status() {
        return status;
    }
}
