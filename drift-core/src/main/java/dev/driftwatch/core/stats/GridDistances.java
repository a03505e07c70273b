package dev.driftwatch.core.stats;

/**
 * KS and Wasserstein-1 between a reference distribution and a window held on a fine grid of the
 * reference's values: per grid bin the window's count, how many of them lie on the bin's left edge,
 * and the sum of their offsets from the edge. With their error bounds, which hold with certainty.
 *
 * <p>The grid e_0 < ... < e_{G-1} splits the line into the bins (-inf, e_0), [e_0, e_1), ...,
 * [e_{G-1}, +inf). Write F for the reference's CDF and G for the window's. In a bin [a, b) the
 * window's CDF is known at a (H_a: everything before the bin plus the values on a) and just before
 * b (H_b), and its integral over the bin is known exactly: each value v in the bin adds b - v. F is
 * known everywhere. So:
 *
 * <ul>
 *   <li><b>Wasserstein-1</b>: in each bin, I = integral (F - G) is exact, and integral |F - G| lies
 *       in [|I|, min(|I| + 2 min(P, N), P + N)] with P = integral (F - H_a)^+ and N = integral (H_b
 *       - F)^+ over the bin (G lies between H_a and H_b there). Where F - G keeps its sign in the
 *       bin (min(P, N) = 0) the bin's share is exact; in particular below e_0 and from e_{G-1} on
 *       when the reference lies within [e_0, e_{G-1}] (F is 0 resp. 1 there), so heavy tails cost
 *       nothing. The value is the middle of the interval, the bound half its width, summed over the
 *       bins.
 *   <li><b>KS</b>: at a, |F(a) - H_a| and just before b, |F(b-) - H_b| are exact values of |F - G|;
 *       inside the bin, F - G <= F(b-) - H_a and G - F <= H_b - F(a). The supremum lies between the
 *       largest exact value and the largest of these; the gap in a bin is at most the smaller of
 *       the reference's and the window's mass strictly inside it (at most 1 / (G - 1) of the
 *       reference on a grid at its quantiles). The value is the middle, the bound half the gap.
 * </ul>
 *
 * The reference's own errors (a summary's rank and Wasserstein errors) and the window's carried
 * errors (from values that reached the grid through a sketch) add to the bounds by the triangle
 * inequality, as does a relative 1e-9 for floating-point rounding in the sums.
 *
 * <pre>{@code
 * GridDistances d = GridDistances.between(reference, grid, counts, onEdge, offsets, n, 0, 0);
 * double w1 = d.wasserstein(), bound = d.wassersteinErrorBound();
 * }</pre>
 */
public record GridDistances(
        double ks, double ksErrorBound, double wasserstein, double wassersteinErrorBound) {

    /** Relative slack on the Wasserstein bound so that rounding in the sums never undercuts it. */
    private static final double SUM_SLACK = 1e-9;

    /**
     * True when {@code grid} brackets the reference: its first point is at most the reference's
     * smallest value and its last at least the largest, which {@link #between} needs.
     */
    public static boolean brackets(double[] grid, EmpiricalDistribution reference) {
        return grid.length > 0
                && !reference.isEmpty()
                && grid[0] <= reference.value(0)
                && grid[grid.length - 1] >= reference.value(reference.size() - 1);
    }

    /**
     * The distances between {@code reference} and a window of {@code n} finite values on {@code
     * grid}: {@code counts[k]}, {@code onEdge[k]} and {@code offsets[k]} describe bin k (bin 0
     * below {@code grid[0]}, whose offsets are {@code grid[0] - v}; bin k >= 1 from {@code grid[k -
     * 1]}, offsets {@code v - grid[k - 1]}, {@code onEdge[0]} unused). {@code exact} (ascending)
     * are some of the window's values known exactly (its extremes): inside a bin the window's CDF
     * is then theirs plus the unknown rest's. {@code carriedRankError} and {@code
     * carriedWassersteinError} are the window's errors from values fed through a sketch, in count
     * units (multiplied by n).
     *
     * @throws IllegalArgumentException if n is 0, the reference is empty or not bracketed by the
     *     grid
     */
    public static GridDistances between(
            EmpiricalDistribution reference,
            double[] grid,
            long[] counts,
            long[] onEdge,
            double[] offsets,
            long n,
            double[] exact,
            double carriedRankError,
            double carriedWassersteinError) {
        if (n <= 0 || !brackets(grid, reference)) {
            throw new IllegalArgumentException(
                    "grid distances need a non-empty window and a reference within the grid");
        }
        if (!consistent(grid, counts, onEdge, exact)) {
            exact = new double[0];
        }
        double[] x = reference.points();
        double[] f = reference.cdfs();
        int size = x.length;
        double total = n;
        // one bin's segments: length, F, and the exact values' share of the window's CDF
        double[] segLength = new double[size + exact.length + 2];
        double[] segF = new double[segLength.length];
        double[] segE = new double[segLength.length];
        // bin 0: the reference is 0 below grid[0], the window's integral there is exact
        double w1 = offsets[0] / total;
        double w1Slack = 0.0;
        double magnitude = Math.abs(w1);
        double ksLow = counts[0] / total;
        double ksHigh = ksLow;
        long before = counts[0];
        int i = 0;
        int e = 0;
        while (e < exact.length && exact[e] < grid[0]) {
            e++;
        }
        int bins = grid.length;
        for (int k = 1; k <= bins; k++) {
            double a = grid[k - 1];
            while (i < size && x[i] <= a) {
                i++;
            }
            double fa = i == 0 ? 0.0 : f[i - 1];
            if (k == bins) {
                // from the last point on the reference is 1: the window's share is exact
                double tail = offsets[k] / total;
                w1 += tail;
                magnitude += Math.abs(tail);
                double d = Math.abs(fa - (before + onEdge[k]) / total);
                ksLow = Math.max(ksLow, d);
                ksHigh = Math.max(ksHigh, d);
                break;
            }
            double b = grid[k];
            // the exact values in the bin: on its edge, off it (and their offsets)
            long exactOnEdge = 0;
            long exactInBin = 0;
            double exactOffsets = 0.0;
            int eFrom = e;
            while (e < exact.length && exact[e] < b) {
                if (exact[e] == a) {
                    exactOnEdge++;
                } else {
                    exactOffsets += exact[e] - a;
                }
                exactInBin++;
                e++;
            }
            long unknown = counts[k] - exactInBin;
            long unknownOnEdge = onEdge[k] - exactOnEdge;
            double unknownOffsets =
                    unknown > unknownOnEdge
                            ? Math.min(
                                    (unknown - unknownOnEdge) * (b - a),
                                    Math.max(0.0, offsets[k] - exactOffsets))
                            : 0.0;
            // the unknown rest's CDF (with everything before the bin) is between ha and hb
            double ha = (before + unknownOnEdge) / total;
            double hb = (before + unknown) / total;
            // segments where F and the exact values' CDF are constant
            int segments = 0;
            int first = i;
            double g = fa;
            double ex = exactOnEdge / total;
            int ej = eFrom;
            while (ej < e && exact[ej] == a) {
                ej++;
            }
            double position = a;
            double inside = 0.0; // the reference's mass strictly inside the bin
            double insideOffsets = 0.0; // and its offsets from a, weighted
            while (true) {
                double next = b;
                if (i < size && x[i] < next) {
                    next = x[i];
                }
                if (ej < e && exact[ej] < next) {
                    next = exact[ej];
                }
                segLength[segments] = next - position;
                segF[segments] = g;
                segE[segments] = ex;
                segments++;
                if (next == b) {
                    break;
                }
                while (i < size && x[i] == next) {
                    double step = f[i] - g;
                    inside += step;
                    insideOffsets += step * (next - a);
                    g = f[i++];
                }
                while (ej < e && exact[ej] == next) {
                    ex += 1.0 / total;
                    ej++;
                }
                position = next;
            }
            double fb = g; // F just before b
            double integralF = 0.0;
            double positive = 0.0;
            double negative = 0.0;
            double largest = Double.NEGATIVE_INFINITY;
            double smallest = Double.POSITIVE_INFINITY;
            for (int s = 0; s < segments; s++) {
                double fp = segF[s] - segE[s]; // F less the exact values' share
                double length = segLength[s];
                integralF += fp * length;
                positive += Math.max(0.0, fp - ha) * length;
                negative += Math.max(0.0, hb - fp) * length;
                largest = Math.max(largest, fp);
                smallest = Math.min(smallest, fp);
            }
            double integralG = hb * (b - a) - unknownOffsets / total;
            double low = Math.abs(integralF - integralG);
            double high =
                    Math.max(
                            low,
                            Math.min(
                                    low + 2.0 * Math.min(positive, negative), positive + negative));
            if (unknown == unknownOnEdge) {
                // nothing unknown off the edge: |F - G| is known in the whole bin
                low = positive + negative;
                high = low;
            }
            double estimate = (low + high) / 2.0;
            if (high > low) {
                double model =
                        shapedDistance(
                                segLength,
                                segF,
                                segE,
                                segments,
                                b - a,
                                fa,
                                ha,
                                hb,
                                unknownOffsets / total,
                                inside,
                                insideOffsets,
                                i > first);
                estimate = Math.max(low, Math.min(high, model));
            }
            w1 += estimate;
            w1Slack += Math.max(estimate - low, high - estimate);
            magnitude += Math.abs(integralF) + Math.abs(integralG);
            double gAtA = (before + onEdge[k]) / total;
            double gBeforeB = (before + counts[k]) / total;
            double exactHere = Math.max(Math.abs(fa - gAtA), Math.abs(fb - gBeforeB));
            ksLow = Math.max(ksLow, exactHere);
            ksHigh = Math.max(ksHigh, Math.max(exactHere, Math.max(largest - ha, hb - smallest)));
            before += counts[k];
        }
        double ks = (ksLow + ksHigh) / 2.0;
        double ksBound = (ksHigh - ksLow) / 2.0 + reference.rankError() + carriedRankError / total;
        double w1Bound =
                w1Slack
                        + reference.wassersteinError()
                        + carriedWassersteinError / total
                        + SUM_SLACK * magnitude;
        return new GridDistances(ks, Math.min(1.0, ksBound), w1, w1Bound);
    }

    /**
     * True when every bin holds at least the exact values that fall in it (on its edge too), so
     * that they can be taken out of its counts.
     */
    private static boolean consistent(double[] grid, long[] counts, long[] onEdge, double[] exact) {
        int e = 0;
        for (int k = 0; k < counts.length && e < exact.length; k++) {
            double b = k < grid.length ? grid[k] : Double.POSITIVE_INFINITY;
            long in = 0;
            long edge = 0;
            while (e < exact.length && exact[e] < b) {
                if (!Double.isFinite(exact[e]) || (e > 0 && exact[e] < exact[e - 1])) {
                    return false;
                }
                in++;
                if (k > 0 && exact[e] == grid[k - 1]) {
                    edge++;
                }
                e++;
            }
            if (in > counts[k] || edge > onEdge[k] || in - edge > counts[k] - onEdge[k]) {
                return false;
            }
        }
        return e == exact.length;
    }

    /**
     * integral |F - E - H~| over a bin of the given segments, for a model H~ of the window's
     * unknown values' CDF (with everything before the bin) there: they spread like the reference
     * inside the bin, mixed with a point mass at the bin's start or end so that their offsets add
     * up to {@code unknownOffsets} (as a share of the window); all at their mean where the
     * reference has no point inside the bin.
     */
    private static double shapedDistance(
            double[] segLength,
            double[] segF,
            double[] segE,
            int segments,
            double width,
            double fa,
            double ha,
            double hb,
            double unknownOffsets,
            double refInside,
            double refInsideOffsets,
            boolean referenceInside) {
        double m = hb - ha; // the unknown values' mass off the edge
        if (m <= 0.0) {
            // nothing unknown off the edge: the window's CDF is known in the whole bin
            double sum = 0.0;
            for (int s = 0; s < segments; s++) {
                sum += Math.abs(segF[s] - segE[s] - ha) * segLength[s];
            }
            return sum;
        }
        double mean = unknownOffsets / m; // their mean's offset in the bin
        double start;
        double scale;
        if (!referenceInside || refInside <= 0.0) {
            // all at the mean: a step from ha to hb there
            double sum = 0.0;
            double position = 0.0;
            double at = Math.max(0.0, Math.min(width, mean));
            for (int s = 0; s < segments; s++) {
                double end = position + segLength[s];
                double fp = segF[s] - segE[s];
                double below = Math.max(0.0, Math.min(end, at) - position);
                sum += Math.abs(fp - ha) * below + Math.abs(fp - hb) * (segLength[s] - below);
                position = end;
            }
            return sum;
        }
        double refMean = refInsideOffsets / refInside;
        if (mean <= refMean) {
            double lambda = refMean <= 0.0 ? 0.0 : Math.max(0.0, 1.0 - mean / refMean);
            start = ha + m * lambda;
            scale = m * (1.0 - lambda) / refInside;
        } else {
            double lambda =
                    width <= refMean ? 0.0 : Math.min(1.0, (mean - refMean) / (width - refMean));
            start = ha;
            scale = m * (1.0 - lambda) / refInside;
        }
        double sum = 0.0;
        for (int s = 0; s < segments; s++) {
            double model = start + scale * (segF[s] - fa);
            sum += Math.abs(segF[s] - segE[s] - model) * segLength[s];
        }
        return sum;
    }
}
