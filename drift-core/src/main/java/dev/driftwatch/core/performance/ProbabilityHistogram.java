package dev.driftwatch.core.performance;

import dev.driftwatch.core.DriftCoreException;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Calibrated probabilities p of one class in {@code bins} equal-width bins over [0, 1] (p in bin
 * min(bins - 1, floor(bins p))), with each bin's count, sum of p and sum of p squared: enough for
 * the ROC AUC from expected rates, its binning bound and its standard error.
 */
final class ProbabilityHistogram {
    static final int MAX_BINS = 100_000;
    private static final double EPSILON = Math.ulp(1.0);

    private final long[] counts;
    private final double[] mass;
    private final double[] squares;

    ProbabilityHistogram(int bins) {
        if (bins < 2 || bins > MAX_BINS) {
            throw new DriftCoreException(
                    "probability histogram needs 2 to " + MAX_BINS + " bins, was " + bins);
        }
        counts = new long[bins];
        mass = new double[bins];
        squares = new double[bins];
    }

    int bins() {
        return counts.length;
    }

    /** Adds (sign +1) or retracts (sign -1) a probability in [0, 1]. */
    void add(double p, int sign) {
        int b = Math.min(counts.length - 1, (int) (p * counts.length));
        counts[b] += sign;
        mass[b] += sign * p;
        squares[b] += sign * p * p;
    }

    void merge(ProbabilityHistogram o) {
        if (o.counts.length != counts.length) {
            throw new DriftCoreException(
                    "cannot merge estimated performance windows with different bins");
        }
        for (int b = 0; b < counts.length; b++) {
            counts[b] += o.counts[b];
            mass[b] += o.mass[b];
            squares[b] += o.squares[b];
        }
    }

    /** Expected positives: the sum of p. */
    double positiveMass() {
        double s = 0;
        for (double m : mass) {
            s += m;
        }
        return s;
    }

    /**
     * The ROC AUC of the expected rates: TPR(t) = sum_{p >= t} p / sum p and FPR(t) = sum_{p >= t}
     * (1 - p) / sum (1 - p) at every threshold, trapezoids between them. Null when every p is 0 or
     * every p is 1.
     *
     * <p>Binned, each bin's positive mass m_b and negative mass n_b = k_b - m_b; pairs in different
     * bins are ordered exactly and pairs in one bin counted as ties: {@code lower = sum_b m_b
     * (negatives below b + n_b / 2) / (P N)}. Two predictions i, j in one bin with p_i > p_j
     * contribute p_i (1 - p_j) exactly but (p_i (1 - p_j) + p_j (1 - p_i)) / 2 as a tie, a
     * difference of (p_i - p_j) / 2 >= 0, and the sum over a bin's pairs of |p_i - p_j| is at most
     * both w C(k_b, 2) (bin width w) and sqrt(C(k_b, 2) (k_b sum p^2 - (sum p)^2))
     * (Cauchy-Schwarz). So the exact value lies in [lower, lower + gap] with gap = sum_b min(..) /
     * (2 P N); the estimate is the midpoint and the error bound gap / 2.
     *
     * <p>Standard error: the delta method with each label y_i ~ Bernoulli(p_i), independent; the
     * derivative of the binned AUC with respect to a label in bin b (moving unit mass from the
     * negatives to the positives of that bin) is g_b = (d_b - AUC (N - P)) / (P N) with d_b =
     * negatives below b + n_b / 2 - m_b / 2 - positives above b, and Var = sum_b g_b^2 sum_{i in b}
     * p_i (1 - p_i).
     */
    Estimate rocAuc() {
        Auc a = auc();
        return a == null ? null : new Estimate(a.value, Math.sqrt(a.variance), a.bound);
    }

    /**
     * The AUC with the sums that standard errors of averages over classes need: {@code variance} =
     * sum_b g_b^2 sum_{i in b} p_i (1 - p_i) (this class alone); {@code gradientSquaredMass} =
     * sum_b g_b^2 m_b and {@code gradientMass} = sum_b g_b m_b.
     */
    record Auc(
            double value,
            double bound,
            double variance,
            double gradientSquaredMass,
            double gradientMass) {}

    /** The ROC AUC and its terms, or null when undefined; see {@link #rocAuc()}. */
    Auc auc() {
        int bins = counts.length;
        double positives = 0;
        double negatives = 0;
        for (int b = 0; b < bins; b++) {
            positives += mass[b];
            negatives += counts[b] - mass[b];
        }
        if (!(positives > 0) || !(negatives > 0)) {
            return null;
        }
        double pairs = positives * negatives;
        double width = 1.0 / bins;
        double u = 0;
        double gap = 0;
        double negativesBelow = 0;
        for (int b = 0; b < bins; b++) {
            double k = counts[b];
            double neg = k - mass[b];
            u += mass[b] * (negativesBelow + 0.5 * neg);
            negativesBelow += neg;
            if (k > 1) {
                double samePairs = 0.5 * k * (k - 1);
                // plus the rounding the sums may carry, so the bound never falls short
                double spread =
                        Math.max(0.0, k * squares[b] - mass[b] * mass[b])
                                + 2 * (k + 1) * EPSILON * k * squares[b];
                gap += Math.min(width * samePairs, Math.sqrt(samePairs * spread));
            }
        }
        double lower = u / pairs;
        gap = 0.5 * gap / pairs;
        double auc = Math.min(1.0, lower + 0.5 * gap);
        double variance = 0;
        double squaredMass = 0;
        double gradientMass = 0;
        double below = 0;
        double positivesBelow = 0;
        for (int b = 0; b < bins; b++) {
            double neg = counts[b] - mass[b];
            double above = positives - positivesBelow - mass[b];
            double d = below + 0.5 * neg - 0.5 * mass[b] - above;
            double g = (d - auc * (negatives - positives)) / pairs;
            variance += g * g * Math.max(0.0, mass[b] - squares[b]);
            squaredMass += g * g * mass[b];
            gradientMass += g * mass[b];
            below += neg;
            positivesBelow += mass[b];
        }
        return new Auc(auc, 0.5 * gap, variance, squaredMass, gradientMass);
    }

    void writeTo(DataOutput out) throws IOException {
        out.writeInt(counts.length);
        for (int b = 0; b < counts.length; b++) {
            out.writeLong(counts[b]);
            out.writeDouble(mass[b]);
            out.writeDouble(squares[b]);
        }
    }

    static ProbabilityHistogram readFrom(DataInput in) throws IOException {
        int bins = in.readInt();
        if (bins < 2 || bins > MAX_BINS) {
            throw new DriftCoreException("estimated performance bytes: bad bin count " + bins);
        }
        ProbabilityHistogram h = new ProbabilityHistogram(bins);
        for (int b = 0; b < bins; b++) {
            h.counts[b] = in.readLong();
            h.mass[b] = in.readDouble();
            h.squares[b] = in.readDouble();
        }
        return h;
    }
}
