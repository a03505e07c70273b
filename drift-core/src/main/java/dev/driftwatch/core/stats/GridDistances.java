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
 *       nothing. Inside the interval the value comes from a model of the bin's values (spread like
 *       the reference's there, smoothed, or exponentially where it has no point inside, with their
 *       known mean), clamped to the interval; the bound is the distance to its far end, summed over
 *       the bins. Kept extreme values are taken out of their bins and counted where they are.
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
        double[] segStart = new double[segLength.length];
        double[] segRefStep = new double[segLength.length]; // the reference's jump at its start
        double[] knotX = new double[segLength.length + 1];
        double[] knotY = new double[segLength.length + 1];
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
            double g = fa;
            double ex = exactOnEdge / total;
            int ej = eFrom;
            while (ej < e && exact[ej] == a) {
                ej++;
            }
            double position = a;
            double inside = 0.0; // the reference's mass strictly inside the bin
            double step = 0.0;
            while (true) {
                double next = b;
                if (i < size && x[i] < next) {
                    next = x[i];
                }
                if (ej < e && exact[ej] < next) {
                    next = exact[ej];
                }
                segStart[segments] = position;
                segLength[segments] = next - position;
                segF[segments] = g;
                segE[segments] = ex;
                segRefStep[segments] = step;
                segments++;
                if (next == b) {
                    break;
                }
                step = 0.0;
                while (i < size && x[i] == next) {
                    step += f[i] - g;
                    g = f[i++];
                }
                inside += step;
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
                                new Segments(segStart, segLength, segF, segE, segRefStep, segments),
                                knotX,
                                knotY,
                                a,
                                b,
                                ha,
                                hb,
                                unknownOffsets / total,
                                inside);
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

    /** One bin's segments: start, length, F, the exact values' share, F's jump at the start. */
    private record Segments(
            double[] start,
            double[] length,
            double[] f,
            double[] exact,
            double[] referenceStep,
            int count) {}

    /**
     * integral |F - E - H~| over a bin [a, b) of the given segments, for a model H~ of the window's
     * unknown values' CDF (with everything before the bin) there: they spread like the reference's
     * values inside the bin, smoothed (the CDF linear between the reference's points, each point's
     * mass split half before and half after it; uniform where the reference has no point inside),
     * mixed with a point mass at a or at b so that their offsets add up to {@code unknownOffsets}
     * (as a share of the window).
     */
    private static double shapedDistance(
            Segments seg,
            double[] knotX,
            double[] knotY,
            double a,
            double b,
            double ha,
            double hb,
            double unknownOffsets,
            double refInside) {
        double m = hb - ha; // the unknown values' mass off the edge
        double width = b - a;
        if (m <= 0.0 || !(width > 0.0)) {
            double sum = 0.0;
            for (int s = 0; s < seg.count(); s++) {
                sum += Math.abs(seg.f()[s] - seg.exact()[s] - ha) * seg.length()[s];
            }
            return sum;
        }
        double mean = unknownOffsets / m; // the unknown values' mean offset
        if (refInside <= 0.0) {
            return exponentialDistance(seg, a, width, ha, m, mean);
        }
        // the shape's knots
        int knots = 0;
        knotX[knots] = a;
        knotY[knots++] = 0.0;
        if (refInside > 0.0) {
            double cumulative = 0.0;
            for (int s = 1; s < seg.count(); s++) {
                double step = seg.referenceStep()[s];
                if (step > 0.0) {
                    knotX[knots] = seg.start()[s];
                    knotY[knots++] = (cumulative + step / 2.0) / refInside;
                    cumulative += step;
                }
            }
        }
        knotX[knots] = b;
        knotY[knots++] = 1.0;
        double integral = 0.0;
        for (int k = 1; k < knots; k++) {
            integral += (knotY[k - 1] + knotY[k]) / 2.0 * (knotX[k] - knotX[k - 1]);
        }
        double shapeMean = width - integral; // the shape's mean offset from a
        double start;
        double scale;
        if (mean <= shapeMean) {
            double lambda = shapeMean <= 0.0 ? 0.0 : Math.max(0.0, 1.0 - mean / shapeMean);
            start = ha + m * lambda;
            scale = m * (1.0 - lambda);
        } else {
            double lambda =
                    width <= shapeMean
                            ? 0.0
                            : Math.min(1.0, (mean - shapeMean) / (width - shapeMean));
            start = ha;
            scale = m * (1.0 - lambda);
        }
        double sum = 0.0;
        int k = 1;
        for (int s = 0; s < seg.count(); s++) {
            double x0 = seg.start()[s];
            double x1 = x0 + seg.length()[s];
            while (k < knots - 1 && knotX[k] <= x0) {
                k++;
            }
            double y0 = start + scale * interpolate(knotX, knotY, k, x0);
            double y1 = start + scale * interpolate(knotX, knotY, k, x1);
            double c = seg.f()[s] - seg.exact()[s];
            sum += distanceToLine(c, y0, y1, seg.length()[s]);
        }
        return sum;
    }

    /**
     * integral |F - E - H~| where the reference has no point inside the bin: the unknown values'
     * density proportional to exp(s t / width) on the bin, s chosen so that their mean offset is
     * {@code mean} (uniform at the bin's middle, decaying like a tail towards an end).
     */
    private static double exponentialDistance(
            Segments seg, double a, double width, double ha, double m, double mean) {
        double target = Math.max(0.0, Math.min(1.0, mean / width));
        double lo = -700.0;
        double hi = 700.0;
        for (int it = 0; it < 100; it++) {
            double mid = (lo + hi) / 2.0;
            if (exponentialMean(mid) < target) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        double s = (lo + hi) / 2.0;
        double sum = 0.0;
        for (int j = 0; j < seg.count(); j++) {
            double c = seg.f()[j] - seg.exact()[j];
            double x0 = seg.start()[j] - a;
            double length = seg.length()[j];
            int pieces = 32;
            double y0 = ha + m * exponentialCdf(s, x0 / width);
            for (int p = 1; p <= pieces; p++) {
                double y1 = ha + m * exponentialCdf(s, (x0 + length * p / pieces) / width);
                sum += distanceToLine(c, y0, y1, length / pieces);
                y0 = y1;
            }
        }
        return sum;
    }

    /** Mean (as a share of the width) of the density proportional to exp(s u) on [0, 1]. */
    private static double exponentialMean(double s) {
        if (Math.abs(s) < 1e-6) {
            return 0.5 + s / 12.0;
        }
        return 1.0 / -Math.expm1(-s) - 1.0 / s;
    }

    /** CDF at u in [0, 1] of the density proportional to exp(s u) on [0, 1]. */
    private static double exponentialCdf(double s, double u) {
        u = Math.max(0.0, Math.min(1.0, u));
        if (Math.abs(s) < 1e-9) {
            return u;
        }
        if (s > 0) {
            // (e^{su} - 1) / (e^s - 1), written to avoid overflow: e^{s(u-1)} (1 - e^{-su}) / (1 -
            // e^{-s})
            return Math.exp(s * (u - 1.0)) * -Math.expm1(-s * u) / -Math.expm1(-s);
        }
        return Math.expm1(s * u) / Math.expm1(s);
    }

    /** The shape at x, between knots k - 1 and k. */
    private static double interpolate(double[] knotX, double[] knotY, int k, double x) {
        double x0 = knotX[k - 1];
        double x1 = knotX[k];
        if (!(x1 > x0)) {
            return knotY[k];
        }
        double t = Math.max(0.0, Math.min(1.0, (x - x0) / (x1 - x0)));
        return knotY[k - 1] + t * (knotY[k] - knotY[k - 1]);
    }

    /** integral over a length L of |c - y| with y linear from y0 to y1. */
    private static double distanceToLine(double c, double y0, double y1, double length) {
        double d0 = c - y0;
        double d1 = c - y1;
        if (d0 * d1 >= 0.0) {
            return Math.abs(d0 + d1) / 2.0 * length;
        }
        return (d0 * d0 + d1 * d1) / (2.0 * Math.abs(d0 - d1)) * length;
    }
}
