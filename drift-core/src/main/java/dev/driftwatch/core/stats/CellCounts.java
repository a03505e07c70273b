package dev.driftwatch.core.stats;

import java.util.Arrays;

/**
 * Two samples counted over the same ordered cells: each cell is a set of values treated as tied (a
 * distinct value, or an open interval between two grid points), and every value of a cell is below
 * every value of the next. The tie-aware tests ({@link LinearRankTest}, {@link
 * ChiSquareHomogeneity} over {@link #pooled}) are computed from these counts. Cells empty in both
 * samples are left out.
 *
 * <ul>
 *   <li>{@link #ofPoints}: a cell per distinct point of either distribution; with two exact
 *       distributions the cells are the samples' distinct values and the counts are exact.
 *   <li>{@link #onGrid}: the cells {@code (-inf, g_0), {g_0}, (g_0, g_1), {g_1}, ..., {g_{G-1}},
 *       (g_{G-1}, +inf)} of a grid; a value is counted in the cell it lies in. Values strictly
 *       between two grid points are treated as tied.
 * </ul>
 *
 * A distribution that is not exact (a quantile summary, a window with values from a sketch) puts
 * its points' weights in their points' cells: its count in a cell is then within {@code 2 *
 * rankError * count} of its exact sample's (the CDF at each of the cell's ends is within {@code
 * rankError}).
 *
 * <pre>{@code
 * CellCounts cells = CellCounts.onGrid(reference.distribution(), window.distribution(), grid);
 * LinearRankTest.Result r = LinearRankTest.rankSum(cells);
 * }</pre>
 */
public record CellCounts(long[] reference, long[] current) {

    /** The fewest expected values per pooled cell in the smaller sample (Cochran's rule). */
    public static final double MIN_EXPECTED = 5.0;

    /** The most cells {@link #pooled} keeps. */
    public static final int MAX_POOLED_CELLS = 20;

    public CellCounts {
        if (reference.length != current.length) {
            throw new IllegalArgumentException("cell counts: both samples need the same cells");
        }
    }

    /** Counts per distinct point of either distribution. */
    public static CellCounts ofPoints(EmpiricalDistribution a, EmpiricalDistribution b) {
        double[] xa = a.points();
        double[] xb = b.points();
        long[] ra = new long[xa.length + xb.length];
        long[] rb = new long[ra.length];
        int i = 0;
        int j = 0;
        int c = 0;
        while (i < xa.length || j < xb.length) {
            double x = j >= xb.length || (i < xa.length && xa[i] <= xb[j]) ? xa[i] : xb[j];
            if (i < xa.length && xa[i] == x) {
                ra[c] = a.weight(i++);
            }
            if (j < xb.length && xb[j] == x) {
                rb[c] = b.weight(j++);
            }
            c++;
        }
        return new CellCounts(Arrays.copyOf(ra, c), Arrays.copyOf(rb, c));
    }

    /**
     * Counts over the cells of {@code grid} (strictly increasing, non-empty): its points and the
     * open intervals below, between and above them.
     */
    public static CellCounts onGrid(
            EmpiricalDistribution a, EmpiricalDistribution b, double[] grid) {
        if (grid.length == 0) {
            throw new IllegalArgumentException("cell counts: the grid is empty");
        }
        long[] ra = new long[2 * grid.length + 1];
        long[] rb = new long[ra.length];
        count(a, grid, ra);
        count(b, grid, rb);
        int used = 0;
        for (int c = 0; c < ra.length; c++) {
            if (ra[c] + rb[c] > 0) {
                ra[used] = ra[c];
                rb[used++] = rb[c];
            }
        }
        return new CellCounts(Arrays.copyOf(ra, used), Arrays.copyOf(rb, used));
    }

    private static void count(EmpiricalDistribution d, double[] grid, long[] cells) {
        int k = 0; // grid points <= the current point
        for (int i = 0; i < d.size(); i++) {
            double v = d.value(i);
            while (k < grid.length && grid[k] <= v) {
                k++;
            }
            int cell = k > 0 && grid[k - 1] == v ? 2 * k - 1 : 2 * k;
            cells[cell] += d.weight(i);
        }
    }

    public int size() {
        return reference.length;
    }

    public long referenceTotal() {
        return sum(reference);
    }

    public long currentTotal() {
        return sum(current);
    }

    private static long sum(long[] counts) {
        long s = 0;
        for (long c : counts) {
            s += c;
        }
        return s;
    }

    /**
     * Adjacent cells pooled, in order, until each pooled cell holds at least {@code T} values of
     * both samples together, {@code T = max(MIN_EXPECTED * N / min(n, m), N / MAX_POOLED_CELLS)}:
     * the smaller sample then expects at least {@value #MIN_EXPECTED} values in every pooled cell
     * under no drift, and there are at most {@value #MAX_POOLED_CELLS} of them. A remainder short
     * of T joins the last pooled cell. The pooling depends only on the cells' totals (both samples
     * together), which is what a test of homogeneity conditions on, so it keeps the test's level.
     */
    public CellCounts pooled() {
        double n = currentTotal();
        double m = referenceTotal();
        double total = n + m;
        if (n == 0 || m == 0) {
            return this;
        }
        double target = Math.max(MIN_EXPECTED * total / Math.min(n, m), total / MAX_POOLED_CELLS);
        long[] pa = new long[size()];
        long[] pb = new long[size()];
        int groups = 0;
        long inGroup = 0;
        for (int c = 0; c < size(); c++) {
            if (inGroup == 0) {
                groups++;
            }
            pa[groups - 1] += reference[c];
            pb[groups - 1] += current[c];
            inGroup += reference[c] + current[c];
            if (inGroup >= target) {
                inGroup = 0;
            }
        }
        if (inGroup > 0 && groups > 1) {
            pa[groups - 2] += pa[groups - 1];
            pb[groups - 2] += pb[groups - 1];
            groups--;
        }
        return new CellCounts(Arrays.copyOf(pa, groups), Arrays.copyOf(pb, groups));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CellCounts c
                && Arrays.equals(reference, c.reference)
                && Arrays.equals(current, c.current);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(reference) + Arrays.hashCode(current);
    }

    @Override
    public String toString() {
        return "CellCounts" + Arrays.toString(reference) + " " + Arrays.toString(current);
    }
}
