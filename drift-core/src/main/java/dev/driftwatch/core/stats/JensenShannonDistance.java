package dev.driftwatch.core.stats;

import org.apache.commons.math3.distribution.ChiSquaredDistribution;

/**
 * Jensen-Shannon distance in base 2 (in [0, 1]) between two binned distributions, without
 * smoothing: {@code sqrt((KL(p || m) + KL(q || m)) / 2)} with {@code m = (p + q) / 2}, as scipy's
 * {@code jensenshannon(p, q, base=2)}.
 */
public final class JensenShannonDistance {
    private static final double LN2 = Math.log(2.0);

    private JensenShannonDistance() {}

    /** JS distance between reference and current counts over the same bins. */
    public static double of(long[] referenceCounts, long[] currentCounts) {
        Proportions.requireSameBins(referenceCounts, currentCounts);
        double refTotal = Proportions.total(referenceCounts);
        double curTotal = Proportions.total(currentCounts);
        double divergence = 0.0;
        for (int i = 0; i < referenceCounts.length; i++) {
            double p = referenceCounts[i] / refTotal;
            double q = currentCounts[i] / curTotal;
            double m = (p + q) / 2.0;
            if (p > 0.0) {
                divergence += p * Math.log(p / m);
            }
            if (q > 0.0) {
                divergence += q * Math.log(q / m);
            }
        }
        double js = divergence / 2.0 / LN2;
        return Math.sqrt(Math.max(0.0, js));
    }

    /**
     * The {@code quantile} of the JS distance's approximate null distribution: for close
     * distributions the JS divergence in nats is about {@code (1/8) * (1/n + 1/m) * chi2(bins - 1)}
     * (a second-order expansion, like PSI's), and the distance is the square root of the divergence
     * in bits.
     */
    public static double noiseFloor(long n, long m, int bins, double quantile) {
        if (bins < 2) {
            return 0.0;
        }
        double chi2 =
                new ChiSquaredDistribution(null, bins - 1).inverseCumulativeProbability(quantile);
        return Math.sqrt((1.0 / n + 1.0 / m) * chi2 / 8.0 / LN2);
    }
}
