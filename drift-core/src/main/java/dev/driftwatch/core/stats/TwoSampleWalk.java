package dev.driftwatch.core.stats;

/**
 * Walks the union of two step CDFs' points in order; shared by the KS and Wasserstein statistics.
 */
final class TwoSampleWalk {
    private TwoSampleWalk() {}

    /** Receives each distinct point x of the union with both CDFs evaluated at x. */
    interface Visitor {
        void visit(double x, double cdfA, double cdfB);
    }

    static void walk(EmpiricalDistribution a, EmpiricalDistribution b, Visitor visitor) {
        int i = 0;
        int j = 0;
        double fa = 0.0;
        double fb = 0.0;
        int na = a.size();
        int nb = b.size();
        while (i < na || j < nb) {
            double x;
            if (j >= nb || (i < na && a.value(i) <= b.value(j))) {
                x = a.value(i);
            } else {
                x = b.value(j);
            }
            if (i < na && a.value(i) == x) {
                fa = a.cdfAt(i++);
            }
            if (j < nb && b.value(j) == x) {
                fb = b.cdfAt(j++);
            }
            visitor.visit(x, fa, fb);
        }
    }
}
