package dev.driftwatch.core.profile;

import dev.driftwatch.core.DriftCoreException;
import java.util.Arrays;
import org.apache.datasketches.kll.KllDoublesSketch;

/**
 * Reference profile of a numeric feature: counts, moments, quantile bin edges with the reference
 * count in each bin, and a KLL quantile sketch of the finite values.
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
    private final KllDoublesSketch sketch;

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
            KllDoublesSketch sketch) {
        this.count = count;
        this.missing = missing;
        this.nonFinite = nonFinite;
        this.mean = mean;
        this.std = std;
        this.min = min;
        this.max = max;
        this.edges = edges;
        this.binCounts = binCounts;
        this.sketch = sketch;
        validate();
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
        if (sketch.getN() != binned) {
            throw new DriftCoreException(
                    "numeric reference: sketch holds "
                            + sketch.getN()
                            + " values but the bins hold "
                            + binned);
        }
        if (!(std >= 0.0) || !Double.isFinite(mean) || !(min <= max)) {
            throw new DriftCoreException(
                    "numeric reference: need finite mean, std >= 0 and min <= max");
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

    /** The reference KLL sketch (read-only by convention: do not update it). */
    public KllDoublesSketch sketch() {
        return sketch;
    }

    @Override
    public NumericWindow newWindow() {
        return new NumericWindow(edges, min, max, sketch.getK());
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
                && Arrays.equals(sketch.toByteArray(), r.sketch.toByteArray());
    }

    @Override
    public int hashCode() {
        return Long.hashCode(count) * 31 + Arrays.hashCode(binCounts);
    }
}
