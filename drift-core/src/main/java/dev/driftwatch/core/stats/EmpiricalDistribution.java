package dev.driftwatch.core.stats;

import java.util.Arrays;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.quantilescommon.DoublesSortedView;

/**
 * A right-continuous step CDF over distinct finite values: either an exact sample or the retained
 * items of a KLL sketch.
 *
 * <p>{@link #rankError()} is the normalised rank error of the CDF with respect to the stream it
 * summarises: 0 for an exact sample or for a sketch still in exact mode, otherwise the KLL
 * single-sided rank error at 99% confidence ({@code KllSketch.getNormalizedRankError(false)}).
 * Every CDF value {@code F(x)} is within that error of the true one.
 *
 * <pre>{@code
 * EmpiricalDistribution ref = EmpiricalDistribution.ofSample(referenceValues);
 * EmpiricalDistribution cur = EmpiricalDistribution.ofSketch(window.sketch());
 * double d = KolmogorovSmirnov.statistic(ref, cur);
 * }</pre>
 */
public final class EmpiricalDistribution {
    private final double[] values;
    private final long[] cumulativeCounts;
    private final long total;
    private final double rankError;

    private EmpiricalDistribution(
            double[] values, long[] cumulativeCounts, long total, double rankError) {
        this.values = values;
        this.cumulativeCounts = cumulativeCounts;
        this.total = total;
        this.rankError = rankError;
    }

    /**
     * The exact empirical distribution of finite values. The array is not modified.
     *
     * @throws IllegalArgumentException if a value is NaN or infinite
     */
    public static EmpiricalDistribution ofSample(double[] sample) {
        return ofSample(sample, sample.length);
    }

    /** The exact empirical distribution of the first {@code length} values of {@code sample}. */
    public static EmpiricalDistribution ofSample(double[] sample, int length) {
        double[] sorted = Arrays.copyOf(sample, length);
        for (int i = 0; i < length; i++) {
            if (!Double.isFinite(sorted[i])) {
                throw new IllegalArgumentException("sample value is not finite: " + sorted[i]);
            }
            sorted[i] += 0.0; // -0.0 becomes 0.0: numbers compare as IEEE doubles
        }
        Arrays.sort(sorted);
        long[] weights = new long[length];
        for (int i = 0; i < length; i++) {
            weights[i] = i + 1;
        }
        return compress(sorted, weights, length, 0.0);
    }

    /** The distribution of a KLL sketch's retained items, with the sketch's rank error. */
    public static EmpiricalDistribution ofSketch(KllDoublesSketch sketch) {
        if (sketch.isEmpty()) {
            return new EmpiricalDistribution(new double[0], new long[0], 0, 0.0);
        }
        DoublesSortedView view = sketch.getSortedView();
        double error = sketch.isEstimationMode() ? sketch.getNormalizedRankError(false) : 0.0;
        double[] items = view.getQuantiles().clone();
        for (int i = 0; i < items.length; i++) {
            items[i] += 0.0;
        }
        return compress(items, view.getCumulativeWeights(), view.getN(), error);
    }

    /** Keeps, for each run of equal values, the last cumulative count. */
    private static EmpiricalDistribution compress(
            double[] sorted, long[] cumulative, long total, double rankError) {
        int distinct = 0;
        for (int i = 0; i < sorted.length; i++) {
            if (i + 1 < sorted.length && sorted[i + 1] == sorted[i]) {
                continue;
            }
            sorted[distinct] = sorted[i];
            cumulative[distinct] = cumulative[i];
            distinct++;
        }
        return new EmpiricalDistribution(
                Arrays.copyOf(sorted, distinct),
                Arrays.copyOf(cumulative, distinct),
                total,
                rankError);
    }

    /** Number of values summarised (the stream's count, not the retained items). */
    public long count() {
        return total;
    }

    public boolean isEmpty() {
        return total == 0;
    }

    /** Normalised rank error of {@link #cdf}: 0 when exact. */
    public double rankError() {
        return rankError;
    }

    int size() {
        return values.length;
    }

    double value(int i) {
        return values[i];
    }

    /** F(x_i) for the i-th distinct value. */
    double cdfAt(int i) {
        return (double) cumulativeCounts[i] / total;
    }

    /** Fraction of values {@code <= x}. */
    public double cdf(double x) {
        int lo = 0;
        int hi = values.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (values[mid] <= x) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo == 0 ? 0.0 : (double) cumulativeCounts[lo - 1] / total;
    }

    /**
     * The smallest value retained (exact for samples; the sketch's smallest retained item
     * otherwise).
     */
    double min() {
        return values[0];
    }

    double max() {
        return values[values.length - 1];
    }
}
