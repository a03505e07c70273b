package dev.driftwatch.core.stats;

/**
 * Two-sample Kolmogorov-Smirnov statistic {@code D = sup |F_ref - F_cur|} and its asymptotic
 * p-value.
 *
 * <p>D is exact when both distributions are exact. Otherwise the returned D is within {@link
 * #errorBound} of the exact D: each CDF is off by at most its own {@link
 * EmpiricalDistribution#rankError()} at every point (computed exactly for a compressed sample; the
 * KLL sketch's single-sided normalised rank error at 99% confidence for a sketch).
 *
 * <p>The p-value is the survival function of the asymptotic Kolmogorov distribution at {@code
 * sqrt(n*m/(n+m)) * D} (scipy's {@code kstwobign.sf}).
 */
public final class KolmogorovSmirnov {
    private KolmogorovSmirnov() {}

    /** The KS statistic D between two non-empty distributions. */
    public static double statistic(EmpiricalDistribution reference, EmpiricalDistribution current) {
        return CdfDistances.between(reference, current).ks();
    }

    /** Upper bound on |D - D_exact|: 0 when both are exact. */
    public static double errorBound(
            EmpiricalDistribution reference, EmpiricalDistribution current) {
        return reference.rankError() + current.rankError();
    }

    /** Asymptotic p-value for statistic {@code d} between samples of sizes n and m. */
    public static double pValue(double d, long n, long m) {
        double en = Math.sqrt((double) n * m / ((double) n + m));
        return kolmogorovSurvival(en * d);
    }

    /**
     * P(K > t) for the Kolmogorov distribution K.
     *
     * <p>Written here rather than taken from commons-math3, whose {@code
     * KolmogorovSmirnovTest.approximateP} returns {@code 1 - CDF} and so loses all precision below
     * about 1e-16; drift p-values of 1e-20 and smaller are routine. For t >= 1 the alternating
     * series {@code 2 sum (-1)^(k-1) exp(-2 k^2 t^2)} converges in a few terms with full relative
     * precision; below 1 the theta-function form of the CDF converges fast and the survival is not
     * small.
     */
    static double kolmogorovSurvival(double t) {
        if (!(t > 0.0)) {
            return 1.0;
        }
        if (t < 1.0) {
            double sum = 0.0;
            double c = -Math.PI * Math.PI / (8.0 * t * t);
            for (int k = 1; k <= 100; k++) {
                int odd = 2 * k - 1;
                double term = Math.exp(c * odd * odd);
                sum += term;
                if (term < 1e-17 * sum) {
                    break;
                }
            }
            double cdf = Math.sqrt(2.0 * Math.PI) / t * sum;
            return Math.min(1.0, Math.max(0.0, 1.0 - cdf));
        }
        double sum = 0.0;
        double sign = 1.0;
        for (int k = 1; k <= 100; k++) {
            double term = Math.exp(-2.0 * k * k * t * t);
            sum += sign * term;
            if (term < 1e-17 * Math.abs(sum)) {
                break;
            }
            sign = -sign;
        }
        return Math.min(1.0, Math.max(0.0, 2.0 * sum));
    }
}
