package dev.driftwatch.core.profile;

import dev.driftwatch.core.DriftCoreException;
import dev.driftwatch.core.stats.EmpiricalDistribution;
import dev.driftwatch.core.stats.GridDistances;
import dev.driftwatch.core.stats.QuantileEdges;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * A window's finite values on a fine grid of its reference's values: per grid bin the count, how
 * many lie on the bin's left edge and the sum of the others' offsets from it (see {@link
 * GridDistances} for what they determine). Bin 0 is below {@code grid[0]} (offsets {@code grid[0] -
 * v}), bin k >= 1 starts at {@code grid[k - 1]}. An update is a binary search, a count and a sum.
 *
 * <p>Values that reached the grid through a KLL sketch (windows of format 2) carry that sketch's
 * errors, in count units, and so does the rounding of the offset sums to single precision when they
 * are written.
 */
final class GridValues {
    private final double[] grid;
    private final long[] counts;
    private final long[] onEdge;
    private final double[] offsets;
    private double carriedRankError;
    private double carriedWassersteinError;

    GridValues(double[] grid) {
        this.grid = grid;
        this.counts = new long[grid.length + 1];
        this.onEdge = new long[grid.length + 1];
        this.offsets = new double[grid.length + 1];
    }

    double[] grid() {
        return grid;
    }

    /** Adds {@code copies} copies of the finite value v. */
    void add(double v, long copies) {
        int k = QuantileEdges.binOf(grid, v);
        counts[k] += copies;
        if (k == 0) {
            offsets[0] += copies == 1 ? grid[0] - v : copies * (grid[0] - v);
        } else if (v == grid[k - 1]) {
            onEdge[k] += copies;
        } else {
            double off = v - grid[k - 1];
            offsets[k] += copies == 1 ? off : copies * off;
        }
    }

    /** Adds every value of {@code values}. */
    void addAll(ExactValues values) {
        int d = values.distinct();
        for (int i = 0; i < d; i++) {
            add(values.value(i), values.count(i));
        }
    }

    /**
     * Adds the values a sketch describes: its distribution's points with their weights, and its
     * errors as carried errors.
     */
    void addAll(EmpiricalDistribution sketched) {
        for (int i = 0; i < sketched.size(); i++) {
            add(sketched.value(i), sketched.weight(i));
        }
        carriedRankError += sketched.rankError() * sketched.count();
        carriedWassersteinError += sketched.wassersteinError() * sketched.count();
    }

    /** Adds {@code other}, which must be on the same grid. */
    void addAll(GridValues other) {
        for (int k = 0; k < counts.length; k++) {
            counts[k] += other.counts[k];
            onEdge[k] += other.onEdge[k];
            offsets[k] += other.offsets[k];
        }
        carriedRankError += other.carriedRankError;
        carriedWassersteinError += other.carriedWassersteinError;
    }

    GridValues copy() {
        GridValues c = new GridValues(grid);
        c.addAll(this);
        return c;
    }

    /**
     * KS and Wasserstein-1 against {@code reference} (which the grid must bracket), with bounds.
     */
    GridDistances distancesTo(EmpiricalDistribution reference, long n, double[] exactValues) {
        return GridDistances.between(
                reference,
                grid,
                counts,
                onEdge,
                offsets,
                n,
                exactValues,
                carriedRankError,
                carriedWassersteinError);
    }

    /**
     * A step CDF of the values: {@code exactValues} (some of them, ascending: the window's
     * extremes) where they are, the others on an edge at the edge, the rest of a bin at their mean;
     * rank error the largest share of a bin's rest, Wasserstein error the sum over bins of sum |v -
     * mean| over the rest, at most 2 min(sum (v - a), sum (b - v)) (2 sum of offsets in the outer
     * bins), plus the carried errors.
     */
    EmpiricalDistribution distribution(long n, double[] exactValues) {
        int bins = counts.length;
        double[] points = new double[2 * bins + exactValues.length];
        long[] weights = new long[points.length];
        int size = 0;
        long largestRest = 0;
        double w1 = 0.0;
        int e = 0;
        for (int k = 0; k < bins; k++) {
            double a = k == 0 ? Double.NEGATIVE_INFINITY : grid[k - 1];
            double b = k < grid.length ? grid[k] : Double.POSITIVE_INFINITY;
            long exactOnEdge = 0;
            long exactIn = 0;
            double exactOffsets = 0.0;
            int from = e;
            while (e < exactValues.length && exactValues[e] < b) {
                if (exactValues[e] == a) {
                    exactOnEdge++;
                } else {
                    exactOffsets += k == 0 ? grid[0] - exactValues[e] : exactValues[e] - a;
                }
                exactIn++;
                e++;
            }
            long edgeRest = Math.max(0, onEdge[k] - exactOnEdge);
            long rest = Math.max(0, counts[k] - onEdge[k] - (exactIn - exactOnEdge));
            double restOffsets = Math.max(0.0, offsets[k] - exactOffsets);
            if (edgeRest > 0) {
                size = append(points, weights, size, a, edgeRest);
            }
            double mean = Double.NaN;
            if (rest > 0) {
                double spread;
                if (k == 0) {
                    mean = Math.min(Math.nextDown(b), grid[0] - restOffsets / rest);
                    spread = 2.0 * restOffsets;
                } else if (k == bins - 1) {
                    mean = Math.max(Math.nextUp(a), a + restOffsets / rest);
                    spread = 2.0 * restOffsets;
                } else {
                    mean =
                            Math.min(
                                    Math.nextDown(b),
                                    Math.max(Math.nextUp(a), a + restOffsets / rest));
                    spread =
                            2.0
                                    * Math.min(
                                            restOffsets,
                                            Math.max(0.0, rest * (b - a) - restOffsets));
                }
                largestRest = Math.max(largestRest, rest);
                w1 += spread;
            }
            // the exact values of the bin and the rest's mean, in order
            boolean meanDone = rest == 0;
            for (int j = from; j < e; j++) {
                if (!meanDone && mean < exactValues[j]) {
                    size = append(points, weights, size, mean, rest);
                    meanDone = true;
                }
                size = append(points, weights, size, exactValues[j], 1);
            }
            if (!meanDone) {
                size = append(points, weights, size, mean, rest);
            }
        }
        double rank = Math.min(1.0, (largestRest + carriedRankError) / n);
        double wasserstein = (w1 * (1.0 + 1e-9) + carriedWassersteinError) / n;
        return EmpiricalDistribution.ofCounts(points, weights, size, rank, wasserstein);
    }

    private static int append(double[] points, long[] weights, int size, double x, long w) {
        if (size > 0 && points[size - 1] == x) {
            weights[size - 1] += w;
            return size;
        }
        points[size] = x;
        weights[size] = w;
        return size + 1;
    }

    /** Total count (for validation). */
    long total() {
        long t = 0;
        for (long c : counts) {
            t += c;
        }
        return t;
    }

    /**
     * Writes the grid (count, doubles), then per bin a header {@code count << 2 | (values on the
     * edge) << 1 | (wide sum)}, the count on the edge if any, and the offset sum if any value is
     * off the edge: single precision unless it is too large (wide: double); then the carried
     * errors, which include the rounding of the sums written in single precision.
     */
    void writeTo(DataOutput out) throws IOException {
        Varint.write(out, grid.length);
        for (double e : grid) {
            out.writeDouble(e);
        }
        double rounding = 0.0;
        for (int k = 0; k < counts.length; k++) {
            long inside = counts[k] - onEdge[k];
            double sum = offsets[k];
            boolean wide = inside > 0 && !(sum < 1e37);
            Varint.write(out, counts[k] << 2 | (onEdge[k] > 0 ? 2 : 0) | (wide ? 1 : 0));
            if (onEdge[k] > 0) {
                Varint.write(out, onEdge[k]);
            }
            if (inside > 0) {
                if (wide) {
                    out.writeDouble(sum);
                } else {
                    float single = (float) sum;
                    out.writeFloat(single);
                    rounding += Math.abs((double) single - sum);
                }
            }
        }
        out.writeDouble(carriedRankError);
        out.writeDouble(carriedWassersteinError + rounding * (1.0 + 1e-9));
    }

    /** Reads {@link #writeTo}'s form of a window of {@code n} finite values. */
    static GridValues readFrom(DataInput in, long n) throws IOException {
        int g = Varint.readInt(in, "window bytes: grid points", 1 << 20);
        if (g < 1) {
            throw new DriftCoreException("window bytes: an empty grid");
        }
        double[] grid = new double[g];
        for (int i = 0; i < g; i++) {
            grid[i] = in.readDouble();
            if (!Double.isFinite(grid[i]) || (i > 0 && !(grid[i] > grid[i - 1]))) {
                throw new DriftCoreException(
                        "window bytes: grid points must be finite and strictly increasing");
            }
        }
        GridValues v = new GridValues(grid);
        long total = 0;
        for (int k = 0; k <= g; k++) {
            long header = Varint.read(in, "window bytes: grid bin");
            long count = header >>> 2;
            long edge = (header & 2) != 0 ? Varint.read(in, "window bytes: grid edge count") : 0;
            if (edge > count || (k == 0 && edge > 0) || ((header & 2) != 0 && edge == 0)) {
                throw new DriftCoreException("window bytes: bad grid bin " + k);
            }
            double sum = 0.0;
            if (count > edge) {
                sum = (header & 1) != 0 ? in.readDouble() : in.readFloat();
                if (!(sum >= 0.0) || Double.isInfinite(sum)) {
                    throw new DriftCoreException("window bytes: bad grid offset sum in bin " + k);
                }
            }
            v.counts[k] = count;
            v.onEdge[k] = edge;
            v.offsets[k] = sum;
            total += count;
        }
        if (total != n) {
            throw new DriftCoreException(
                    "window bytes: grid of " + total + " values, window of " + n);
        }
        v.carriedRankError = in.readDouble();
        v.carriedWassersteinError = in.readDouble();
        if (!(v.carriedRankError >= 0.0)
                || !(v.carriedWassersteinError >= 0.0)
                || Double.isInfinite(v.carriedRankError)
                || Double.isInfinite(v.carriedWassersteinError)) {
            throw new DriftCoreException("window bytes: bad carried errors");
        }
        return v;
    }

    boolean sameGrid(double[] other) {
        return other == grid || Arrays.equals(other, grid);
    }
}
