package dev.driftwatch.core.stats;

/**
 * Chi-square test of homogeneity of two samples of counts over the same bins (a 2 x k contingency
 * table, scipy's {@code chi2_contingency(table, correction=False)}): {@code sum (O - E)^2 / E} over
 * both rows, with {@code E = row total * column total / N}. Unlike the goodness of fit, it counts
 * the reference's own sampling noise, so it holds its level when the two samples are of similar
 * size. Bins empty in both samples are left out; the degrees of freedom are the remaining bins
 * minus one, and with fewer than two bins the p-value is NaN (undefined). With two bins it is the
 * two-proportion z-test (pooled), squared.
 */
public final class ChiSquareHomogeneity {
    private ChiSquareHomogeneity() {}

    /** The statistic and its p-value; the p-value is NaN when {@code degreesOfFreedom == 0}. */
    public record Result(double statistic, double pValue, int degreesOfFreedom) {}

    public static Result test(long[] referenceCounts, long[] currentCounts) {
        Proportions.requireSameBins(referenceCounts, currentCounts);
        double m = Proportions.total(referenceCounts);
        double n = Proportions.total(currentCounts);
        double total = m + n;
        double statistic = 0.0;
        int used = 0;
        for (int i = 0; i < referenceCounts.length; i++) {
            double column = (double) referenceCounts[i] + currentCounts[i];
            if (column == 0) {
                continue;
            }
            used++;
            double er = m * column / total;
            double ec = n * column / total;
            double dr = referenceCounts[i] - er;
            double dc = currentCounts[i] - ec;
            statistic += dr * dr / er + dc * dc / ec;
        }
        int df = used - 1;
        if (df <= 0) {
            return new Result(0.0, Double.NaN, 0);
        }
        return new Result(statistic, ChiSquareGoodnessOfFit.survival(statistic, df), df);
    }
}
