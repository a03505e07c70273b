package dev.driftwatch.core.performance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The binned ROC AUC of expected rates is within its stated bound of the exact value (computed here
 * from the sorted probabilities), for any number of bins, clustered, tied and extreme
 * probabilities.
 */
class ProbabilityHistogramTest {
    @Property(tries = 300)
    void binnedAucIsWithinItsBoundOfTheExactOne(
            @ForAll long seed,
            @ForAll @IntRange(min = 2, max = 200) int bins,
            @ForAll @IntRange(min = 1, max = 3000) int n) {
        Random random = new Random(seed);
        double[] p = new double[n];
        int shape = random.nextInt(4);
        for (int i = 0; i < n; i++) {
            double u = random.nextDouble();
            p[i] =
                    switch (shape) {
                        case 0 -> u;
                        case 1 -> 0.02 * u * u; // imbalanced: crowded near 0
                        case 2 -> Math.rint(u * 7) / 7; // ties
                        default -> random.nextInt(5) == 0 ? random.nextInt(2) : u; // 0 and 1
                    };
        }
        ProbabilityHistogram h = new ProbabilityHistogram(bins);
        for (double v : p) {
            h.add(v, 1);
        }
        double exact = exactAuc(p, p);
        Estimate e = h.rocAuc();
        if (Double.isNaN(exact)) {
            assertThat(e).isNull();
            return;
        }
        assertThat(Math.abs(e.value() - exact))
                .as("%s vs exact %s with %d bins", e, exact, bins)
                .isLessThanOrEqualTo(e.errorBound() + 1e-12);
        assertThat(e.value()).isBetween(0.0, 1.0);
    }

    /**
     * The exact ROC AUC when prediction i is a positive of weight w_i and a negative of weight 1 -
     * w_i at score s_i: trapezoids over every distinct score, so equal scores (and a prediction
     * with itself) are ties. With 0/1 weights it is the realised AUC; with w = s, the AUC of
     * expected rates. NaN when either class has no weight.
     */
    static double exactAuc(double[] scores, double[] w) {
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(scores[a], scores[b]));
        double u = 0;
        double positives = 0;
        double negativesBelow = 0;
        int i = 0;
        while (i < order.length) {
            int j = i;
            double pos = 0;
            double neg = 0;
            while (j < order.length && scores[order[j]] == scores[order[i]]) {
                pos += w[order[j]];
                neg += 1 - w[order[j]];
                j++;
            }
            u += pos * (negativesBelow + 0.5 * neg);
            negativesBelow += neg;
            positives += pos;
            i = j;
        }
        return positives > 0 && negativesBelow > 0 ? u / (positives * negativesBelow) : Double.NaN;
    }
}
