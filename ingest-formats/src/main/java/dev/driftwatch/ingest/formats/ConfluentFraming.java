package dev.driftwatch.ingest.formats;

/**
 * Recognises the Confluent schema-registry wire framing in front of a Kafka value and finds where
 * the payload starts: magic byte 0, a 4-byte big-endian schema id, and, for protobuf, the message
 * indexes (a zig-zag varint count followed by that many zig-zag varint indexes; a single 0 byte
 * stands for the first message).
 *
 * <p>An unframed protobuf message never starts with a 0 byte (field number 0 does not exist) and
 * JSON never does either, so a leading 0 is the framing.
 */
final class ConfluentFraming {
    static final byte MAGIC = 0;
    private static final int HEADER = 5;
    private static final int MAX_INDEXES = 64;

    private ConfluentFraming() {}

    static boolean isFramed(byte[] b, int offset, int length) {
        return length > 0 && b[offset] == MAGIC;
    }

    /** Offset of a protobuf payload after the framing (offset itself when not framed). */
    static int protobufPayload(byte[] b, int offset, int length) throws PayloadRejectedException {
        if (!isFramed(b, offset, length)) {
            return offset;
        }
        int end = offset + length;
        int[] pos = {offset + HEADER};
        if (pos[0] >= end) {
            throw truncated(length);
        }
        int count = zigZagVarint(b, pos, end);
        if (count < 0 || count > MAX_INDEXES) {
            throw new PayloadRejectedException(
                    RejectReason.MALFORMED,
                    "Confluent framing with "
                            + count
                            + " message indexes (at most "
                            + MAX_INDEXES
                            + ")");
        }
        for (int i = 0; i < count; i++) {
            if (zigZagVarint(b, pos, end) < 0) {
                throw new PayloadRejectedException(
                        RejectReason.MALFORMED, "Confluent framing with a negative message index");
            }
        }
        return pos[0];
    }

    /** Offset of a JSON payload after the framing (magic byte and schema id only). */
    static int jsonPayload(byte[] b, int offset, int length) throws PayloadRejectedException {
        if (!isFramed(b, offset, length)) {
            return offset;
        }
        if (length <= HEADER) {
            throw truncated(length);
        }
        return offset + HEADER;
    }

    private static int zigZagVarint(byte[] b, int[] pos, int end) throws PayloadRejectedException {
        int raw = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            if (pos[0] >= end) {
                throw truncated(end);
            }
            byte x = b[pos[0]++];
            raw |= (x & 0x7f) << shift;
            if (x >= 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
        throw new PayloadRejectedException(
                RejectReason.MALFORMED, "Confluent framing with a malformed varint");
    }

    private static PayloadRejectedException truncated(int length) {
        return new PayloadRejectedException(
                RejectReason.MALFORMED,
                "Confluent-framed value of " + length + " bytes ends inside its header");
    }
}
