package dev.driftwatch.registry;

/** A request the registry refuses, answered as MLflow's {@code {"error_code", "message"}}. */
public class RegistryException extends RuntimeException {
    private final ErrorCode errorCode;

    public RegistryException(ErrorCode errorCode, String message) {
        super(message);
        this.errorCode = errorCode;
    }

    public ErrorCode errorCode() {
        return errorCode;
    }

    public static RegistryException invalid(String message) {
        return new RegistryException(ErrorCode.INVALID_PARAMETER_VALUE, message);
    }

    public static RegistryException notFound(String message) {
        return new RegistryException(ErrorCode.RESOURCE_DOES_NOT_EXIST, message);
    }

    public static RegistryException exists(String message) {
        return new RegistryException(ErrorCode.RESOURCE_ALREADY_EXISTS, message);
    }
}
