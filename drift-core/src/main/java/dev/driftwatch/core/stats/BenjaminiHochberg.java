package dev.driftwatch.core.stats;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Benjamini-Hochberg false discovery rate control across features: rejects the k smallest p-values,
 * where k is the largest i with {@code p_(i) <= i * alpha / m}.
 */
public final class BenjaminiHochberg {
    private BenjaminiHochberg() {}

    /**
     * Which hypotheses are rejected at FDR level {@code alpha}; NaN p-values are never rejected.
     */
    public static boolean[] reject(double[] pValues, double alpha) {
        int m = 0;
        for (double p : pValues) {
            if (!Double.isNaN(p)) {
                m++;
            }
        }
        Integer[] order = new Integer[pValues.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(
                order,
                Comparator.comparingDouble(
                        i -> Double.isNaN(pValues[i]) ? Double.POSITIVE_INFINITY : pValues[i]));
        int k = 0;
        for (int rank = 1; rank <= m; rank++) {
            if (pValues[order[rank - 1]] <= rank * alpha / m) {
                k = rank;
            }
        }
        boolean[] rejected = new boolean[pValues.length];
        for (int rank = 0; rank < k; rank++) {
            rejected[order[rank]] = true;
        }
        return rejected;
    }

    /** BH-adjusted p-values (monotone, capped at 1), as statsmodels' {@code fdr_bh}. */
    public static double[] adjust(double[] pValues) {
        int n = pValues.length;
        int m = 0;
        for (double p : pValues) {
            if (!Double.isNaN(p)) {
                m++;
            }
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(
                order,
                Comparator.comparingDouble(
                        i -> Double.isNaN(pValues[i]) ? Double.POSITIVE_INFINITY : pValues[i]));
        double[] adjusted = new double[n];
        Arrays.fill(adjusted, Double.NaN);
        double running = 1.0;
        for (int rank = m; rank >= 1; rank--) {
            int idx = order[rank - 1];
            running = Math.min(running, pValues[idx] * m / rank);
            adjusted[idx] = running;
        }
        return adjusted;
    }
}
