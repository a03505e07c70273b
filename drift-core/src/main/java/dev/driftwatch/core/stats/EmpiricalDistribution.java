package dev.driftwatch.core.stats;

import java.util.Arrays;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.quantilescommon.DoublesSortedView;

/**
 * A right-continuous step CDF over distinct finite values with integer weights, and how far it may
 * be from the CDF F of the stream it summarises: an exact sample, a deterministic quantile summary
 * of one ({@link #compress}), or a KLL sketch (optionally with the stream's exact extreme values).
 *
 * <p>Two error terms describe it, both 0 when it is exact:
 *
 * <ul>
 *   <li>{@link #rankError()}: a bound on {@code sup_x |F^(x) - F(x)|}; the KS statistic between two
 *       distributions is within the sum of theirs of the exact one.
 *   <li>{@link #wassersteinError()}: a bound on {@code integral |F^(x) - F(x)| dx}, which is the
 *       Wasserstein-1 distance between the summary and the stream; by the triangle inequality W1
 *       between two distributions is within the sum of theirs of the exact one.
 * </ul>
 *
 * <p>For a compressed sample both are computed exactly when it is compressed. For a KLL sketch the
 * rank error is the sketch's a-priori single-sided normalised rank error at 99% confidence ({@code
 * KllSketch.getNormalizedRankError(false)}, as DataSketches' own KS test uses it), and the CDF can
 * only be off where it is not known exactly: between the stream's extreme values that are held
 * exactly beside the sketch ({@code L}, the largest of the lowest ones, and {@code U}, the smallest
 * of the highest ones; the sketch's exact minimum and maximum when no more are held). Below {@code
 * L} and from {@code U} on the CDF is exact, so the Wasserstein error is {@code e * (U - L)}.
 *
 * <pre>{@code
 * EmpiricalDistribution ref = EmpiricalDistribution.ofSample(referenceValues);
 * EmpiricalDistribution cur = window.distribution();
 * double d = KolmogorovSmirnov.statistic(ref, cur);
 * }</pre>
 */
public final class EmpiricalDistribution {
    private static final EmpiricalDistribution EMPTY =
            new EmpiricalDistribution(new double[0], new long[0], 0, 0.0, 0.0);

    /** Slack on a computed Wasserstein error so that rounding in its sum never undercuts it. */
    private static final double SUM_SLACK = 1e-9;

    private final double[] values;
    private final long[] cumulativeCounts;
    private final long total;

    /** cumulativeCounts / total, for the distance walks. */
    private final double[] cdfs;

    private final double rankError;
    private final double wassersteinError;

    private EmpiricalDistribution(
            double[] values,
            long[] cumulativeCounts,
            long total,
            double rankError,
            double wassersteinError) {
        this.values = values;
        this.cumulativeCounts = cumulativeCounts;
        this.total = total;
        this.rankError = rankError;
        this.wassersteinError = wassersteinError;
        this.cdfs = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            cdfs[i] = (double) cumulativeCounts[i] / total;
        }
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
        long[] cumulative = new long[length];
        int size = 0;
        for (int i = 0; i < length; i++) {
            size = append(sorted, cumulative, size, sorted[i], i + 1);
        }
        return build(sorted, cumulative, size, length, 0.0, 0.0);
    }

    /**
     * The distribution of {@code size} distinct values, strictly increasing and finite, with their
     * counts (each at least 1), and the error terms of the summary they are (0 and 0 when they are
     * the exact sample).
     *
     * @throws IllegalArgumentException naming the first value or count that breaks these rules
     */
    public static EmpiricalDistribution ofCounts(
            double[] values, long[] counts, int size, double rankError, double wassersteinError) {
        if (!(rankError >= 0.0 && rankError <= 1.0)) {
            throw new IllegalArgumentException("rank error must be in [0, 1], was " + rankError);
        }
        if (!(wassersteinError >= 0.0) || !Double.isFinite(wassersteinError)) {
            throw new IllegalArgumentException(
                    "Wasserstein error must be finite and >= 0, was " + wassersteinError);
        }
        double[] v = new double[size];
        long[] cumulative = new long[size];
        long sum = 0;
        for (int i = 0; i < size; i++) {
            if (!Double.isFinite(values[i]) || (i > 0 && !(values[i] > values[i - 1]))) {
                throw new IllegalArgumentException(
                        "values must be finite and strictly increasing (value " + i + ")");
            }
            if (counts[i] < 1) {
                throw new IllegalArgumentException("counts must be >= 1 (count " + i + ")");
            }
            sum = Math.addExact(sum, counts[i]);
            v[i] = values[i] + 0.0;
            cumulative[i] = sum;
        }
        if (size == 0) {
            return EMPTY;
        }
        return new EmpiricalDistribution(v, cumulative, sum, rankError, wassersteinError);
    }

    /**
     * The distribution of a KLL sketch's retained items, with the sketch's rank error; its exact
     * minimum and maximum bound where the CDF may be off.
     */
    public static EmpiricalDistribution ofSketch(KllDoublesSketch sketch) {
        if (sketch.isEmpty()) {
            return EMPTY;
        }
        double[] min = {sketch.getMinItem()};
        double[] max = {sketch.getMaxItem()};
        return ofSketch(sketch, min, 1, max, 1);
    }

    /**
     * The distribution of a KLL sketch of a stream whose {@code lowCount} smallest values ({@code
     * lowest}, ascending, with multiplicity) and {@code highCount} largest values ({@code highest},
     * ascending) are known exactly. Below the largest of the lowest values (L) and from the
     * smallest of the highest values (U) on, the CDF is exact; in between it is the sketch's,
     * clamped to what the exact values allow, within the sketch's rank error.
     *
     * @param lowCount at least 1 when the sketch is not empty
     * @param highCount at least 1 when the sketch is not empty
     */
    public static EmpiricalDistribution ofSketch(
            KllDoublesSketch sketch,
            double[] lowest,
            int lowCount,
            double[] highest,
            int highCount) {
        if (sketch.isEmpty()) {
            return EMPTY;
        }
        if (lowCount < 1 || highCount < 1) {
            throw new IllegalArgumentException("need the extreme values of a non-empty sketch");
        }
        long n = sketch.getN();
        double low = lowest[lowCount - 1];
        double high = highest[0];
        double error = sketch.isEstimationMode() ? sketch.getNormalizedRankError(false) : 0.0;
        int capacity = lowCount + highCount + (low < high ? sketch.getNumRetained() : 0);
        double[] points = new double[capacity];
        long[] cumulative = new long[capacity];
        int size = 0;
        if (!(low < high)) {
            // The extremes overlap: every x is below L or at or above U, so the CDF is exact.
            for (int i = 0; i < lowCount && lowest[i] < high; i++) {
                size = append(points, cumulative, size, lowest[i], i + 1);
            }
            for (int i = 0; i < highCount; i++) {
                size = append(points, cumulative, size, highest[i], n - highCount + i + 1);
            }
            return build(points, cumulative, size, n, 0.0, 0.0);
        }
        // Exact below L: the count of lowest values <= x.
        for (int i = 0; i < lowCount && lowest[i] < low; i++) {
            size = append(points, cumulative, size, lowest[i], i + 1);
        }
        // [L, U): the sketch's CDF, clamped to [lowCount, n - highCount].
        DoublesSortedView view = sketch.getSortedView();
        double[] items = view.getQuantiles();
        long[] weights = view.getCumulativeWeights();
        long floor = lowCount;
        long ceiling = n - highCount;
        int j = 0;
        while (j < items.length && items[j] < low) {
            j++;
        }
        long atLow = j == 0 ? 0 : weights[j - 1];
        while (j < items.length && items[j] == low) {
            atLow = weights[j++];
        }
        size = append(points, cumulative, size, low, clamp(atLow, floor, ceiling));
        for (; j < items.length && items[j] < high; j++) {
            size = append(points, cumulative, size, items[j], clamp(weights[j], floor, ceiling));
        }
        // Exact from U: n minus the count of highest values > x.
        for (int i = 0; i < highCount; i++) {
            size = append(points, cumulative, size, highest[i], n - highCount + i + 1);
        }
        return build(points, cumulative, size, n, error, error * (high - low));
    }

    private static long clamp(long v, long lo, long hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    /** Appends a point, or raises the last one's cumulative count when x repeats it. */
    private static int append(double[] points, long[] cumulative, int size, double x, long cum) {
        x += 0.0;
        if (size > 0 && points[size - 1] == x) {
            cumulative[size - 1] = Math.max(cumulative[size - 1], cum);
            return size;
        }
        points[size] = x;
        cumulative[size] = cum;
        return size + 1;
    }

    private static EmpiricalDistribution build(
            double[] points,
            long[] cumulative,
            int size,
            long total,
            double rankError,
            double wassersteinError) {
        // Clamping keeps the counts non-decreasing; drop points that add no weight.
        int kept = 0;
        long previous = 0;
        for (int i = 0; i < size; i++) {
            if (cumulative[i] > previous) {
                points[kept] = points[i];
                cumulative[kept] = cumulative[i];
                previous = cumulative[i];
                kept++;
            }
        }
        return new EmpiricalDistribution(
                Arrays.copyOf(points, kept),
                Arrays.copyOf(cumulative, kept),
                total,
                rankError,
                wassersteinError);
    }

    /**
     * A deterministic quantile summary of this distribution with at most {@code maxPoints} points;
     * this distribution itself when it has no more.
     *
     * <p>Consecutive distinct values are grouped into blocks, each represented by its weighted
     * median carrying the block's whole count. A block holds at most {@code 4 n / maxPoints} of the
     * n values (a single value of larger count is a block of its own) and, so that sparse tails
     * stay (nearly) exact, at most an "area" {@code count * (last - first)} of {@code tau * n},
     * with the smallest {@code tau} (found by bisection) that keeps the number of blocks within
     * {@code maxPoints}. Its errors are computed exactly and added to this distribution's: the rank
     * error by {@code max(count below the median, count above it) / n} over the blocks (at most
     * {@code 2 / maxPoints}), the Wasserstein error by {@code sum |v - median| / n} over all
     * values.
     *
     * @throws IllegalArgumentException if {@code maxPoints < 4}
     */
    public EmpiricalDistribution compress(int maxPoints) {
        if (maxPoints < 4) {
            throw new IllegalArgumentException("maxPoints must be >= 4, was " + maxPoints);
        }
        int d = values.length;
        if (d <= maxPoints) {
            return this;
        }
        long[] counts = new long[d];
        for (int i = 0; i < d; i++) {
            counts[i] = cumulativeCounts[i] - (i == 0 ? 0 : cumulativeCounts[i - 1]);
        }
        long maxWeight = Math.max(1, (long) Math.ceil(4.0 * total / maxPoints));
        // With no area limit, every two consecutive blocks hold more than maxWeight values, so
        // there are at most 2 n / maxWeight + 1 <= maxPoints / 2 + 1 blocks: bisection starts
        // from a feasible tau.
        double lo = 0.0;
        double hi = (values[d - 1] - values[0]) * (double) total;
        // 60 halvings: tau within 1e-18 of the range's; a slightly larger tau only merges a few
        // more blocks.
        for (int it = 0; it < 60 && hi - lo > 1e-12 * hi; it++) {
            double mid = lo + (hi - lo) / 2;
            if (blocks(counts, maxWeight, mid, null, null) <= maxPoints) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        int size = blocks(counts, maxWeight, hi, null, null);
        double[] points = new double[size];
        long[] blockCounts = new long[size];
        double[] errors = new double[2];
        blocks(counts, maxWeight, hi, points, blockCounts);
        blockErrors(counts, maxWeight, hi, errors);
        long[] cumulative = new long[size];
        long sum = 0;
        for (int b = 0; b < size; b++) {
            sum += blockCounts[b];
            cumulative[b] = sum;
        }
        return new EmpiricalDistribution(
                points,
                cumulative,
                total,
                Math.min(1.0, rankError + errors[0]),
                wassersteinError + errors[1] * (1.0 + SUM_SLACK));
    }

    /**
     * Groups the values into blocks (count <= maxWeight unless a single value, count * width <=
     * areaLimit unless a single value); returns their number, and fills the blocks' medians and
     * counts when the arrays are given.
     */
    private int blocks(
            long[] counts, long maxWeight, double areaLimit, double[] medians, long[] weights) {
        int d = values.length;
        int b = 0;
        int i = 0;
        while (i < d) {
            int j = blockEnd(counts, i, maxWeight, areaLimit);
            if (medians != null) {
                long w = 0;
                for (int k = i; k <= j; k++) {
                    w += counts[k];
                }
                medians[b] = values[median(counts, i, j, w)];
                weights[b] = w;
            }
            b++;
            i = j + 1;
        }
        return b;
    }

    /** Rank error and Wasserstein error (un-normalised by slack) of the blocks' medians. */
    private void blockErrors(long[] counts, long maxWeight, double areaLimit, double[] out) {
        int d = values.length;
        long maxDeviation = 0;
        double area = 0.0;
        int i = 0;
        while (i < d) {
            int j = blockEnd(counts, i, maxWeight, areaLimit);
            long w = 0;
            for (int k = i; k <= j; k++) {
                w += counts[k];
            }
            int m = median(counts, i, j, w);
            long below = 0;
            for (int k = i; k < m; k++) {
                below += counts[k];
                area += counts[k] * (values[m] - values[k]);
            }
            long above = 0;
            for (int k = m + 1; k <= j; k++) {
                above += counts[k];
                area += counts[k] * (values[k] - values[m]);
            }
            maxDeviation = Math.max(maxDeviation, Math.max(below, above));
            i = j + 1;
        }
        out[0] = (double) maxDeviation / total;
        out[1] = area / total;
    }

    private int blockEnd(long[] counts, int start, long maxWeight, double areaLimit) {
        long w = counts[start];
        int j = start;
        while (j + 1 < values.length) {
            long next = w + counts[j + 1];
            if (next > maxWeight || next * (values[j + 1] - values[start]) > areaLimit) {
                break;
            }
            w = next;
            j++;
        }
        return j;
    }

    /** The lower weighted median of values[i..j] of total count w. */
    private static int median(long[] counts, int i, int j, long w) {
        long half = (w + 1) / 2;
        long acc = 0;
        for (int k = i; k <= j; k++) {
            acc += counts[k];
            if (acc >= half) {
                return k;
            }
        }
        return j;
    }

    /** Number of values summarised (the stream's count, not the points kept). */
    public long count() {
        return total;
    }

    public boolean isEmpty() {
        return total == 0;
    }

    /** True when this is the exact distribution: both error terms are 0. */
    public boolean isExact() {
        return rankError == 0.0 && wassersteinError == 0.0;
    }

    /** Bound on {@code sup |F^ - F|}: 0 when exact. */
    public double rankError() {
        return rankError;
    }

    /** Bound on {@code integral |F^ - F| dx}, the W1 distance to the stream: 0 when exact. */
    public double wassersteinError() {
        return wassersteinError;
    }

    /** Number of distinct points of the step CDF. */
    public int size() {
        return values.length;
    }

    /** The i-th point (ascending). */
    public double value(int i) {
        return values[i];
    }

    /** The weight (count) of the i-th point. */
    public long weight(int i) {
        return cumulativeCounts[i] - (i == 0 ? 0 : cumulativeCounts[i - 1]);
    }

    /** The points, shared (not to be modified). */
    double[] points() {
        return values;
    }

    /** F at each point, shared (not to be modified). */
    double[] cdfs() {
        return cdfs;
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

    @Override
    public boolean equals(Object o) {
        return o instanceof EmpiricalDistribution d
                && total == d.total
                && Double.compare(rankError, d.rankError) == 0
                && Double.compare(wassersteinError, d.wassersteinError) == 0
                && Arrays.equals(values, d.values)
                && Arrays.equals(cumulativeCounts, d.cumulativeCounts);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(total) * 31 + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "EmpiricalDistribution[n="
                + total
                + ", points="
                + values.length
                + ", rankError="
                + rankError
                + ", wassersteinError="
                + wassersteinError
                + "]";
    }
}
