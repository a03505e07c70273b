package dev.driftwatch.core.stats;

import org.apache.commons.math3.special.Gamma;

/**
 * Chi-square goodness of fit of current counts against the reference proportions: {@code sum (O_i -
 * E_i)^2 / E_i} with {@code E_i = n * p_i}, where zero reference proportions are replaced by 1e-4
 * and the proportions renormalised (scipy's {@code chisquare(f_obs, f_exp)} on those expectations).
 */
public final class ChiSquareGoodnessOfFit {
    private ChiSquareGoodnessOfFit() {}

    /**
     * The statistic and its p-value with {@code bins - 1} degrees of freedom; the p-value is NaN
     * (undefined) with a single bin, which leaves no degree of freedom.
     */
    public record Result(double statistic, double pValue, int degreesOfFreedom) {}

    public static Result test(long[] referenceCounts, long[] currentCounts) {
        Proportions.requireSameBins(referenceCounts, currentCounts);
        double refTotal = Proportions.total(referenceCounts);
        double n = Proportions.total(currentCounts);
        double[] expected = new double[referenceCounts.length];
        double sum = 0.0;
        for (int i = 0; i < expected.length; i++) {
            double p = referenceCounts[i] / refTotal;
            expected[i] = p == 0.0 ? PopulationStabilityIndex.ZERO_PROPORTION : p;
            sum += expected[i];
        }
        double statistic = 0.0;
        for (int i = 0; i < expected.length; i++) {
            double e = n * expected[i] / sum;
            double diff = currentCounts[i] - e;
            statistic += diff * diff / e;
        }
        int df = expected.length - 1;
        return new Result(statistic, survival(statistic, df), df);
    }

    /**
     * P(chi2(df) > x), from the regularised upper incomplete gamma function directly, so that
     * p-values far below 1e-16 keep their relative precision (1 - CDF would not). NaN when {@code
     * df <= 0}: with no degree of freedom there is nothing to test.
     */
    public static double survival(double x, int df) {
        if (df <= 0) {
            return Double.NaN;
        }
        if (!(x > 0.0)) {
            return 1.0;
        }
        return Gamma.regularizedGammaQ(df / 2.0, x / 2.0);
    }
}
