package dev.driftwatch.core.profile;

import dev.driftwatch.core.DriftCoreException;
import dev.driftwatch.core.stats.EmpiricalDistribution;
import dev.driftwatch.core.stats.QuantileEdges;
import java.util.Arrays;

/**
 * Reference profile of a numeric feature: counts, moments, quantile bin edges with the reference
 * count in each bin, and the distribution of the finite values: exact (every distinct value with
 * its count) when the sample has few enough distinct values, otherwise a deterministic quantile
 * summary whose rank and Wasserstein errors are known (see {@link NumericReferenceBuilder}).
 *
 * <p>{@code count = missing + nonFinite + sum(binCounts)}; mean and std (population) are over the
 * finite values. Build one with {@link NumericReferenceBuilder}.
 */
public final class NumericReference implements FeatureReference {
    private final long count;
    private final long missing;
    private final long nonFinite;
    private final double mean;
    private final double std;
    private final double min;
    private final double max;
    private final double[] edges;
    private final long[] binCounts;
    private final EmpiricalDistribution distribution;
    private final int windowSketchK;
    private final double[] windowGrid;

    /** The most points of the grid a window's values are counted on beyond its exact form. */
    public static final int WINDOW_GRID_POINTS = 192;

    NumericReference(
            long count,
            long missing,
            long nonFinite,
            double mean,
            double std,
            double min,
            double max,
            double[] edges,
            long[] binCounts,
            EmpiricalDistribution distribution,
            int windowSketchK) {
        this.count = count;
        this.missing = missing;
        this.nonFinite = nonFinite;
        this.mean = mean;
        this.std = std;
        this.min = min;
        this.max = max;
        this.edges = edges;
        this.binCounts = binCounts;
        this.distribution = distribution;
        this.windowSketchK = windowSketchK;
        validate();
        this.windowGrid = gridOf(distribution, WINDOW_GRID_POINTS);
    }

    private void validate() {
        if (count < 0 || missing < 0 || nonFinite < 0) {
            throw new DriftCoreException("numeric reference: counts must be >= 0");
        }
        if (binCounts.length != edges.length + 1) {
            throw new DriftCoreException(
                    "numeric reference: "
                            + edges.length
                            + " bin edges need "
                            + (edges.length + 1)
                            + " bin counts, found "
                            + binCounts.length);
        }
        for (int i = 0; i < edges.length; i++) {
            if (!Double.isFinite(edges[i]) || (i > 0 && !(edges[i] > edges[i - 1]))) {
                throw new DriftCoreException(
                        "numeric reference: bin edges must be finite and strictly increasing");
            }
        }
        long binned = 0;
        for (long c : binCounts) {
            if (c < 0) {
                throw new DriftCoreException("numeric reference: bin counts must be >= 0");
            }
            binned += c;
        }
        if (binned + missing + nonFinite != count) {
            throw new DriftCoreException(
                    "numeric reference: count "
                            + count
                            + " != missing "
                            + missing
                            + " + non_finite "
                            + nonFinite
                            + " + sum of bin counts "
                            + binned);
        }
        if (binned == 0) {
            throw new DriftCoreException("numeric reference: no finite values");
        }
        if (distribution.count() != binned) {
            throw new DriftCoreException(
                    "numeric reference: the distribution holds "
                            + distribution.count()
                            + " values but the bins hold "
                            + binned);
        }
        if (!(std >= 0.0) || !Double.isFinite(mean) || !(min <= max)) {
            throw new DriftCoreException(
                    "numeric reference: need finite mean, std >= 0 and min <= max");
        }
        if (distribution.value(0) < min || distribution.value(distribution.size() - 1) > max) {
            throw new DriftCoreException(
                    "numeric reference: distribution values outside [min, max]");
        }
        if (distribution.isExact()) {
            if (distribution.value(0) != min
                    || distribution.value(distribution.size() - 1) != max) {
                throw new DriftCoreException(
                        "numeric reference: an exact distribution must start at min and end at max");
            }
            long[] fromValues = new long[binCounts.length];
            for (int i = 0; i < distribution.size(); i++) {
                fromValues[QuantileEdges.binOf(edges, distribution.value(i))] +=
                        distribution.weight(i);
            }
            if (!Arrays.equals(fromValues, binCounts)) {
                throw new DriftCoreException(
                        "numeric reference: bin counts disagree with the exact values "
                                + Arrays.toString(fromValues));
            }
        }
        if (windowSketchK < 8 || windowSketchK > 65_535) {
            throw new DriftCoreException(
                    "numeric reference: window sketch k must be in [8, 65535], was "
                            + windowSketchK);
        }
    }

    @Override
    public long count() {
        return count;
    }

    @Override
    public long missing() {
        return missing;
    }

    public long nonFinite() {
        return nonFinite;
    }

    /** Number of finite values (the ones binned and sketched). */
    public long finiteCount() {
        return count - missing - nonFinite;
    }

    public double mean() {
        return mean;
    }

    /** Population standard deviation of the finite values. */
    public double std() {
        return std;
    }

    public double min() {
        return min;
    }

    public double max() {
        return max;
    }

    /** The bin edges (a copy). */
    public double[] edges() {
        return edges.clone();
    }

    double[] edgesShared() {
        return edges;
    }

    /** Reference count per bin (a copy). */
    public long[] binCounts() {
        return binCounts.clone();
    }

    /** Reference proportion per bin. */
    public double[] binProportions() {
        double total = finiteCount();
        double[] p = new double[binCounts.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = binCounts[i] / total;
        }
        return p;
    }

    /**
     * The distribution of the finite values: exact, or a quantile summary with its error terms
     * ({@link EmpiricalDistribution#rankError()}, {@link
     * EmpiricalDistribution#wassersteinError()}).
     */
    public EmpiricalDistribution distribution() {
        return distribution;
    }

    /** The KLL parameter k of the windows' sketches (their form beyond the exact one). */
    public int windowSketchK() {
        return windowSketchK;
    }

    /** Of the grid's points, how many are placed at quantiles (the rest split wide bins). */
    static final int QUANTILE_POINTS = 144;

    /**
     * The grid a window's values are counted on beyond its exact form: every point of the
     * distribution when it has at most {@code points}; otherwise {@value #QUANTILE_POINTS} points
     * at the quantiles k / (QUANTILE_POINTS - 1) (the smallest point whose CDF reaches the level,
     * duplicates dropped), so that the reference's mass strictly between two grid points is at most
     * 1 / 143, and the remaining points each split the bin of largest area (the reference's mass
     * strictly inside it times its width) at its inner median point: the wide bins of sparse tails.
     * It runs from the smallest to the largest point.
     */
    static double[] gridOf(EmpiricalDistribution d, int points) {
        int size = d.size();
        if (size <= points) {
            double[] all = new double[size];
            for (int i = 0; i < size; i++) {
                all[i] = d.value(i);
            }
            return all;
        }
        int quantilePoints = Math.min(points, QUANTILE_POINTS);
        long[] cumulativeCounts = new long[size];
        long running = 0;
        for (int i = 0; i < size; i++) {
            running += d.weight(i);
            cumulativeCounts[i] = running;
        }
        long total = running;
        java.util.TreeSet<Integer> chosen = new java.util.TreeSet<>();
        int i = 0;
        for (int k = 0; k < quantilePoints; k++) {
            // the smallest point whose cumulative count reaches k / (quantilePoints - 1)
            while (i < size - 1
                    && (double) cumulativeCounts[i] * (quantilePoints - 1) < (double) k * total) {
                i++;
            }
            chosen.add(k == quantilePoints - 1 ? size - 1 : i);
        }
        // split the widest-area bins: (area, low index, high index), largest area first
        java.util.PriorityQueue<double[]> bins =
                new java.util.PriorityQueue<>(
                        (x, y) ->
                                x[0] != y[0]
                                        ? Double.compare(y[0], x[0])
                                        : Double.compare(x[1], y[1]));
        Integer previous = null;
        for (int index : chosen) {
            if (previous != null) {
                offerBin(bins, d, cumulativeCounts, previous, index);
            }
            previous = index;
        }
        while (chosen.size() < points && !bins.isEmpty()) {
            double[] bin = bins.poll();
            int lo = (int) bin[1];
            int hi = (int) bin[2];
            long inside = cumulativeCounts[hi - 1] - cumulativeCounts[lo];
            int median = lo + 1;
            while (median < hi - 1
                    && 2 * (cumulativeCounts[median] - cumulativeCounts[lo]) < inside) {
                median++;
            }
            chosen.add(median);
            offerBin(bins, d, cumulativeCounts, lo, median);
            offerBin(bins, d, cumulativeCounts, median, hi);
        }
        double[] grid = new double[chosen.size()];
        int g = 0;
        for (int index : chosen) {
            grid[g++] = d.value(index);
        }
        return grid;
    }

    /** Queues the bin between points lo and hi if it has a point inside. */
    private static void offerBin(
            java.util.PriorityQueue<double[]> bins,
            EmpiricalDistribution d,
            long[] cumulativeCounts,
            int lo,
            int hi) {
        if (hi - lo < 2) {
            return;
        }
        double inside = cumulativeCounts[hi - 1] - cumulativeCounts[lo];
        bins.add(new double[] {inside * (d.value(hi) - d.value(lo)), lo, hi});
    }

    /**
     * The grid a window's values are counted on beyond its exact form (a copy): every point of the
     * distribution when it has at most {@value #WINDOW_GRID_POINTS}, otherwise points at its
     * quantiles and in its wide bins.
     */
    public double[] windowGrid() {
        return windowGrid.clone();
    }

    /** The grid of the windows' values beyond their exact form (shared, not to be modified). */
    double[] windowGridShared() {
        return windowGrid;
    }

    @Override
    public FeatureType type() {
        return FeatureType.NUMERIC;
    }

    @Override
    public NumericWindow newWindow() {
        return new NumericWindow(edges, min, max, windowSketchK, windowGrid);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NumericReference r
                && count == r.count
                && missing == r.missing
                && nonFinite == r.nonFinite
                && Double.compare(mean, r.mean) == 0
                && Double.compare(std, r.std) == 0
                && Double.compare(min, r.min) == 0
                && Double.compare(max, r.max) == 0
                && Arrays.equals(edges, r.edges)
                && Arrays.equals(binCounts, r.binCounts)
                && windowSketchK == r.windowSketchK
                && distribution.equals(r.distribution);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(count) * 31 + Arrays.hashCode(binCounts);
    }
}
