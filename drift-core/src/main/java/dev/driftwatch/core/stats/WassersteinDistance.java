package dev.driftwatch.core.stats;

/**
 * Wasserstein-1 (earth mover's) distance between two one-dimensional distributions: {@code integral
 * |F_ref(x) - F_cur(x)| dx}, computed as scipy's {@code wasserstein_distance}.
 *
 * <p>Exact for exact distributions. Otherwise, by the triangle inequality, {@code |W1(F^, G^) -
 * W1(F, G)| <= W1(F^, F) + W1(G^, G)}, and each term is the distribution's own {@link
 * EmpiricalDistribution#wassersteinError()}: computed exactly for a compressed sample, {@code e *
 * (U - L)} for a KLL sketch whose CDF is exact outside [L, U]. {@link #errorBound} is their sum.
 */
public final class WassersteinDistance {
    private WassersteinDistance() {}

    /** W1 between two non-empty distributions. */
    public static double distance(EmpiricalDistribution reference, EmpiricalDistribution current) {
        return CdfDistances.between(reference, current).wasserstein();
    }

    /** Bound on |W1 - W1_exact|: the sum of both sides' Wasserstein errors, 0 when exact. */
    public static double errorBound(
            EmpiricalDistribution reference, EmpiricalDistribution current) {
        return reference.wassersteinError() + current.wassersteinError();
    }

    /**
     * W1 divided by the reference population standard deviation; null when that is 0 (never
     * floored).
     */
    public static Double normalized(double distance, double referenceStd) {
        return referenceStd == 0.0 ? null : distance / referenceStd;
    }
}
