package dev.driftwatch.core.profile;

import dev.driftwatch.core.DriftCoreException;
import dev.driftwatch.core.stats.EmpiricalDistribution;
import dev.driftwatch.core.stats.GridDistances;
import dev.driftwatch.core.stats.QuantileEdges;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;

/**
 * A numeric feature's window: exact counts over the reference bins, moments (count, mean, sum of
 * squared deviations, min, max), missing / non-finite / type-mismatch / out-of-reference-range
 * counts, and the distribution of its finite values in one of these forms:
 *
 * <ul>
 *   <li><b>exact</b> while its distinct values and their counts take at most {@value #EXACT_BYTES}
 *       bytes (8 bytes per distinct value plus a variable-length count: about 780 distinct values,
 *       any number of values): KS and Wasserstein against it are exact;
 *   <li><b>grid</b> beyond that: per bin of the reference's grid ({@link
 *       NumericReference#WINDOW_GRID_POINTS} points at the reference's quantiles) the count, the
 *       count on the bin's left edge and the sum of the other values' offsets from it; KS and
 *       Wasserstein against the reference follow with deterministic bounds ({@link GridDistances});
 *   <li><b>sketch</b>, only where the grid is not known: a KLL sketch plus the {@value #EXTREMES}
 *       smallest and largest values, exactly (windows of format 2, and exact windows read without
 *       their reference that outgrow the exact form); it becomes the grid form, carrying its
 *       errors, as soon as it meets the grid.
 * </ul>
 *
 * The form depends only on the values, not on how they were split and merged: the exact encoding
 * only grows as values are added. Serialised, a window stays within 8 KiB with up to 50 bins; the
 * exact form does not write the grid (a window read in it gets the grid back from its reference,
 * {@link WindowProfile#heapify(byte[], ReferenceProfile)}).
 *
 * <p>Merge adds counts exactly (associative, commutative) and combines moments with Chan et al.'s
 * parallel formula, which is associative up to floating-point rounding (relative 1e-12 in tests).
 * Exact forms merge exactly; grid forms add their bins (offset sums up to rounding); a merge that
 * overflows the exact form, or involves the grid form, puts the exact values on the grid.
 */
public final class NumericWindow implements FeatureWindow {
    static final byte KIND = 1;

    /** The most bytes the exact form's distinct values and counts may take. */
    public static final int EXACT_BYTES = 7 * 1024;

    /** How many of the smallest and of the largest values the sketch form keeps exactly. */
    public static final int EXTREMES = 16;

    /**
     * Counts up to this are fed to a new sketch one value at a time: a weighted KLL update puts the
     * value at the level of each bit of its weight, and the extra levels it creates would shrink
     * the lowest compactors (and slow every later update) for good. Larger counts (ties of discrete
     * data) are fed as weighted updates.
     */
    private static final long FEED_ONE_BY_ONE = 4096;

    private static final byte FORM_EXACT = 0;
    private static final byte FORM_SKETCH = 1;
    private static final byte FORM_GRID = 2;

    private final double[] edges;
    private final double referenceMin;
    private final double referenceMax;
    private final long[] binCounts;
    private final int sketchK;

    /**
     * The reference's grid the values go to beyond the exact form; null when unknown (a window read
     * in its exact form without its reference, see {@link WindowProfile#heapify(byte[],
     * ReferenceProfile)}).
     */
    private double[] grid;

    /** The exact form; null in the other forms. */
    private ExactValues exact;

    /** The grid form; null in the other forms. */
    private GridValues gridValues;

    /** The sketch form; null in the exact form. */
    private KllDoublesSketch sketch;

    /** Sketch form: the smallest values, ascending (at most extremesKept). */
    private double[] lowest;

    private int lowestCount;

    /** Sketch form: the largest values, ascending (at most extremesKept). */
    private double[] highest;

    private int highestCount;

    /** Sketch form: how many extremes are known exactly (fewer for windows of format 1). */
    private int extremesKept;

    /** Sketch form: values below this belong among the lowest (+inf while there is room). */
    private double lowThreshold;

    /** Sketch form: values above this belong among the highest (-inf while there is room). */
    private double highThreshold;

    private long missing;
    private long nonFinite;
    private long typeMismatches;
    private long outOfRange;
    private long n;
    private double mean;
    private double m2;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;

    NumericWindow(
            double[] edges, double referenceMin, double referenceMax, int sketchK, double[] grid) {
        this(edges, referenceMin, referenceMax, new long[edges.length + 1], sketchK);
        this.exact = new ExactValues();
        this.grid = grid;
    }

    private NumericWindow(
            double[] edges,
            double referenceMin,
            double referenceMax,
            long[] binCounts,
            int sketchK) {
        this.edges = edges;
        this.referenceMin = referenceMin;
        this.referenceMax = referenceMax;
        this.binCounts = binCounts;
        this.sketchK = sketchK;
    }

    /** Adds one value: NaN is missing, an infinity is non-finite, anything else is binned. */
    public void update(double v) {
        if (v != v) {
            missing++;
            return;
        }
        if (v == Double.POSITIVE_INFINITY || v == Double.NEGATIVE_INFINITY) {
            nonFinite++;
            return;
        }
        v += 0.0; // -0.0 becomes 0.0
        binCounts[QuantileEdges.binOf(edges, v)]++;
        if (v < referenceMin || v > referenceMax) {
            outOfRange++;
        }
        n++;
        double delta = v - mean;
        mean += delta / n;
        m2 += delta * (v - mean);
        if (v < min) {
            min = v;
        }
        if (v > max) {
            max = v;
        }
        if (exact != null) {
            if (exact.offer(v)) {
                return;
            }
            exact.sortIn();
            if (exact.encodedBytes() <= EXACT_BYTES) {
                exact.offer(v);
                return;
            }
            leaveExactForm();
        }
        if (gridValues != null) {
            gridValues.add(v, 1);
        } else {
            sketch.update(v);
        }
        if (v < lowThreshold) {
            keepLow(v, 1);
        }
        if (v > highThreshold) {
            keepHigh(v, 1);
        }
    }

    /** Recomputes the thresholds after the extremes changed. */
    private void refreshThresholds() {
        lowThreshold =
                lowestCount < extremesKept ? Double.POSITIVE_INFINITY : lowest[lowestCount - 1];
        highThreshold = highestCount < extremesKept ? Double.NEGATIVE_INFINITY : highest[0];
    }

    /**
     * Turns the exact form that no longer fits into the grid form, or into the sketch form when the
     * grid is not known.
     */
    private void leaveExactForm() {
        if (grid != null) {
            toGrid();
        } else {
            toSketch();
        }
    }

    /** Turns the exact or sketch form into the grid form (the sketch's errors are carried). */
    private void toGrid() {
        GridValues g = new GridValues(grid);
        if (exact != null) {
            g.addAll(exact);
            startExtremes();
            feedExtremes(exact);
        } else if (sketch != null) {
            // the sketch's exact extremes stay
            g.addAll(sketchDistribution());
        }
        exact = null;
        sketch = null;
        gridValues = g;
    }

    /** Turns the exact form into the sketch form. */
    private void toSketch() {
        ExactValues values = exact;
        exact = null;
        sketch = KllDoublesSketch.newHeapInstance(sketchK);
        startExtremes();
        feed(values);
    }

    /** No extremes yet, {@value #EXTREMES} to keep. */
    private void startExtremes() {
        lowest = new double[EXTREMES];
        highest = new double[EXTREMES];
        lowestCount = 0;
        highestCount = 0;
        extremesKept = EXTREMES;
        refreshThresholds();
    }

    /** Offers the smallest and the largest of {@code values} to the extremes. */
    private void feedExtremes(ExactValues values) {
        int d = values.distinct();
        for (int i = 0; i < d && i < extremesKept; i++) {
            keepLow(values.value(i), values.count(i));
        }
        for (int i = Math.max(0, d - extremesKept); i < d; i++) {
            keepHigh(values.value(i), values.count(i));
        }
    }

    private void feed(ExactValues values) {
        int d = values.distinct();
        for (int i = 0; i < d; i++) {
            double v = values.value(i);
            long count = values.count(i);
            if (count <= FEED_ONE_BY_ONE) {
                for (long c = 0; c < count; c++) {
                    sketch.update(v);
                }
            } else {
                sketch.update(v, count);
            }
        }
        feedExtremes(values);
    }

    /** Records {@code copies} copies of v among the smallest values if they belong there. */
    private void keepLow(double v, long copies) {
        for (long k = Math.min(copies, extremesKept); k > 0; k--) {
            if (lowestCount < extremesKept) {
                lowestCount = insertAscending(lowest, lowestCount, v);
            } else if (v < lowest[lowestCount - 1]) {
                insertAscending(lowest, lowestCount - 1, v); // drops the largest
            } else {
                break;
            }
        }
        refreshThresholds();
    }

    /** Records {@code copies} copies of v among the largest values if they belong there. */
    private void keepHigh(double v, long copies) {
        for (long k = Math.min(copies, extremesKept); k > 0; k--) {
            if (highestCount < extremesKept) {
                highestCount = insertAscending(highest, highestCount, v);
            } else if (v > highest[0]) {
                System.arraycopy(highest, 1, highest, 0, highestCount - 1); // drops the smallest
                insertAscending(highest, highestCount - 1, v);
            } else {
                break;
            }
        }
        refreshThresholds();
    }

    /** Inserts v into ascending a[0..size) (a has room), returning size + 1. */
    private static int insertAscending(double[] a, int size, double v) {
        int i = size;
        while (i > 0 && a[i - 1] > v) {
            a[i] = a[i - 1];
            i--;
        }
        a[i] = v;
        return size + 1;
    }

    @Override
    public void updateMissing() {
        missing++;
    }

    @Override
    public void updateTypeMismatch() {
        typeMismatches++;
    }

    @Override
    public void merge(FeatureWindow other) {
        if (!(other instanceof NumericWindow o)) {
            throw new DriftCoreException("cannot merge a categorical window into a numeric one");
        }
        if (o.edges != edges && !Arrays.equals(o.edges, edges)) {
            throw new DriftCoreException("cannot merge numeric windows binned on different edges");
        }
        for (int i = 0; i < binCounts.length; i++) {
            binCounts[i] += o.binCounts[i];
        }
        missing += o.missing;
        nonFinite += o.nonFinite;
        typeMismatches += o.typeMismatches;
        outOfRange += o.outOfRange;
        if (grid == null) {
            grid = o.grid;
        } else if (o.grid != null && o.grid != grid && !Arrays.equals(o.grid, grid)) {
            throw new DriftCoreException("cannot merge numeric windows on different grids");
        }
        if (grid != null && sketch != null) {
            toGrid(); // a sketch of format 2 that meets the grid
        }
        if (o.n == 0) {
            return;
        }
        long total = n + o.n;
        double delta = o.mean - mean;
        mean += delta * o.n / total;
        m2 += o.m2 + delta * delta * ((double) n * o.n / total);
        n = total;
        min = Math.min(min, o.min);
        max = Math.max(max, o.max);
        if (exact != null && o.exact != null) {
            exact.addAll(o.exact);
            if (exact.encodedBytes() > EXACT_BYTES) {
                leaveExactForm();
            }
            return;
        }
        if (grid != null) {
            // beyond the exact form with the grid known, the result is on the grid
            if (gridValues == null) {
                toGrid();
            }
            if (o.exact != null) {
                gridValues.addAll(o.exact);
                feedExtremes(o.exact);
            } else {
                if (o.gridValues != null) {
                    gridValues.addAll(o.gridValues);
                } else {
                    gridValues.addAll(o.sketchDistribution());
                }
                mergeExtremes(o);
            }
            return;
        }
        if (exact != null) {
            toSketch();
        }
        if (o.exact != null) {
            feed(o.exact);
        } else {
            sketch.merge(o.sketch);
            mergeExtremes(o);
        }
    }

    /** Keeps the extremes of both sides' extremes (windows beyond the exact form). */
    private void mergeExtremes(NumericWindow o) {
        {
            // The extremes of the whole are the extremes of both sides' extremes, as many as
            // both sides know.
            int kept = Math.min(extremesKept, o.extremesKept);
            double[] merged = new double[kept];
            // the smallest `kept` of both sides' lowest values, ascending
            int m = 0;
            int i = 0;
            int j = 0;
            int lowA = Math.min(lowestCount, kept);
            int lowB = Math.min(o.lowestCount, kept);
            while (m < kept && (i < lowA || j < lowB)) {
                merged[m++] =
                        j >= lowB || (i < lowA && lowest[i] <= o.lowest[j])
                                ? lowest[i++]
                                : o.lowest[j++];
            }
            System.arraycopy(merged, 0, lowest, 0, m);
            lowestCount = m;
            // the largest `kept` of both sides' highest values, ascending
            m = 0;
            i = highestCount - 1;
            j = o.highestCount - 1;
            int stopA = highestCount - Math.min(highestCount, kept);
            int stopB = o.highestCount - Math.min(o.highestCount, kept);
            while (m < kept && (i >= stopA || j >= stopB)) {
                merged[m++] =
                        j < stopB || (i >= stopA && highest[i] >= o.highest[j])
                                ? highest[i--]
                                : o.highest[j--];
            }
            for (int k = 0; k < m; k++) {
                highest[k] = merged[m - 1 - k];
            }
            highestCount = m;
            extremesKept = kept;
            refreshThresholds();
        }
    }

    @Override
    public NumericWindow copy() {
        NumericWindow w =
                new NumericWindow(edges, referenceMin, referenceMax, binCounts.clone(), sketchK);
        w.grid = grid;
        if (exact != null) {
            w.exact = exact.copy();
        } else {
            if (gridValues != null) {
                w.gridValues = gridValues.copy();
            } else {
                w.sketch = KllDoublesSketch.heapify(Memory.wrap(sketch.toByteArray()));
            }
            w.lowest = lowest.clone();
            w.highest = highest.clone();
            w.lowestCount = lowestCount;
            w.highestCount = highestCount;
            w.extremesKept = extremesKept;
            w.refreshThresholds();
        }
        w.missing = missing;
        w.nonFinite = nonFinite;
        w.typeMismatches = typeMismatches;
        w.outOfRange = outOfRange;
        w.n = n;
        w.mean = mean;
        w.m2 = m2;
        w.min = min;
        w.max = max;
        return w;
    }

    @Override
    public long rows() {
        return missing + nonFinite + typeMismatches + n;
    }

    @Override
    public long missing() {
        return missing;
    }

    public long nonFinite() {
        return nonFinite;
    }

    @Override
    public long typeMismatches() {
        return typeMismatches;
    }

    /** Finite values outside the reference [min, max]. */
    public long outOfRange() {
        return outOfRange;
    }

    /** Number of finite values (binned and summarised). */
    public long finiteCount() {
        return n;
    }

    /** Count per reference bin (a copy). */
    public long[] binCounts() {
        return binCounts.clone();
    }

    public double mean() {
        return n == 0 ? Double.NaN : mean;
    }

    /** Population standard deviation of the finite values. */
    public double std() {
        return n == 0 ? Double.NaN : Math.sqrt(m2 / n);
    }

    public double min() {
        return n == 0 ? Double.NaN : min;
    }

    public double max() {
        return n == 0 ? Double.NaN : max;
    }

    /**
     * True while the finite values are held exactly (see the class comment); then {@link
     * #distribution()} is exact.
     */
    public boolean isExact() {
        if (exact != null && exact.encodedBytes() > EXACT_BYTES) {
            leaveExactForm();
        }
        return exact != null;
    }

    /** True in the grid form (see the class comment). */
    public boolean isGrid() {
        isExact();
        return gridValues != null;
    }

    /**
     * KS and Wasserstein-1 between {@code reference} and this window in its grid form, with their
     * bounds ({@link GridDistances}); null in the other forms, or when the grid does not bracket
     * {@code reference} (the grid is built from the reference's distribution, which it always
     * brackets).
     */
    public GridDistances gridDistancesTo(EmpiricalDistribution reference) {
        if (!isGrid() || n == 0 || !GridDistances.brackets(gridValues.grid(), reference)) {
            return null;
        }
        return gridValues.distancesTo(reference, n, exactExtremes());
    }

    /** The extremes kept, ascending (none if they could overlap). */
    private double[] exactExtremes() {
        if (lowestCount + highestCount > n) {
            return new double[0];
        }
        double[] values = Arrays.copyOf(lowest, lowestCount + highestCount);
        System.arraycopy(highest, 0, values, lowestCount, highestCount);
        return values;
    }

    /** Gives a window read without its reference the reference's grid (see the class comment). */
    void attachGrid(double[] referenceGrid) {
        if (grid != null && grid != referenceGrid && !Arrays.equals(grid, referenceGrid)) {
            throw new DriftCoreException("numeric window: not on the reference's grid");
        }
        grid = referenceGrid;
        if (sketch != null) {
            toGrid();
        }
    }

    private EmpiricalDistribution sketchDistribution() {
        return EmpiricalDistribution.ofSketch(sketch, lowest, lowestCount, highest, highestCount);
    }

    /**
     * The distribution of the finite values: exact in the exact form; in the sketch form the KLL
     * sketch's, exact below the {@value #EXTREMES}-th smallest and from the {@value #EXTREMES}-th
     * largest value, with its error terms.
     */
    public EmpiricalDistribution distribution() {
        if (isExact()) {
            return exact.distribution();
        }
        if (gridValues != null) {
            return gridValues.distribution(n, exactExtremes());
        }
        return sketchDistribution();
    }

    /** The smallest values known exactly beyond the exact form, ascending (none in it). */
    double[] lowestKept() {
        isExact();
        return exact != null ? new double[0] : Arrays.copyOf(lowest, lowestCount);
    }

    /** The largest values known exactly beyond the exact form, ascending (none in it). */
    double[] highestKept() {
        isExact();
        return exact != null ? new double[0] : Arrays.copyOf(highest, highestCount);
    }

    double[] edgesShared() {
        return edges;
    }

    @Override
    public void writeTo(DataOutput out) throws IOException {
        boolean exactForm = isExact();
        out.writeByte(KIND);
        Varint.write(out, edges.length);
        for (double e : edges) {
            out.writeDouble(e);
        }
        out.writeDouble(referenceMin);
        out.writeDouble(referenceMax);
        for (long c : binCounts) {
            Varint.write(out, c);
        }
        Varint.write(out, missing);
        Varint.write(out, nonFinite);
        Varint.write(out, typeMismatches);
        Varint.write(out, outOfRange);
        Varint.write(out, n);
        out.writeDouble(mean);
        out.writeDouble(m2);
        out.writeDouble(min);
        out.writeDouble(max);
        Varint.write(out, sketchK);
        if (exactForm) {
            out.writeByte(FORM_EXACT);
            exact.writeTo(out);
        } else {
            out.writeByte(gridValues != null ? FORM_GRID : FORM_SKETCH);
            Varint.write(out, extremesKept);
            Varint.write(out, lowestCount);
            for (int i = 0; i < lowestCount; i++) {
                out.writeDouble(lowest[i]);
            }
            Varint.write(out, highestCount);
            for (int i = 0; i < highestCount; i++) {
                out.writeDouble(highest[i]);
            }
            if (gridValues != null) {
                gridValues.writeTo(out);
            } else {
                byte[] sk = sketch.toByteArray();
                Varint.write(out, sk.length);
                out.write(sk);
            }
        }
    }

    /** Reads the body written by {@link #writeTo} (formats 2 and 3) after its kind byte. */
    static NumericWindow readFrom(DataInput in, int version) throws IOException {
        int edgeCount = Varint.readInt(in, "window bytes: edge count", 1_000_000);
        double[] edges = new double[edgeCount];
        for (int i = 0; i < edgeCount; i++) {
            edges[i] = in.readDouble();
        }
        double refMin = in.readDouble();
        double refMax = in.readDouble();
        long[] counts = new long[edgeCount + 1];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = Varint.read(in, "window bytes: bin count");
        }
        long missing = Varint.read(in, "window bytes: missing");
        long nonFinite = Varint.read(in, "window bytes: non-finite");
        long typeMismatches = Varint.read(in, "window bytes: type mismatches");
        long outOfRange = Varint.read(in, "window bytes: out of range");
        long n = Varint.read(in, "window bytes: value count");
        double mean = in.readDouble();
        double m2 = in.readDouble();
        double min = in.readDouble();
        double max = in.readDouble();
        int k = Varint.readInt(in, "window bytes: sketch k", 65_535);
        NumericWindow w = new NumericWindow(edges, refMin, refMax, counts, k);
        w.setCounts(missing, nonFinite, typeMismatches, outOfRange, n, mean, m2, min, max);
        byte form = in.readByte();
        if (form == FORM_EXACT) {
            w.exact = ExactValues.readFrom(in, n);
        } else if (form == FORM_SKETCH || (form == FORM_GRID && version >= 3)) {
            int kept = Varint.readInt(in, "window bytes: extremes kept", 1 << 16);
            w.extremesKept = kept;
            w.lowest = new double[Math.max(kept, 1)];
            w.highest = new double[Math.max(kept, 1)];
            w.lowestCount = readExtremes(in, w.lowest, kept);
            w.highestCount = readExtremes(in, w.highest, kept);
            w.refreshThresholds();
            if (n > 0 && (w.lowestCount == 0 || w.highestCount == 0)) {
                throw new DriftCoreException("window bytes: no extreme values kept");
            }
            if (form == FORM_GRID) {
                w.gridValues = GridValues.readFrom(in, n);
                w.grid = w.gridValues.grid();
            } else {
                int len = Varint.readInt(in, "window bytes: sketch length", 64 << 20);
                byte[] sk = new byte[len];
                in.readFully(sk);
                w.sketch = KllDoublesSketch.heapify(Memory.wrap(sk));
                if (w.sketch.getN() != n) {
                    throw new DriftCoreException(
                            "window bytes: sketch of "
                                    + w.sketch.getN()
                                    + " values, window of "
                                    + n);
                }
            }
        } else {
            throw new DriftCoreException("window bytes: unknown numeric form " + form);
        }
        return w;
    }

    private static int readExtremes(DataInput in, double[] into, int kept) throws IOException {
        int count = Varint.readInt(in, "window bytes: extreme values", kept);
        for (int i = 0; i < count; i++) {
            into[i] = in.readDouble();
            if (!Double.isFinite(into[i]) || (i > 0 && into[i] < into[i - 1])) {
                throw new DriftCoreException(
                        "window bytes: extreme values must be finite and ascending");
            }
        }
        return count;
    }

    /**
     * Reads the numeric body of format 1 (fixed-width counters and a KLL sketch only): a sketch
     * still in exact mode becomes the exact form, otherwise the sketch form whose only exact
     * extremes are the minimum and maximum.
     */
    static NumericWindow readFormat1(DataInput in) throws IOException {
        int edgeCount = in.readInt();
        if (edgeCount < 0 || edgeCount > 1_000_000) {
            throw new DriftCoreException("window bytes: bad edge count " + edgeCount);
        }
        double[] edges = new double[edgeCount];
        for (int i = 0; i < edgeCount; i++) {
            edges[i] = in.readDouble();
        }
        double refMin = in.readDouble();
        double refMax = in.readDouble();
        long[] counts = new long[edgeCount + 1];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = in.readLong();
        }
        long missing = in.readLong();
        long nonFinite = in.readLong();
        long typeMismatches = in.readLong();
        long outOfRange = in.readLong();
        long n = in.readLong();
        double mean = in.readDouble();
        double m2 = in.readDouble();
        double min = in.readDouble();
        double max = in.readDouble();
        int len = in.readInt();
        if (len < 0 || len > 64 << 20) {
            throw new DriftCoreException("window bytes: bad sketch length " + len);
        }
        byte[] sk = new byte[len];
        in.readFully(sk);
        KllDoublesSketch sketch = KllDoublesSketch.heapify(Memory.wrap(sk));
        if (sketch.getN() != n) {
            throw new DriftCoreException(
                    "window bytes: sketch of " + sketch.getN() + " values, window of " + n);
        }
        NumericWindow w = new NumericWindow(edges, refMin, refMax, counts, sketch.getK());
        w.setCounts(missing, nonFinite, typeMismatches, outOfRange, n, mean, m2, min, max);
        if (!sketch.isEstimationMode()) {
            w.exact = new ExactValues();
            var view = sketch.getSortedView();
            for (double item : view.getQuantiles()) {
                if (!w.exact.offer(item + 0.0)) {
                    w.exact.sortIn();
                    w.exact.offer(item + 0.0);
                }
            }
        } else {
            w.sketch = sketch;
            w.extremesKept = 1;
            w.lowest = new double[] {min};
            w.highest = new double[] {max};
            w.lowestCount = 1;
            w.highestCount = 1;
            w.refreshThresholds();
        }
        return w;
    }

    private void setCounts(
            long missing,
            long nonFinite,
            long typeMismatches,
            long outOfRange,
            long n,
            double mean,
            double m2,
            double min,
            double max) {
        this.missing = missing;
        this.nonFinite = nonFinite;
        this.typeMismatches = typeMismatches;
        this.outOfRange = outOfRange;
        this.n = n;
        this.mean = mean;
        this.m2 = m2;
        this.min = min;
        this.max = max;
    }
}
