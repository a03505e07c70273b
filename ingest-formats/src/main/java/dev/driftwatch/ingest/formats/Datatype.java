package dev.driftwatch.ingest.formats;

/**
 * The tensor data types of the Open Inference Protocol, with their element size in raw contents and
 * the integer range of the integer types ({@code BF16}, used by Triton, is accepted too).
 */
enum Datatype {
    BOOL(Kind.BOOL, 1, 0, 1),
    UINT8(Kind.INTEGER, 1, 0, 0xFFL),
    UINT16(Kind.INTEGER, 2, 0, 0xFFFFL),
    UINT32(Kind.INTEGER, 4, 0, 0xFFFF_FFFFL),
    /** Unsigned: the 64 bits are held in a long and read with the unsigned conversions. */
    UINT64(Kind.INTEGER, 8, 0, -1),
    INT8(Kind.INTEGER, 1, Byte.MIN_VALUE, Byte.MAX_VALUE),
    INT16(Kind.INTEGER, 2, Short.MIN_VALUE, Short.MAX_VALUE),
    INT32(Kind.INTEGER, 4, Integer.MIN_VALUE, Integer.MAX_VALUE),
    INT64(Kind.INTEGER, 8, Long.MIN_VALUE, Long.MAX_VALUE),
    FP16(Kind.FLOAT, 2, 0, 0),
    BF16(Kind.FLOAT, 2, 0, 0),
    FP32(Kind.FLOAT, 4, 0, 0),
    FP64(Kind.FLOAT, 8, 0, 0),
    /** Variable size; in raw contents each element is a 4-byte little-endian length and bytes. */
    BYTES(Kind.BYTES, 0, 0, 0);

    /** How elements are held and what they mean as features and predictions. */
    enum Kind {
        /** held as "true"/"false" strings: categorical features, labels */
        BOOL,
        /** held as longs: numeric features, labels */
        INTEGER,
        /** held as doubles: numeric features, scores */
        FLOAT,
        /** held as strings: categorical features, labels */
        BYTES
    }

    final Kind kind;
    final int size;
    final long min;
    final long max;

    Datatype(Kind kind, int size, long min, long max) {
        this.kind = kind;
        this.size = size;
        this.min = min;
        this.max = max;
    }

    static Datatype parse(String name, String tensor) throws PayloadRejectedException {
        for (Datatype d : values()) {
            if (d.name().equals(name)) {
                return d;
            }
        }
        throw new PayloadRejectedException(
                RejectReason.UNKNOWN_DATATYPE,
                "tensor "
                        + TextCheck.show(tensor)
                        + " has the unknown datatype "
                        + TextCheck.show(name)
                        + " (BOOL, UINT8..UINT64, INT8..INT64, FP16, BF16, FP32, FP64, BYTES)");
    }

    /** Whether a signed value (or, for UINT64, any bit pattern) is within this type's range. */
    boolean inRange(long v) {
        return this == UINT64 || (v >= min && v <= max);
    }
}
