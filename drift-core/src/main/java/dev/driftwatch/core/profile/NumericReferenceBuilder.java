package dev.driftwatch.core.profile;

import dev.driftwatch.core.DriftCoreException;
import dev.driftwatch.core.stats.QuantileEdges;
import java.util.Arrays;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.kll.KllSketch;

/**
 * Builds a {@link NumericReference} from the exact reference sample. It keeps the finite values (8
 * bytes each) because the bin edges are exact quantiles of the reference; the profile it builds is
 * of bounded size.
 *
 * <pre>{@code
 * NumericReferenceBuilder b = new NumericReferenceBuilder();
 * for (double v : values) b.add(v);        // NaN counts as missing, +-Infinity as non-finite
 * NumericReference ref = b.build(10);      // 10 quantile bins
 * }</pre>
 */
public final class NumericReferenceBuilder {
    private final int sketchK;
    private double[] values = new double[1024];
    private int size;
    private long missing;
    private long nonFinite;

    public NumericReferenceBuilder() {
        this(KllSketch.DEFAULT_K);
    }

    /**
     * @param sketchK the KLL sketch parameter k; its rank error is {@code
     *     KllSketch.getNormalizedRankError(k, false)} (about 1.3% at the default k = 200)
     */
    public NumericReferenceBuilder(int sketchK) {
        this.sketchK = sketchK;
    }

    /** Adds a value: NaN is missing, an infinity is non-finite, anything else is binned. */
    public void add(double v) {
        if (Double.isNaN(v)) {
            missing++;
        } else if (Double.isInfinite(v)) {
            nonFinite++;
        } else {
            if (size == values.length) {
                values = Arrays.copyOf(values, values.length * 2);
            }
            values[size++] = v + 0.0;
        }
    }

    public void addMissing() {
        missing++;
    }

    /** Neumaier-compensated sum of {@code v - shift}, or of its square. */
    private double compensatedSum(double[] values, double shift, boolean squared) {
        double sum = 0.0;
        double compensation = 0.0;
        for (int i = 0; i < size; i++) {
            double d = values[i] - shift;
            double x = squared ? d * d : d;
            double t = sum + x;
            if (Math.abs(sum) >= Math.abs(x)) {
                compensation += (sum - t) + x;
            } else {
                compensation += (x - t) + sum;
            }
            sum = t;
        }
        return sum + compensation;
    }

    /** Number of finite values added so far. */
    public int finiteCount() {
        return size;
    }

    /** The finite values added so far, sorted ascending (a new array). */
    public double[] sortedValues() {
        double[] sorted = Arrays.copyOf(values, size);
        Arrays.sort(sorted);
        return sorted;
    }

    /**
     * The profile with {@code bins} quantile bins (fewer when edges coincide).
     *
     * @throws DriftCoreException if no finite value was added
     */
    public NumericReference build(int bins) {
        if (bins < 1) {
            throw new DriftCoreException("bins must be >= 1, was " + bins);
        }
        if (size == 0) {
            throw new DriftCoreException("no finite values to profile");
        }
        double[] sorted = sortedValues();
        double[] edges = QuantileEdges.fromSorted(sorted, size, bins);
        long[] counts = new long[edges.length + 1];
        KllDoublesSketch sketch = KllDoublesSketch.newHeapInstance(sketchK);
        for (int i = 0; i < size; i++) {
            double v = sorted[i];
            counts[QuantileEdges.binOf(edges, v)]++;
            sketch.update(v);
        }
        // Two passes with compensated sums: the sample is at hand, and a one-pass update loses
        // precision on values far from zero (1e12 + noise).
        double mean = compensatedSum(sorted, 0.0, false) / size;
        double std = Math.sqrt(compensatedSum(sorted, mean, true) / size);
        return new NumericReference(
                missing + nonFinite + size,
                missing,
                nonFinite,
                mean,
                std,
                sorted[0],
                sorted[size - 1],
                edges,
                counts,
                sketch);
    }
}
