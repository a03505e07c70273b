package dev.driftwatch.core.profile;

import dev.driftwatch.core.DriftCoreException;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Unsigned LEB128 variable-length integers (7 bits per byte, low bits first, high bit set on every
 * byte but the last): the compact form of counts in window bytes and reference profiles.
 */
final class Varint {
    private Varint() {}

    /** Bytes {@link #write} takes for {@code v >= 0}. */
    static int size(long v) {
        int bytes = 1;
        while ((v >>>= 7) != 0) {
            bytes++;
        }
        return bytes;
    }

    static void write(DataOutput out, long v) throws IOException {
        if (v < 0) {
            throw new IllegalArgumentException("varint must be >= 0, was " + v);
        }
        while ((v & ~0x7FL) != 0) {
            out.writeByte((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.writeByte((int) v);
    }

    /**
     * Reads one written by {@link #write}.
     *
     * @throws DriftCoreException if it runs over 63 bits
     */
    static long read(DataInput in, String what) throws IOException {
        long v = 0;
        for (int shift = 0; shift < 63; shift += 7) {
            int b = in.readUnsignedByte();
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        throw new DriftCoreException(what + ": malformed variable-length count");
    }

    /** Reads a count that must fit an int in [0, max]. */
    static int readInt(DataInput in, String what, int max) throws IOException {
        long v = read(in, what);
        if (v > max) {
            throw new DriftCoreException(what + ": " + v + " exceeds " + max);
        }
        return (int) v;
    }
}
