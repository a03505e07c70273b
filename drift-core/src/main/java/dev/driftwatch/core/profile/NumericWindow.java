package dev.driftwatch.core.profile;

import dev.driftwatch.core.DriftCoreException;
import dev.driftwatch.core.stats.QuantileEdges;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;

/**
 * A numeric feature's window: exact counts over the reference bins, moments (count, mean, sum of
 * squared deviations, min, max), missing / non-finite / type-mismatch / out-of-reference-range
 * counts, and a KLL sketch. Its size does not depend on the number of values.
 *
 * <p>Merge adds counts exactly (associative, commutative) and combines moments with Chan et al.'s
 * parallel formula, which is associative up to floating-point rounding (relative 1e-12 in tests).
 * The sketch merge is the KLL merge: its rank error bound holds for any merge order.
 */
public final class NumericWindow implements FeatureWindow {
    static final byte KIND = 1;

    private final double[] edges;
    private final double referenceMin;
    private final double referenceMax;
    private final long[] binCounts;
    private final KllDoublesSketch sketch;
    private long missing;
    private long nonFinite;
    private long typeMismatches;
    private long outOfRange;
    private long n;
    private double mean;
    private double m2;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;

    NumericWindow(double[] edges, double referenceMin, double referenceMax, int sketchK) {
        this(
                edges,
                referenceMin,
                referenceMax,
                new long[edges.length + 1],
                KllDoublesSketch.newHeapInstance(sketchK));
    }

    private NumericWindow(
            double[] edges,
            double referenceMin,
            double referenceMax,
            long[] binCounts,
            KllDoublesSketch sketch) {
        this.edges = edges;
        this.referenceMin = referenceMin;
        this.referenceMax = referenceMax;
        this.binCounts = binCounts;
        this.sketch = sketch;
    }

    /** Adds one value: NaN is missing, an infinity is non-finite, anything else is binned. */
    public void update(double v) {
        if (v != v) {
            missing++;
            return;
        }
        if (v == Double.POSITIVE_INFINITY || v == Double.NEGATIVE_INFINITY) {
            nonFinite++;
            return;
        }
        v += 0.0; // -0.0 becomes 0.0
        binCounts[QuantileEdges.binOf(edges, v)]++;
        if (v < referenceMin || v > referenceMax) {
            outOfRange++;
        }
        n++;
        double delta = v - mean;
        mean += delta / n;
        m2 += delta * (v - mean);
        if (v < min) {
            min = v;
        }
        if (v > max) {
            max = v;
        }
        sketch.update(v);
    }

    @Override
    public void updateMissing() {
        missing++;
    }

    @Override
    public void updateTypeMismatch() {
        typeMismatches++;
    }

    @Override
    public void merge(FeatureWindow other) {
        if (!(other instanceof NumericWindow o)) {
            throw new DriftCoreException("cannot merge a categorical window into a numeric one");
        }
        if (o.edges != edges && !Arrays.equals(o.edges, edges)) {
            throw new DriftCoreException("cannot merge numeric windows binned on different edges");
        }
        for (int i = 0; i < binCounts.length; i++) {
            binCounts[i] += o.binCounts[i];
        }
        missing += o.missing;
        nonFinite += o.nonFinite;
        typeMismatches += o.typeMismatches;
        outOfRange += o.outOfRange;
        if (o.n > 0) {
            long total = n + o.n;
            double delta = o.mean - mean;
            mean += delta * o.n / total;
            m2 += o.m2 + delta * delta * ((double) n * o.n / total);
            n = total;
            min = Math.min(min, o.min);
            max = Math.max(max, o.max);
            sketch.merge(o.sketch);
        }
    }

    @Override
    public NumericWindow copy() {
        KllDoublesSketch sk = KllDoublesSketch.heapify(Memory.wrap(sketch.toByteArray()));
        NumericWindow w =
                new NumericWindow(edges, referenceMin, referenceMax, binCounts.clone(), sk);
        w.copyCountsFrom(this);
        return w;
    }

    private void copyCountsFrom(NumericWindow o) {
        missing = o.missing;
        nonFinite = o.nonFinite;
        typeMismatches = o.typeMismatches;
        outOfRange = o.outOfRange;
        n = o.n;
        mean = o.mean;
        m2 = o.m2;
        min = o.min;
        max = o.max;
    }

    @Override
    public long rows() {
        return missing + nonFinite + typeMismatches + n;
    }

    @Override
    public long missing() {
        return missing;
    }

    public long nonFinite() {
        return nonFinite;
    }

    @Override
    public long typeMismatches() {
        return typeMismatches;
    }

    /** Finite values outside the reference [min, max]. */
    public long outOfRange() {
        return outOfRange;
    }

    /** Number of finite values (binned and sketched). */
    public long finiteCount() {
        return n;
    }

    /** Count per reference bin (a copy). */
    public long[] binCounts() {
        return binCounts.clone();
    }

    public double mean() {
        return n == 0 ? Double.NaN : mean;
    }

    /** Population standard deviation of the finite values. */
    public double std() {
        return n == 0 ? Double.NaN : Math.sqrt(m2 / n);
    }

    public double min() {
        return n == 0 ? Double.NaN : min;
    }

    public double max() {
        return n == 0 ? Double.NaN : max;
    }

    /** The window's KLL sketch (do not update it directly). */
    public KllDoublesSketch sketch() {
        return sketch;
    }

    double[] edgesShared() {
        return edges;
    }

    @Override
    public void writeTo(DataOutput out) throws IOException {
        out.writeByte(KIND);
        out.writeInt(edges.length);
        for (double e : edges) {
            out.writeDouble(e);
        }
        out.writeDouble(referenceMin);
        out.writeDouble(referenceMax);
        for (long c : binCounts) {
            out.writeLong(c);
        }
        out.writeLong(missing);
        out.writeLong(nonFinite);
        out.writeLong(typeMismatches);
        out.writeLong(outOfRange);
        out.writeLong(n);
        out.writeDouble(mean);
        out.writeDouble(m2);
        out.writeDouble(min);
        out.writeDouble(max);
        byte[] sk = sketch.toByteArray();
        out.writeInt(sk.length);
        out.write(sk);
    }

    /** Reads the body written by {@link #writeTo} after its kind byte. */
    static NumericWindow readFrom(DataInput in) throws IOException {
        int edgeCount = in.readInt();
        if (edgeCount < 0 || edgeCount > 1_000_000) {
            throw new DriftCoreException("window bytes: bad edge count " + edgeCount);
        }
        double[] edges = new double[edgeCount];
        for (int i = 0; i < edgeCount; i++) {
            edges[i] = in.readDouble();
        }
        double refMin = in.readDouble();
        double refMax = in.readDouble();
        long[] counts = new long[edgeCount + 1];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = in.readLong();
        }
        long missing = in.readLong();
        long nonFinite = in.readLong();
        long typeMismatches = in.readLong();
        long outOfRange = in.readLong();
        long n = in.readLong();
        double mean = in.readDouble();
        double m2 = in.readDouble();
        double min = in.readDouble();
        double max = in.readDouble();
        int len = in.readInt();
        if (len < 0 || len > 64 << 20) {
            throw new DriftCoreException("window bytes: bad sketch length " + len);
        }
        byte[] sk = new byte[len];
        in.readFully(sk);
        KllDoublesSketch sketch = KllDoublesSketch.heapify(Memory.wrap(sk));
        NumericWindow w = new NumericWindow(edges, refMin, refMax, counts, sketch);
        w.missing = missing;
        w.nonFinite = nonFinite;
        w.typeMismatches = typeMismatches;
        w.outOfRange = outOfRange;
        w.n = n;
        w.mean = mean;
        w.m2 = m2;
        w.min = min;
        w.max = max;
        return w;
    }
}
