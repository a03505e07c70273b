package dev.driftwatch.core.drift;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.driftwatch.core.DriftCoreException;
import dev.driftwatch.core.profile.CategoricalReference;
import dev.driftwatch.core.profile.CategoricalWindow;
import dev.driftwatch.core.profile.FeatureReference;
import dev.driftwatch.core.profile.FeatureType;
import dev.driftwatch.core.profile.FeatureWindow;
import dev.driftwatch.core.profile.NumericReference;
import dev.driftwatch.core.profile.NumericWindow;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A window's distribution of one feature next to its reference's, in a bounded form that can be
 * stored and drawn: for a numeric feature the counts of both sides in each reference bin (PSI's
 * bins) and the bin edges; for a categorical one the counts of at most {@value #MAX_CATEGORIES}
 * categories (the new ones first, up to {@value #MAX_NEW_CATEGORIES}, then the largest by their
 * larger share) and everything else pooled as "other" on each side, so that the drawn counts plus
 * "other" add up to each side's total.
 *
 * <p>A category's name is kept to its first {@value #MAX_NAME_CHARS} characters, with NUL and lone
 * surrogates replaced by U+FFFD (PostgreSQL's {@code jsonb} cannot hold NUL). A reference with more
 * than {@value #MAX_BINS} bins gives no distribution ({@link #of} returns null). So the JSON form
 * stays under 40 KB whatever the data (30 names of 200 characters, each written as at most six).
 *
 * @param type the feature's type
 * @param edges numeric: the reference's bin edges (bins - 1 of them); categorical: empty
 * @param categories categorical: the categories kept, by larger share then name; numeric: empty
 * @param newCategories per kept category, whether it is absent from the reference
 * @param reference the reference's count per bin or kept category
 * @param current the window's count per bin or kept category
 * @param referenceOther categorical: the reference's count of everything not kept; numeric: 0
 * @param currentOther categorical: the window's count of everything not kept; numeric: 0
 * @param distinctCategories categorical: the categories of both sides (the reference's pooled
 *     "other" and the window's overflow counting as one each); numeric: 0
 */
public record WindowDistribution(
        FeatureType type,
        double[] edges,
        List<String> categories,
        boolean[] newCategories,
        long[] reference,
        long[] current,
        long referenceOther,
        long currentOther,
        int distinctCategories) {

    /** The most categories kept by name. */
    public static final int MAX_CATEGORIES = 30;

    /** The most new categories among them. */
    public static final int MAX_NEW_CATEGORIES = 15;

    /** The most characters of a kept category's name. */
    public static final int MAX_NAME_CHARS = 200;

    /** The most reference bins of a numeric distribution. */
    public static final int MAX_BINS = 100;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** The window's distribution against its reference, or null when over {@link #MAX_BINS}. */
    public static WindowDistribution of(FeatureReference reference, FeatureWindow window) {
        if (reference instanceof NumericReference r && window instanceof NumericWindow w) {
            double[] edges = r.edges();
            if (edges.length + 1 > MAX_BINS) {
                return null;
            }
            return new WindowDistribution(
                    FeatureType.NUMERIC,
                    edges,
                    List.of(),
                    new boolean[0],
                    r.binCounts(),
                    w.binCounts(),
                    0,
                    0,
                    0);
        }
        if (reference instanceof CategoricalReference r && window instanceof CategoricalWindow w) {
            return categorical(r, w);
        }
        throw new DriftCoreException("the reference and the window differ in type");
    }

    private static WindowDistribution categorical(CategoricalReference ref, CategoricalWindow cur) {
        // as in CategoricalMetrics: a category the reference did not keep is new only when the
        // reference pooled nothing; otherwise it may be one of the pooled ones
        boolean refHasOther = ref.otherCount() > 0;
        long refTotal = ref.otherCount() + sum(ref.categoryCounts());
        long curTotal = cur.nonMissingCount();
        List<Candidate> known = new ArrayList<>();
        long[] refCounts = ref.categoryCounts();
        for (int i = 0; i < refCounts.length; i++) {
            String name = ref.categories().get(i);
            known.add(new Candidate(name, refCounts[i], cur.count(name), false));
        }
        List<Candidate> unseen = new ArrayList<>();
        long curPooled = cur.overflowCount();
        for (Map.Entry<String, Long> e : cur.counts().entrySet()) {
            if (ref.indexOf(e.getKey()) >= 0) {
                continue;
            }
            if (refHasOther) {
                curPooled += e.getValue();
            } else {
                unseen.add(new Candidate(e.getKey(), 0, e.getValue(), true));
            }
        }
        int distinct =
                known.size()
                        + unseen.size()
                        + (refHasOther ? 1 : 0)
                        + (cur.overflowCount() > 0 ? 1 : 0);
        Comparator<Candidate> larger =
                Comparator.comparingDouble((Candidate c) -> -c.share(refTotal, curTotal))
                        .thenComparing(Candidate::name);
        unseen.sort(larger);
        List<Candidate> kept =
                new ArrayList<>(unseen.subList(0, Math.min(unseen.size(), MAX_NEW_CATEGORIES)));
        List<Candidate> rest = new ArrayList<>(known);
        rest.addAll(unseen.subList(kept.size(), unseen.size()));
        rest.sort(larger);
        for (Candidate c : rest) {
            if (kept.size() >= MAX_CATEGORIES) {
                break;
            }
            kept.add(c);
        }
        kept.sort(larger);
        List<String> names = new ArrayList<>(kept.size());
        boolean[] isNew = new boolean[kept.size()];
        long[] r = new long[kept.size()];
        long[] c = new long[kept.size()];
        long refKept = 0;
        long curKept = 0;
        for (int i = 0; i < kept.size(); i++) {
            Candidate k = kept.get(i);
            names.add(displayName(k.name()));
            isNew[i] = k.isNew();
            r[i] = k.reference();
            c[i] = k.current();
            refKept += r[i];
            curKept += c[i];
        }
        return new WindowDistribution(
                FeatureType.CATEGORICAL,
                new double[0],
                List.copyOf(names),
                isNew,
                r,
                c,
                refTotal - refKept,
                curTotal - curKept,
                distinct);
    }

    private record Candidate(String name, long reference, long current, boolean isNew) {
        double share(long refTotal, long curTotal) {
            return Math.max(
                    refTotal == 0 ? 0 : (double) reference / refTotal,
                    curTotal == 0 ? 0 : (double) current / curTotal);
        }
    }

    /**
     * A category's name as kept: its first {@value #MAX_NAME_CHARS} characters (a surrogate pair is
     * not split), NUL and lone surrogates replaced by U+FFFD.
     */
    static String displayName(String name) {
        int end = Math.min(name.length(), MAX_NAME_CHARS);
        if (end < name.length() && end > 0 && Character.isHighSurrogate(name.charAt(end - 1))) {
            end--;
        }
        StringBuilder b = new StringBuilder(end);
        for (int i = 0; i < end; i++) {
            char ch = name.charAt(i);
            if (ch == 0) {
                b.append('\uFFFD');
            } else if (Character.isHighSurrogate(ch)
                    && i + 1 < end
                    && Character.isLowSurrogate(name.charAt(i + 1))) {
                b.append(ch).append(name.charAt(++i));
            } else if (Character.isSurrogate(ch)) {
                b.append('\uFFFD');
            } else {
                b.append(ch);
            }
        }
        return b.toString();
    }

    /** The reference's total: its binned values, or its non-missing categorical values. */
    public long referenceTotal() {
        return sum(reference) + referenceOther;
    }

    /** The window's total: its binned (finite) values, or its non-missing categorical values. */
    public long currentTotal() {
        return sum(current) + currentOther;
    }

    private static long sum(long[] counts) {
        long s = 0;
        for (long c : counts) {
            s += c;
        }
        return s;
    }

    /** The JSON form (see the class comment; the web console reads it). */
    public String toJson() {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("type", type.configName());
        if (type == FeatureType.NUMERIC) {
            ArrayNode e = root.putArray("edges");
            for (double v : edges) {
                e.add(v);
            }
        } else {
            ArrayNode names = root.putArray("categories");
            categories.forEach(names::add);
            ArrayNode isNew = root.putArray("new");
            for (boolean b : newCategories) {
                isNew.add(b);
            }
        }
        ArrayNode r = root.putArray("reference");
        for (long v : reference) {
            r.add(v);
        }
        ArrayNode c = root.putArray("current");
        for (long v : current) {
            c.add(v);
        }
        if (type == FeatureType.CATEGORICAL) {
            root.putArray("other").add(referenceOther).add(currentOther);
            root.put("distinct_categories", distinctCategories);
        }
        try {
            return MAPPER.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new DriftCoreException("cannot write a window distribution", e);
        }
    }

    /**
     * Parses {@link #toJson()}.
     *
     * @throws DriftCoreException when it is not that form
     */
    public static WindowDistribution fromJson(String json) {
        try {
            JsonNode root = MAPPER.readTree(json);
            FeatureType type = FeatureType.fromConfigName(root.path("type").asText());
            long[] r = longs(root.get("reference"));
            long[] c = longs(root.get("current"));
            if (type == FeatureType.NUMERIC) {
                double[] edges = doubles(root.get("edges"));
                if (r.length != edges.length + 1 || c.length != r.length) {
                    throw new DriftCoreException("bins and edges do not match");
                }
                return new WindowDistribution(
                        type, edges, List.of(), new boolean[0], r, c, 0, 0, 0);
            }
            JsonNode names = root.get("categories");
            JsonNode isNew = root.get("new");
            JsonNode other = root.get("other");
            if (names == null
                    || !names.isArray()
                    || isNew == null
                    || names.size() != isNew.size()
                    || r.length != names.size()
                    || c.length != names.size()
                    || other == null
                    || other.size() != 2) {
                throw new DriftCoreException("categories and counts do not match");
            }
            List<String> categories = new ArrayList<>(names.size());
            boolean[] flags = new boolean[names.size()];
            for (int i = 0; i < names.size(); i++) {
                categories.add(names.get(i).asText());
                flags[i] = isNew.get(i).asBoolean();
            }
            return new WindowDistribution(
                    type,
                    new double[0],
                    List.copyOf(categories),
                    flags,
                    r,
                    c,
                    other.get(0).asLong(),
                    other.get(1).asLong(),
                    root.path("distinct_categories").asInt());
        } catch (JsonProcessingException e) {
            throw new DriftCoreException("not a window distribution: " + e.getOriginalMessage());
        }
    }

    private static long[] longs(JsonNode a) {
        if (a == null || !a.isArray()) {
            throw new DriftCoreException("counts missing");
        }
        long[] out = new long[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asLong();
        }
        return out;
    }

    private static double[] doubles(JsonNode a) {
        if (a == null || !a.isArray()) {
            throw new DriftCoreException("edges missing");
        }
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asDouble();
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WindowDistribution d
                && type == d.type
                && Arrays.equals(edges, d.edges)
                && categories.equals(d.categories)
                && Arrays.equals(newCategories, d.newCategories)
                && Arrays.equals(reference, d.reference)
                && Arrays.equals(current, d.current)
                && referenceOther == d.referenceOther
                && currentOther == d.currentOther
                && distinctCategories == d.distinctCategories;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(reference) * 31 + Arrays.hashCode(current);
    }

    @Override
    public String toString() {
        return toJson();
    }

    /** Counts by kept category name (tests and callers that look one up). */
    public Map<String, long[]> byCategory() {
        Map<String, long[]> m = new HashMap<>();
        for (int i = 0; i < categories.size(); i++) {
            m.put(categories.get(i), new long[] {reference[i], current[i]});
        }
        return m;
    }
}
