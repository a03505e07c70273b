package dev.driftwatch.core.stats;

import org.apache.commons.math3.distribution.ChiSquaredDistribution;

/**
 * Population stability index over fixed bins: {@code sum (p_cur - p_ref) * ln(p_cur / p_ref)},
 * where a zero proportion is replaced by {@value #ZERO_PROPORTION} (no renormalisation).
 *
 * <p>Under "no drift", PSI is approximately {@code (1/n + 1/m) * chi-square(B - 1)} (n, m the two
 * sample sizes, B the number of bins); {@link #noiseFloor} gives its quantile, used to keep small
 * windows from alarming on noise.
 */
public final class PopulationStabilityIndex {
    /** Replacement for a zero proportion. */
    public static final double ZERO_PROPORTION = 1e-4;

    private PopulationStabilityIndex() {}

    /** PSI between reference and current counts over the same bins. Totals must be positive. */
    public static double of(long[] referenceCounts, long[] currentCounts) {
        Proportions.requireSameBins(referenceCounts, currentCounts);
        double refTotal = Proportions.total(referenceCounts);
        double curTotal = Proportions.total(currentCounts);
        double psi = 0.0;
        for (int i = 0; i < referenceCounts.length; i++) {
            double pRef = smoothed(referenceCounts[i] / refTotal);
            double pCur = smoothed(currentCounts[i] / curTotal);
            psi += (pCur - pRef) * Math.log(pCur / pRef);
        }
        return psi;
    }

    private static double smoothed(double p) {
        return p == 0.0 ? ZERO_PROPORTION : p;
    }

    /**
     * The {@code quantile} of PSI's approximate null distribution {@code (1/n + 1/m) chi2(bins -
     * 1)}: values below it are indistinguishable from sampling noise at that level.
     */
    public static double noiseFloor(long n, long m, int bins, double quantile) {
        if (bins < 2) {
            return 0.0;
        }
        double scale = 1.0 / n + 1.0 / m;
        return scale
                * new ChiSquaredDistribution(null, bins - 1).inverseCumulativeProbability(quantile);
    }
}
