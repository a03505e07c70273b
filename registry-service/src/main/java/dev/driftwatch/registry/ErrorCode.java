package dev.driftwatch.registry;

/** MLflow's error codes, with the HTTP status MLflow answers them with. */
public enum ErrorCode {
    INVALID_PARAMETER_VALUE(400),
    RESOURCE_ALREADY_EXISTS(400),
    BAD_REQUEST(400),
    UNAUTHENTICATED(401),
    PERMISSION_DENIED(403),
    RESOURCE_DOES_NOT_EXIST(404),
    ENDPOINT_NOT_FOUND(404),
    /** The resource's state does not allow the request (a run that is not awaiting approval). */
    INVALID_STATE(409),
    REQUEST_TOO_LARGE(413),
    INTERNAL_ERROR(500),
    TEMPORARILY_UNAVAILABLE(503);

    private final int httpStatus;

    ErrorCode(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    public int httpStatus() {
        return httpStatus;
    }
}
