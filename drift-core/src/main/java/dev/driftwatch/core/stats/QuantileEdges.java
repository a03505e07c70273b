package dev.driftwatch.core.stats;

import java.util.Arrays;

/**
 * Bin edges at the reference quantiles {@code k/B, k = 1..B-1}, with numpy's default (linear)
 * interpolation between order statistics, duplicate edges dropped; and the bin lookup {@code bin =
 * number of edges <= v}, so bins are (-inf, e1), [e1, e2), ..., [e_last, +inf).
 */
public final class QuantileEdges {
    private QuantileEdges() {}

    /**
     * Edges for {@code bins} bins from a sorted array of finite values (ascending, -0.0 already
     * mapped to 0.0).
     */
    public static double[] fromSorted(double[] sorted, int length, int bins) {
        if (bins < 1) {
            throw new IllegalArgumentException("bins must be >= 1, was " + bins);
        }
        if (length == 0) {
            return new double[0];
        }
        double[] edges = new double[bins - 1];
        int count = 0;
        for (int k = 1; k < bins; k++) {
            double q = (double) k / bins;
            double edge = quantile(sorted, length, q) + 0.0;
            if (count == 0 || edge != edges[count - 1]) {
                edges[count++] = edge;
            }
        }
        return Arrays.copyOf(edges, count);
    }

    /** numpy.quantile(x, q) with method="linear" on a sorted array. */
    static double quantile(double[] sorted, int n, double q) {
        double virtualIndex = q * (n - 1);
        int previous = (int) Math.floor(virtualIndex);
        int next = Math.min(previous + 1, n - 1);
        double gamma = virtualIndex - previous;
        double a = sorted[previous];
        double b = sorted[next];
        // numpy's _lerp: computed from whichever end is nearer, for monotonicity and exactness at t
        // = 1.
        double diff = b - a;
        return gamma >= 0.5 ? b - diff * (1.0 - gamma) : a + diff * gamma;
    }

    /**
     * The bin of {@code v}: the number of edges {@code <= v}. Comparisons are IEEE ({@code -0.0 ==
     * 0.0}); v must not be NaN.
     */
    public static int binOf(double[] edges, double v) {
        int lo = 0;
        int hi = edges.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (edges[mid] <= v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
