package dev.driftwatch.ingest.formats;

/** Why a payload could not be decoded: the class of a {@link PayloadRejectedException}. */
public enum RejectReason {
    /** Not valid JSON / protobuf, a wrong JSON type, a missing required field. */
    MALFORMED,
    /** A tensor datatype outside the Open Inference Protocol's list. */
    UNKNOWN_DATATYPE,
    /** Shape and data disagree: element counts, ragged nesting, batch sizes between tensors. */
    SHAPE_MISMATCH,
    /**
     * A well-formed layout that has no feature-row meaning (rank-3 tensors, nested feature values).
     */
    UNSUPPORTED_SHAPE,
    /** Positional values (lists, [N, F] tensors) without a declared input schema to name them. */
    MISSING_SCHEMA,
    /** The input schema names a prediction output that the response does not contain. */
    MISSING_OUTPUT,
    /** A request and its response disagree on the number of rows. */
    ROW_COUNT_MISMATCH,
    /** Beyond a {@link DecodeLimits} bound: bytes, rows, columns, elements, nesting depth. */
    LIMIT_EXCEEDED,
    /** A name or string value that is too long, contains control characters or is not UTF-8. */
    INVALID_TEXT
}
