package dev.driftwatch.benchmarks.decision;

/** A proportion with its 95% Wilson score interval. */
public record Wilson(long hits, long trials, double rate, double low, double high) {
    private static final double Z = 1.959963984540054;

    public static Wilson of(long hits, long trials) {
        if (trials == 0) {
            return new Wilson(0, 0, Double.NaN, 0, 1);
        }
        double p = (double) hits / trials;
        double z2 = Z * Z;
        double denominator = 1 + z2 / trials;
        double centre = (p + z2 / (2 * trials)) / denominator;
        double half =
                Z * Math.sqrt(p * (1 - p) / trials + z2 / (4.0 * trials * trials)) / denominator;
        return new Wilson(hits, trials, p, Math.max(0, centre - half), Math.min(1, centre + half));
    }

    /** "12.3 [10.1, 14.9]" in percent. */
    public String percent() {
        return String.format(java.util.Locale.ROOT, "%s [%s, %s]", pct(rate), pct(low), pct(high));
    }

    static String pct(double v) {
        double p = 100 * v;
        return p == 0 || p == 100 ? String.format("%.0f", p) : String.format("%.1f", p);
    }
}
