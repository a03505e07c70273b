package dev.driftwatch.core.profile;

import dev.driftwatch.core.DriftCoreException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reference profile of a categorical feature: the count of each of the most frequent categories (at
 * most {@link CategoricalReferenceBuilder#DEFAULT_MAX_CATEGORIES}), the rest pooled in one "other"
 * count, and the missing count. {@code count = missing + sum(categoryCounts) + otherCount}.
 */
public final class CategoricalReference implements FeatureReference {
    private final long count;
    private final long missing;
    private final List<String> categories;
    private final long[] categoryCounts;
    private final long otherCount;
    private final Map<String, Integer> index;

    CategoricalReference(
            long count,
            long missing,
            List<String> categories,
            long[] categoryCounts,
            long otherCount) {
        this.count = count;
        this.missing = missing;
        this.categories = List.copyOf(categories);
        this.categoryCounts = categoryCounts;
        this.otherCount = otherCount;
        if (categories.size() != categoryCounts.length) {
            throw new DriftCoreException(
                    "categorical reference: "
                            + categories.size()
                            + " categories but "
                            + categoryCounts.length
                            + " counts");
        }
        Map<String, Integer> idx = new HashMap<>(categories.size() * 2);
        long sum = otherCount + missing;
        if (otherCount < 0 || missing < 0) {
            throw new DriftCoreException("categorical reference: counts must be >= 0");
        }
        for (int i = 0; i < categoryCounts.length; i++) {
            if (categoryCounts[i] < 0) {
                throw new DriftCoreException("categorical reference: counts must be >= 0");
            }
            if (idx.put(categories.get(i), i) != null) {
                throw new DriftCoreException(
                        "categorical reference: category '"
                                + categories.get(i)
                                + "' appears twice");
            }
            sum += categoryCounts[i];
        }
        if (sum != count) {
            throw new DriftCoreException(
                    "categorical reference: count "
                            + count
                            + " != missing + category counts + other ("
                            + sum
                            + ")");
        }
        if (count - missing == 0) {
            throw new DriftCoreException("categorical reference: no non-missing values");
        }
        this.index = idx;
    }

    @Override
    public FeatureType type() {
        return FeatureType.CATEGORICAL;
    }

    @Override
    public long count() {
        return count;
    }

    @Override
    public long missing() {
        return missing;
    }

    /** The profiled categories, most frequent first. */
    public List<String> categories() {
        return categories;
    }

    /** Count per category, in the order of {@link #categories()} (a copy). */
    public long[] categoryCounts() {
        return categoryCounts.clone();
    }

    /** Values of categories beyond the profiled ones, pooled. */
    public long otherCount() {
        return otherCount;
    }

    /** The index of {@code category} in {@link #categories()}, or -1. */
    public int indexOf(String category) {
        Integer i = index.get(category);
        return i == null ? -1 : i;
    }

    Map<String, Integer> indexShared() {
        return index;
    }

    @Override
    public CategoricalWindow newWindow() {
        return new CategoricalWindow(CategoricalWindow.DEFAULT_MAX_CATEGORIES);
    }

    /** A window that keeps up to {@code maxCategories} distinct categories exactly. */
    public CategoricalWindow newWindow(int maxCategories) {
        return new CategoricalWindow(maxCategories);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CategoricalReference r
                && count == r.count
                && missing == r.missing
                && otherCount == r.otherCount
                && categories.equals(r.categories)
                && Arrays.equals(categoryCounts, r.categoryCounts);
    }

    @Override
    public int hashCode() {
        return categories.hashCode() * 31 + Arrays.hashCode(categoryCounts);
    }
}
