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
        double previous = Double.NaN;
        double gap = 0.0; // |F_a - F_b| since the previous point
        while (i < na || j < nb) {
            double x;
            if (j >= nb || (i < na && xa[i] <= xb[j])) {
                x = xa[i];
            } else {
                x = xb[j];
            }
            if (i < na && xa[i] == x) {
                ca = fa[i++];
            }
            if (j < nb && xb[j] == x) {
                cb = fb[j++];
            }
            if (previous == previous) {
                area += gap * (x - previous);
            }
            previous = x;
            gap = Math.abs(ca - cb);
            if (gap > sup) {
                sup = gap;
            }
        }
        return new CdfDistances(sup, area);
    }
}
