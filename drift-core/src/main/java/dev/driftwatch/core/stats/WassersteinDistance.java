package dev.driftwatch.core.stats;

/**
 * Wasserstein-1 (earth mover's) distance between two one-dimensional distributions: {@code integral
 * |F_ref(x) - F_cur(x)| dx}, computed as scipy's {@code wasserstein_distance}.
 *
 * <p>Exact for exact samples. From sketches, every CDF value is off by at most the sketch's rank
 * error and both CDFs are 0 below the smallest and 1 above the largest retained value, so the
 * result is within {@link #errorBound} = {@code (e_ref + e_cur) * (max - min)} of the exact
 * distance, where [min, max] spans both distributions' exact minimum and maximum.
 */
public final class WassersteinDistance {
    private WassersteinDistance() {}

    /** W1 between two non-empty distributions. */
    public static double distance(EmpiricalDistribution reference, EmpiricalDistribution current) {
        if (reference.isEmpty() || current.isEmpty()) {
            throw new IllegalArgumentException("Wasserstein distance needs two non-empty samples");
        }
        double[] acc = {0.0, Double.NaN, 0.0};
        // acc[0] = sum, acc[1] = previous x, acc[2] = |F_a - F_b| at previous x
        TwoSampleWalk.walk(
                reference,
                current,
                (x, fa, fb) -> {
                    if (!Double.isNaN(acc[1])) {
                        acc[0] += acc[2] * (x - acc[1]);
                    }
                    acc[1] = x;
                    acc[2] = Math.abs(fa - fb);
                });
        return acc[0];
    }

    /**
     * Bound on |W1 - W1_exact| given the exact range [min, max] of both streams' values: 0 when
     * both distributions are exact.
     */
    public static double errorBound(
            EmpiricalDistribution reference,
            EmpiricalDistribution current,
            double min,
            double max) {
        double e = reference.rankError() + current.rankError();
        return e == 0.0 ? 0.0 : e * (max - min);
    }

    /**
     * W1 divided by the reference population standard deviation; null when that is 0 (never
     * floored).
     */
    public static Double normalized(double distance, double referenceStd) {
        return referenceStd == 0.0 ? null : distance / referenceStd;
    }
}
