package dev.driftwatch.core.stats;

/** Small checks and sums shared by the binned statistics. */
final class Proportions {
    private Proportions() {}

    static void requireSameBins(long[] a, long[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException(
                    "bin counts differ in length: " + a.length + " vs " + b.length);
        }
        if (a.length == 0) {
            throw new IllegalArgumentException("no bins");
        }
    }

    static double total(long[] counts) {
        long sum = 0;
        for (long c : counts) {
            if (c < 0) {
                throw new IllegalArgumentException("negative count: " + c);
            }
            sum += c;
        }
        if (sum == 0) {
            throw new IllegalArgumentException("counts sum to zero");
        }
        return sum;
    }
}
