package dev.driftwatch.core.profile;

import dev.driftwatch.core.DriftCoreException;
import dev.driftwatch.core.stats.EmpiricalDistribution;
import dev.driftwatch.core.stats.QuantileEdges;
import java.util.Arrays;
import org.apache.datasketches.kll.KllSketch;

/**
 * Builds a {@link NumericReference} from the exact reference sample. It keeps the finite values (8
 * bytes each) because the bin edges are exact quantiles of the reference; the profile it builds is
 * of bounded size: its distribution has at most {@code maxPoints} points (default {@value
 * #DEFAULT_MAX_POINTS}, about 27 KB of profile JSON).
 *
 * <ul>
 *   <li>A sample with at most {@code maxPoints} distinct finite values (any number of values) is
 *       kept exactly: every distinct value with its count.
 *   <li>A larger one becomes a deterministic quantile summary ({@link
 *       EmpiricalDistribution#compress}): its CDF is within {@code 2 / maxPoints} (about 0.001 at
 *       the default) of the sample's everywhere, and its Wasserstein-1 distance to the sample is
 *       computed exactly and reported with every statistic, so the reference side adds a known,
 *       negligible error.
 * </ul>
 *
 * <pre>{@code
 * NumericReferenceBuilder b = new NumericReferenceBuilder();
 * for (double v : values) b.add(v);        // NaN counts as missing, +-Infinity as non-finite
 * NumericReference ref = b.build(10);      // 10 quantile bins
 * }</pre>
 */
public final class NumericReferenceBuilder {
    /** Default most points of a reference distribution (exact up to this many distinct values). */
    public static final int DEFAULT_MAX_POINTS = 2048;

    /** Largest accepted {@code maxPoints}. */
    public static final int MAX_POINTS_LIMIT = 1_000_000;

    private final int maxPoints;
    private double[] values = new double[1024];
    private int size;
    private long missing;
    private long nonFinite;

    public NumericReferenceBuilder() {
        this(DEFAULT_MAX_POINTS);
    }

    /**
     * @param maxPoints the most (value, count) points the reference distribution keeps: exact up to
     *     this many distinct values, a summary with rank error at most {@code 2 / maxPoints} beyond
     * @throws DriftCoreException unless {@code 16 <= maxPoints <= 1,000,000}
     */
    public NumericReferenceBuilder(int maxPoints) {
        if (maxPoints < 16 || maxPoints > MAX_POINTS_LIMIT) {
            throw new DriftCoreException(
                    "reference points must be in [16, " + MAX_POINTS_LIMIT + "], was " + maxPoints);
        }
        this.maxPoints = maxPoints;
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
        for (int i = 0; i < size; i++) {
            counts[QuantileEdges.binOf(edges, sorted[i])]++;
        }
        EmpiricalDistribution distribution =
                EmpiricalDistribution.ofSample(sorted).compress(maxPoints);
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
                distribution,
                KllSketch.DEFAULT_K);
    }
}
