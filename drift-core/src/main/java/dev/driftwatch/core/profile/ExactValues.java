package dev.driftwatch.core.profile;

import dev.driftwatch.core.DriftCoreException;
import dev.driftwatch.core.stats.EmpiricalDistribution;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A window's finite values held exactly: sorted distinct values with their counts, plus a buffer of
 * the latest values not sorted in yet (appending is all an update does; sorting in happens when the
 * buffer is full or the values are read). Its encoded size ({@link #encodedBytes}: 8 bytes per
 * distinct value and a variable-length count) never shrinks when values are added, so whether a
 * window still fits its exact form depends only on the multiset of its values, not on the order in
 * which parts were merged.
 */
final class ExactValues {
    private static final int FIRST_BUFFER = 16;
    private static final int MAX_BUFFER = 1024;
    private static final double[] NO_VALUES = new double[0];
    private static final long[] NO_COUNTS = new long[0];

    private double[] buffer = NO_VALUES;
    private int buffered;
    private double[] values = NO_VALUES;
    private long[] counts = NO_COUNTS;
    private double[] spareValues = NO_VALUES;
    private long[] spareCounts = NO_COUNTS;
    private int distinct;
    private long encodedBytes;

    /**
     * Adds a finite value: counts it if it is one of the distinct values already sorted in (ties of
     * discrete data: no sorting), otherwise appends it to the buffer; false when the buffer is full
     * (call {@link #sortIn} first). The buffer grows to at most {@value #MAX_BUFFER} values.
     */
    boolean offer(double v) {
        if (distinct > 0) {
            int i = Arrays.binarySearch(values, 0, distinct, v);
            if (i >= 0) {
                long c = counts[i]++;
                encodedBytes += Varint.size(c + 1) - Varint.size(c);
                return true;
            }
        }
        if (buffered == buffer.length) {
            if (buffer.length >= MAX_BUFFER) {
                return false;
            }
            buffer = Arrays.copyOf(buffer, Math.max(FIRST_BUFFER, buffer.length * 2));
        }
        buffer[buffered++] = v;
        return true;
    }

    /** Sorts the buffered values into the distinct values. */
    void sortIn() {
        if (buffered == 0) {
            return;
        }
        Arrays.sort(buffer, 0, buffered);
        int n = buffered;
        buffered = 0;
        mergeRuns(buffer, null, n);
    }

    /** Adds every value of {@code other} (which is sorted in first). */
    void addAll(ExactValues other) {
        other.sortIn();
        sortIn();
        mergeRuns(other.values, other.counts, other.distinct);
    }

    /**
     * Merges sorted {@code add[0..size)} into the distinct values: with {@code addCounts} null each
     * element counts once (and equal neighbours form a run), otherwise it carries its count.
     */
    private void mergeRuns(double[] add, long[] addCounts, int size) {
        int capacity = distinct + size;
        if (spareValues.length < capacity) {
            // grown geometrically, and swapped with the current arrays: no allocation per merge
            int grown = Math.max(capacity, 2 * spareValues.length);
            spareValues = new double[grown];
            spareCounts = new long[grown];
        }
        double[] v = spareValues;
        long[] c = spareCounts;
        int i = 0;
        int j = 0;
        int k = 0;
        long bytes = 0;
        while (i < distinct || j < size) {
            double x;
            long count = 0;
            if (j >= size || (i < distinct && values[i] <= add[j])) {
                x = values[i];
            } else {
                x = add[j];
            }
            if (i < distinct && values[i] == x) {
                count += counts[i++];
            }
            while (j < size && add[j] == x) {
                count += addCounts == null ? 1 : addCounts[j];
                j++;
            }
            v[k] = x;
            c[k] = count;
            bytes += 8 + Varint.size(count);
            k++;
        }
        spareValues = values;
        spareCounts = counts;
        values = v;
        counts = c;
        distinct = k;
        encodedBytes = bytes;
    }

    /** Bytes of the distinct values and counts in {@link #writeTo}'s form (after sorting in). */
    long encodedBytes() {
        sortIn();
        return encodedBytes;
    }

    /** Number of distinct values (after sorting in). */
    int distinct() {
        sortIn();
        return distinct;
    }

    /** The i-th smallest distinct value; call {@link #distinct()} first. */
    double value(int i) {
        return values[i];
    }

    /** Count of the i-th smallest distinct value; call {@link #distinct()} first. */
    long count(int i) {
        return counts[i];
    }

    /** The exact distribution of the values. */
    EmpiricalDistribution distribution() {
        sortIn();
        return EmpiricalDistribution.ofCounts(values, counts, distinct, 0.0, 0.0);
    }

    ExactValues copy() {
        ExactValues c = new ExactValues();
        c.buffer = buffer.length == 0 ? NO_VALUES : buffer.clone();
        c.buffered = buffered;
        c.values = Arrays.copyOf(values, distinct);
        c.counts = Arrays.copyOf(counts, distinct);
        c.distinct = distinct;
        c.encodedBytes = encodedBytes;
        return c;
    }

    /**
     * Writes the distinct count, the byte length of the counts, the values (IEEE doubles) and their
     * counts (varints), the last two as one block each.
     */
    void writeTo(DataOutput out) throws IOException {
        sortIn();
        int countBytes = (int) (encodedBytes - 8L * distinct);
        Varint.write(out, distinct);
        Varint.write(out, countBytes);
        ByteBuffer block = ByteBuffer.allocate(8 * distinct + countBytes);
        block.asDoubleBuffer().put(values, 0, distinct);
        block.position(8 * distinct);
        for (int i = 0; i < distinct; i++) {
            long c = counts[i];
            while ((c & ~0x7FL) != 0) {
                block.put((byte) ((c & 0x7F) | 0x80));
                c >>>= 7;
            }
            block.put((byte) c);
        }
        out.write(block.array());
    }

    /**
     * Reads {@link #writeTo}'s form, which must hold {@code expectedCount} values in all.
     *
     * @throws DriftCoreException if the values are not finite and strictly increasing or the counts
     *     do not add up
     */
    static ExactValues readFrom(DataInput in, long expectedCount) throws IOException {
        int d = Varint.readInt(in, "window bytes: distinct values", 1 << 24);
        if (d > expectedCount) {
            throw new DriftCoreException(
                    "window bytes: " + d + " distinct values but " + expectedCount + " values");
        }
        int countBytes = Varint.readInt(in, "window bytes: count bytes", 10 * d);
        byte[] block = new byte[8 * d + countBytes];
        in.readFully(block);
        double[] v = new double[d];
        ByteBuffer.wrap(block, 0, 8 * d).asDoubleBuffer().get(v);
        for (int i = 0; i < d; i++) {
            if (!Double.isFinite(v[i]) || (i > 0 && !(v[i] > v[i - 1]))) {
                throw new DriftCoreException(
                        "window bytes: exact values must be finite and strictly increasing");
            }
        }
        long[] c = new long[d];
        long total = 0;
        long bytes = 0;
        int pos = 8 * d;
        for (int i = 0; i < d; i++) {
            long value = 0;
            for (int shift = 0; ; shift += 7) {
                if (pos >= block.length || shift > 56) {
                    throw new DriftCoreException("window bytes: malformed value counts");
                }
                int b = block[pos++];
                value |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    break;
                }
            }
            if (value < 1) {
                throw new DriftCoreException("window bytes: a value count is 0");
            }
            c[i] = value;
            total += value;
            bytes += 8 + Varint.size(value);
        }
        if (pos != block.length) {
            throw new DriftCoreException("window bytes: malformed value counts");
        }
        if (total != expectedCount) {
            throw new DriftCoreException(
                    "window bytes: exact values count "
                            + total
                            + " but the window has "
                            + expectedCount);
        }
        ExactValues e = new ExactValues();
        e.values = v;
        e.counts = c;
        e.distinct = d;
        e.encodedBytes = bytes;
        return e;
    }
}
