package dev.driftwatch.core.profile;

import dev.driftwatch.core.DriftCoreException;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;

/**
 * A categorical feature's window: the count of each category seen, up to a bounded number of
 * distinct categories, plus missing and type-mismatch counts.
 *
 * <p>Bound: the window keeps the {@code maxCategories} categories with the smallest (hash, name)
 * and pools the counts of all others into {@link #overflowCount()}. A category kept by the whole
 * window is never evicted by any part of it (a part that evicts it must hold {@code maxCategories}
 * smaller ones, which the whole holds too), so the result is the same for every split and merge
 * order: merge is exactly associative and commutative, and counts are exact while a window sees at
 * most {@code maxCategories} distinct categories.
 */
public final class CategoricalWindow implements FeatureWindow {
    static final byte KIND = 2;

    /**
     * Distinct categories kept per window by default (room for a full reference plus as many new).
     */
    public static final int DEFAULT_MAX_CATEGORIES = 2000;

    private static final Comparator<String> HASH_ORDER =
            Comparator.comparingInt(String::hashCode).thenComparing(Comparator.naturalOrder());

    private final int maxCategories;
    private final TreeMap<String, long[]> counts = new TreeMap<>(HASH_ORDER);
    private long overflow;
    private long missing;
    private long typeMismatches;

    CategoricalWindow(int maxCategories) {
        if (maxCategories < 1) {
            throw new DriftCoreException("maxCategories must be >= 1, was " + maxCategories);
        }
        this.maxCategories = maxCategories;
    }

    /** Adds one value; null is missing. */
    public void update(String category) {
        if (category == null) {
            missing++;
            return;
        }
        add(category, 1);
    }

    private void add(String category, long count) {
        long[] c = counts.get(category);
        if (c != null) {
            c[0] += count;
            return;
        }
        if (counts.size() >= maxCategories) {
            String largest = counts.lastKey();
            if (HASH_ORDER.compare(category, largest) > 0) {
                overflow += count;
                return;
            }
            overflow += counts.remove(largest)[0];
        }
        counts.put(category, new long[] {count});
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
        if (!(other instanceof CategoricalWindow o)) {
            throw new DriftCoreException("cannot merge a numeric window into a categorical one");
        }
        if (o.maxCategories != maxCategories) {
            throw new DriftCoreException(
                    "cannot merge categorical windows with different category limits ("
                            + maxCategories
                            + " vs "
                            + o.maxCategories
                            + ")");
        }
        for (Map.Entry<String, long[]> e : o.counts.entrySet()) {
            add(e.getKey(), e.getValue()[0]);
        }
        overflow += o.overflow;
        missing += o.missing;
        typeMismatches += o.typeMismatches;
    }

    @Override
    public CategoricalWindow copy() {
        CategoricalWindow w = new CategoricalWindow(maxCategories);
        w.merge(this);
        return w;
    }

    @Override
    public long rows() {
        return nonMissingCount() + missing + typeMismatches;
    }

    /** Values counted in categories or in the overflow. */
    public long nonMissingCount() {
        long sum = overflow;
        for (long[] c : counts.values()) {
            sum += c[0];
        }
        return sum;
    }

    @Override
    public long missing() {
        return missing;
    }

    @Override
    public long typeMismatches() {
        return typeMismatches;
    }

    /** The count of {@code category} (0 if unseen or pooled into the overflow). */
    public long count(String category) {
        long[] c = counts.get(category);
        return c == null ? 0 : c[0];
    }

    /** Categories kept, with their counts, in (hash, name) order. */
    public Map<String, Long> counts() {
        Map<String, Long> m = new TreeMap<>(HASH_ORDER);
        counts.forEach((k, v) -> m.put(k, v[0]));
        return m;
    }

    /** Values of categories beyond {@link #maxCategories()}, pooled. */
    public long overflowCount() {
        return overflow;
    }

    public int maxCategories() {
        return maxCategories;
    }

    @Override
    public void writeTo(DataOutput out) throws IOException {
        out.writeByte(KIND);
        out.writeInt(maxCategories);
        out.writeLong(missing);
        out.writeLong(typeMismatches);
        out.writeLong(overflow);
        out.writeInt(counts.size());
        for (Map.Entry<String, long[]> e : counts.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeLong(e.getValue()[0]);
        }
    }

    /** Reads the body written by {@link #writeTo} after its kind byte. */
    static CategoricalWindow readFrom(DataInput in) throws IOException {
        int max = in.readInt();
        CategoricalWindow w = new CategoricalWindow(max);
        w.missing = in.readLong();
        w.typeMismatches = in.readLong();
        w.overflow = in.readLong();
        int size = in.readInt();
        if (size < 0 || size > max) {
            throw new DriftCoreException("window bytes: bad category count " + size);
        }
        for (int i = 0; i < size; i++) {
            String name = in.readUTF();
            w.counts.put(name, new long[] {in.readLong()});
        }
        return w;
    }
}
