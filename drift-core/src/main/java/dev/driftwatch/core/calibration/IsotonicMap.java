package dev.driftwatch.core.calibration;

import dev.driftwatch.core.DriftCoreException;
import java.util.Arrays;

/**
 * A non-decreasing map from [0, 1] to [0, 1], fitted by isotonic regression: linear interpolation
 * between knots, constant (clipped) outside the first and last knot, as scikit-learn's {@code
 * IsotonicRegression(out_of_bounds="clip")} predicts.
 *
 * <p>{@link #fit} sorts the points by x, replaces equal x by one point with the mean y, pools
 * adjacent violators (a block whose mean is not below the next block's mean merges with it) and
 * keeps the first and last x of each block as knots. When that gives more than {@code maxKnots}
 * knots, the x are first rounded to multiples of 1 / ({@code maxKnots} - 1), so at most {@code
 * maxKnots} distinct x remain.
 *
 * <pre>{@code
 * IsotonicMap map = IsotonicMap.fit(scores, labels, 1000);
 * double p = map.apply(0.37);
 * }</pre>
 */
public final class IsotonicMap {
    private final double[] x;
    private final double[] y;

    /**
     * A map through the given knots.
     *
     * @throws DriftCoreException unless x is strictly increasing, y non-decreasing, both finite in
     *     [0, 1], of equal length at least 1
     */
    public IsotonicMap(double[] x, double[] y) {
        if (x.length == 0 || x.length != y.length) {
            throw new DriftCoreException(
                    "isotonic map needs x and y of equal, non-zero length, were "
                            + x.length
                            + " and "
                            + y.length);
        }
        for (int i = 0; i < x.length; i++) {
            if (!(x[i] >= 0.0 && x[i] <= 1.0) || !(y[i] >= 0.0 && y[i] <= 1.0)) {
                throw new DriftCoreException(
                        "isotonic map knot "
                                + i
                                + " ("
                                + x[i]
                                + ", "
                                + y[i]
                                + ") is not in [0, 1]");
            }
            if (i > 0 && !(x[i] > x[i - 1])) {
                throw new DriftCoreException(
                        "isotonic map x must be strictly increasing, but x["
                                + i
                                + "] = "
                                + x[i]
                                + " follows "
                                + x[i - 1]);
            }
            if (i > 0 && y[i] < y[i - 1]) {
                throw new DriftCoreException(
                        "isotonic map y must be non-decreasing (monotone), but y["
                                + i
                                + "] = "
                                + y[i]
                                + " follows "
                                + y[i - 1]);
            }
        }
        this.x = x.clone();
        this.y = y.clone();
    }

    /**
     * Fits the map to points (x_i, y_i), each of weight 1.
     *
     * @param x scores in [0, 1]
     * @param y targets in [0, 1] (labels 0 or 1)
     * @param maxKnots the most knots the map may have (at least 2)
     */
    public static IsotonicMap fit(double[] x, double[] y, int maxKnots) {
        if (x.length == 0 || x.length != y.length) {
            throw new DriftCoreException(
                    "isotonic regression needs equal, non-zero numbers of x, y");
        }
        if (maxKnots < 2) {
            throw new DriftCoreException("isotonic map needs at least 2 knots, was " + maxKnots);
        }
        for (int i = 0; i < x.length; i++) {
            if (!(x[i] >= 0.0 && x[i] <= 1.0) || !(y[i] >= 0.0 && y[i] <= 1.0)) {
                throw new DriftCoreException(
                        "isotonic regression point "
                                + i
                                + " is not in [0, 1]: "
                                + x[i]
                                + ", "
                                + y[i]);
            }
        }
        IsotonicMap exact = pooled(x, y);
        if (exact.knots() <= maxKnots) {
            return exact;
        }
        double grid = maxKnots - 1;
        double[] rounded = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            rounded[i] = Math.rint(x[i] * grid) / grid;
        }
        return pooled(rounded, y);
    }

    private static IsotonicMap pooled(double[] x, double[] y) {
        Integer[] order = new Integer[x.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(x[a], x[b]));
        // distinct x with the mean y and the count of their points
        double[] ux = new double[x.length];
        double[] sumY = new double[x.length];
        double[] weight = new double[x.length];
        int m = 0;
        for (Integer i : order) {
            if (m > 0 && x[i] == ux[m - 1]) {
                sumY[m - 1] += y[i];
                weight[m - 1] += 1;
            } else {
                ux[m] = x[i];
                sumY[m] = y[i];
                weight[m] = 1;
                m++;
            }
        }
        // pool adjacent violators: a stack of blocks [start, end) with their weighted sums
        int[] start = new int[m];
        double[] blockSum = new double[m];
        double[] blockWeight = new double[m];
        int blocks = 0;
        for (int i = 0; i < m; i++) {
            start[blocks] = i;
            blockSum[blocks] = sumY[i];
            blockWeight[blocks] = weight[i];
            blocks++;
            while (blocks > 1
                    && blockSum[blocks - 2] / blockWeight[blocks - 2]
                            >= blockSum[blocks - 1] / blockWeight[blocks - 1]) {
                blockSum[blocks - 2] += blockSum[blocks - 1];
                blockWeight[blocks - 2] += blockWeight[blocks - 1];
                blocks--;
            }
        }
        // knots: the first and last distinct x of every block
        double[] kx = new double[2 * blocks];
        double[] ky = new double[2 * blocks];
        int k = 0;
        for (int b = 0; b < blocks; b++) {
            int end = b + 1 < blocks ? start[b + 1] : m;
            double value = Math.min(1.0, Math.max(0.0, blockSum[b] / blockWeight[b]));
            kx[k] = ux[start[b]];
            ky[k++] = value;
            if (end - 1 > start[b]) {
                kx[k] = ux[end - 1];
                ky[k++] = value;
            }
        }
        return new IsotonicMap(Arrays.copyOf(kx, k), Arrays.copyOf(ky, k));
    }

    /** The calibrated value of {@code score} (NaN stays NaN). */
    public double apply(double score) {
        if (score != score) {
            return Double.NaN;
        }
        if (score <= x[0]) {
            return y[0];
        }
        int last = x.length - 1;
        if (score >= x[last]) {
            return y[last];
        }
        int i = Arrays.binarySearch(x, score);
        if (i >= 0) {
            return y[i];
        }
        int hi = -i - 1;
        int lo = hi - 1;
        double t = (score - x[lo]) / (x[hi] - x[lo]);
        return Math.min(y[hi], y[lo] + t * (y[hi] - y[lo]));
    }

    public int knots() {
        return x.length;
    }

    /** A copy of the knots' x. */
    public double[] x() {
        return x.clone();
    }

    /** A copy of the knots' y. */
    public double[] y() {
        return y.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IsotonicMap m && Arrays.equals(x, m.x) && Arrays.equals(y, m.y);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(x) * 31 + Arrays.hashCode(y);
    }
}
