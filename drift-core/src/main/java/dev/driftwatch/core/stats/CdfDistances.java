package dev.driftwatch.core.stats;

/**
 * The two distances between step CDFs that walk the union of their points, computed in one pass:
 * the Kolmogorov-Smirnov statistic {@code sup |F_a - F_b|} and the Wasserstein-1 distance {@code
 * integral |F_a - F_b| dx} (see {@link KolmogorovSmirnov} and {@link WassersteinDistance} for what
 * they mean and their error bounds).
 *
 * <pre>{@code
 * CdfDistances d = CdfDistances.between(reference, current);
 * double ks = d.ks(), w1 = d.wasserstein();
 * }</pre>
 */
public record CdfDistances(double ks, double wasserstein) {

    /**
     * Both distances between two non-empty distributions.
     *
     * @throws IllegalArgumentException if either is empty
     */
    public static CdfDistances between(EmpiricalDistribution a, EmpiricalDistribution b) {
        if (a.isEmpty() || b.isEmpty()) {
            throw new IllegalArgumentException("KS and Wasserstein need two non-empty samples");
        }
        double[] xa = a.points();
        double[] fa = a.cdfs();
        double[] xb = b.points();
        double[] fb = b.cdfs();
        int na = xa.length;
        int nb = xb.length;
        int i = 0;
        int j = 0;
        double ca = 0.0;
        double cb = 0.0;
        double sup = 0.0;
        double area = 0.0;
        // The first point: nothing to integrate before it.
        double previous = Math.min(xa[0], xb[0]);
        // Runs of one side's points between two points of the other: a tight loop per run, where
        // the other CDF stays constant, instead of a three-way comparison per point.
        while (i < na || j < nb) {
            double nextB = j < nb ? xb[j] : Double.POSITIVE_INFINITY;
            while (i < na && xa[i] < nextB) {
                double x = xa[i];
                area += Math.abs(ca - cb) * (x - previous);
                previous = x;
                ca = fa[i++];
                sup = Math.max(sup, Math.abs(ca - cb));
            }
            double nextA = i < na ? xa[i] : Double.POSITIVE_INFINITY;
            while (j < nb && xb[j] < nextA) {
                double x = xb[j];
                area += Math.abs(ca - cb) * (x - previous);
                previous = x;
                cb = fb[j++];
                sup = Math.max(sup, Math.abs(ca - cb));
            }
            if (i < na && j < nb && xa[i] == xb[j]) {
                double x = xa[i];
                area += Math.abs(ca - cb) * (x - previous);
                previous = x;
                ca = fa[i++];
                cb = fb[j++];
                sup = Math.max(sup, Math.abs(ca - cb));
            }
        }
        return new CdfDistances(sup, area);
    }
}
