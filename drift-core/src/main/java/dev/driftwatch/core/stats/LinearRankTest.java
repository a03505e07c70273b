package dev.driftwatch.core.stats;

import org.apache.commons.math3.special.Erf;

/**
 * Two-sample linear rank tests on counts per cell ({@link CellCounts}), valid with ties: the
 * Wilcoxon-Mann-Whitney rank-sum test (location) and the Ansari-Bradley test (spread).
 *
 * <p>Both samples are ranked together, N = n + m values; the cells take the ranks in order, a cell
 * of t values the ranks R + 1..R + t after the R values of the cells before it. Each rank i has a
 * score a(i): i for the rank sum, {@code min(i, N + 1 - i)} for Ansari-Bradley (small in the tails,
 * large in the middle: a sample more spread out than the other gets small scores). The values of a
 * cell are tied and each gets the cell's average score {@code abar_c}. The statistic is the current
 * sample's total score {@code S = sum_c current_c abar_c}. Without drift (both samples from one
 * distribution), given the cells' totals t_c, every split of the N values into n and m is equally
 * likely, so S has exactly the mean and variance of sampling n of the N scores without replacement:
 *
 * <pre>
 * E S = n abar,  Var S = n m / (N (N - 1)) sum_c t_c (abar_c - abar)^2,  abar = sum_c t_c abar_c / N
 * </pre>
 *
 * and the two-sided p-value is {@code 2 Phi(-|z|)}, {@code z = (S - E S) / sqrt(Var S)} (the normal
 * approximation; scipy's {@code mannwhitneyu(method="asymptotic", use_continuity=False)} for the
 * rank sum, whose tie correction is this variance; for Ansari-Bradley without ties scipy's {@code
 * ansari}). Ties, from discrete data or from values counted per grid cell, only lower the variance:
 * the level holds whatever the ties. The p-value is NaN when the variance is 0 (every value in one
 * cell, or an empty sample).
 *
 * <pre>{@code
 * LinearRankTest.Result location = LinearRankTest.rankSum(cells);
 * LinearRankTest.Result spread = LinearRankTest.ansariBradley(cells);
 * }</pre>
 */
public final class LinearRankTest {
    private LinearRankTest() {}

    /** The current sample's total score, its standardised value z and the two-sided p-value. */
    public record Result(double statistic, double z, double pValue) {}

    /** The Wilcoxon-Mann-Whitney rank-sum test: score i for rank i. */
    public static Result rankSum(CellCounts cells) {
        return test(cells, false);
    }

    /** The Ansari-Bradley test: score {@code min(i, N + 1 - i)} for rank i. */
    public static Result ansariBradley(CellCounts cells) {
        return test(cells, true);
    }

    private static Result test(CellCounts cells, boolean ansariBradley) {
        long[] ref = cells.reference();
        long[] cur = cells.current();
        double n = cells.currentTotal();
        double m = cells.referenceTotal();
        double total = n + m;
        if (n == 0 || m == 0) {
            return new Result(Double.NaN, Double.NaN, Double.NaN);
        }
        double[] score = new double[ref.length];
        double below = 0.0;
        double scoreSum = 0.0;
        for (int c = 0; c < ref.length; c++) {
            double t = (double) ref[c] + cur[c];
            score[c] =
                    t == 0
                            ? 0.0
                            : ansariBradley
                                    ? symmetricScoreSum(below + 1, below + t, total) / t
                                    : below + (t + 1) / 2.0;
            scoreSum += t * score[c];
            below += t;
        }
        double mean = scoreSum / total;
        double spread = 0.0;
        double statistic = 0.0;
        for (int c = 0; c < ref.length; c++) {
            double t = (double) ref[c] + cur[c];
            double d = score[c] - mean;
            spread += t * d * d;
            statistic += cur[c] * score[c];
        }
        double variance = n * m / (total * (total - 1.0)) * spread;
        if (!(variance > 0.0)) {
            return new Result(statistic, Double.NaN, Double.NaN);
        }
        double z = (statistic - n * mean) / Math.sqrt(variance);
        return new Result(statistic, z, Erf.erfc(Math.abs(z) / Math.sqrt(2.0)));
    }

    /** Sum of {@code min(i, N + 1 - i)} over the ranks i from {@code from} to {@code to}. */
    static double symmetricScoreSum(double from, double to, double total) {
        // min(i, N + 1 - i) = i up to half = floor((N + 1) / 2), N + 1 - i beyond
        double half = Math.floor((total + 1) / 2.0);
        double sum = 0.0;
        if (from <= half) {
            double hi = Math.min(to, half);
            sum += (from + hi) * (hi - from + 1) / 2.0;
        }
        if (to > half) {
            double lo = Math.max(from, half + 1);
            // N + 1 - i for i in [lo, to]: from N + 1 - lo down to N + 1 - to
            sum += (2 * (total + 1) - lo - to) * (to - lo + 1) / 2.0;
        }
        return sum;
    }
}
