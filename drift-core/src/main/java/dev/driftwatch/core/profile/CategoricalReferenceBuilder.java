package dev.driftwatch.core.profile;

import dev.driftwatch.core.DriftCoreException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a {@link CategoricalReference}: counts every distinct category, then keeps the most
 * frequent ones (ties broken by name) and pools the rest as "other".
 *
 * <pre>{@code
 * CategoricalReferenceBuilder b = new CategoricalReferenceBuilder();
 * b.add("DE"); b.add("FR"); b.add(null);   // null is missing
 * CategoricalReference ref = b.build();
 * }</pre>
 */
public final class CategoricalReferenceBuilder {
    /** Categories kept in a reference profile by default. */
    public static final int DEFAULT_MAX_CATEGORIES = 1000;

    private final Map<String, long[]> counts = new HashMap<>();
    private long missing;

    /** Adds a value; null is missing. */
    public void add(String category) {
        if (category == null) {
            missing++;
        } else {
            counts.computeIfAbsent(category, c -> new long[1])[0]++;
        }
    }

    public void addMissing() {
        missing++;
    }

    public CategoricalReference build() {
        return build(DEFAULT_MAX_CATEGORIES);
    }

    /** The profile keeping at most {@code maxCategories} categories. */
    public CategoricalReference build(int maxCategories) {
        if (maxCategories < 1) {
            throw new DriftCoreException("maxCategories must be >= 1, was " + maxCategories);
        }
        if (counts.isEmpty()) {
            throw new DriftCoreException("no non-missing values to profile");
        }
        List<Map.Entry<String, long[]>> entries = new ArrayList<>(counts.entrySet());
        entries.sort(
                (a, b) -> {
                    int byCount = Long.compare(b.getValue()[0], a.getValue()[0]);
                    return byCount != 0 ? byCount : a.getKey().compareTo(b.getKey());
                });
        int kept = Math.min(maxCategories, entries.size());
        List<String> categories = new ArrayList<>(kept);
        long[] kc = new long[kept];
        long other = 0;
        long total = missing;
        for (int i = 0; i < entries.size(); i++) {
            long c = entries.get(i).getValue()[0];
            total += c;
            if (i < kept) {
                categories.add(entries.get(i).getKey());
                kc[i] = c;
            } else {
                other += c;
            }
        }
        return new CategoricalReference(total, missing, categories, kc, other);
    }
}
