package dev.driftwatch.ingest.formats;

/**
 * Bounds on what one payload may contain, so that a hostile or broken payload costs bounded memory
 * and time and is rejected with {@link RejectReason#LIMIT_EXCEEDED} or {@link
 * RejectReason#INVALID_TEXT}.
 *
 * @param maxPayloadBytes larger payloads are rejected before parsing
 * @param maxRows rows (batch size, {@code shape[0]}) per payload
 * @param maxColumns features per row, and tensors per payload
 * @param maxElements tensor elements (or instance values) per payload, all tensors together
 * @param maxDepth JSON nesting depth (the payload's own object nesting included)
 * @param maxStringLength characters per name or string value (feature names, tensor names, ids,
 *     model names and versions, labels, string feature values)
 */
public record DecodeLimits(
        int maxPayloadBytes,
        int maxRows,
        int maxColumns,
        int maxElements,
        int maxDepth,
        int maxStringLength) {

    /** 8 MiB, 10,000 rows, 10,000 columns, 1,000,000 elements, depth 32, strings of 256. */
    public static final DecodeLimits DEFAULTS =
            new DecodeLimits(8 << 20, 10_000, 10_000, 1_000_000, 32, 256);

    public DecodeLimits {
        if (maxPayloadBytes < 1
                || maxRows < 1
                || maxColumns < 1
                || maxElements < 1
                || maxDepth < 4
                || maxStringLength < 1) {
            throw new IllegalArgumentException(
                    "decode limits must be positive (and maxDepth at least 4): " + this);
        }
    }
}
