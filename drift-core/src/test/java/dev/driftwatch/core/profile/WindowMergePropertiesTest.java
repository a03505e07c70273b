package dev.driftwatch.core.profile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.driftwatch.core.stats.EmpiricalDistribution;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Merge is associative and commutative: any split of a stream into parts, merged in any order or
 * grouping, gives the single-pass window (counts exactly; moments to 1e-12 relative; the grid's
 * counts and extremes exactly, its offset sums up to rounding).
 */
class WindowMergePropertiesTest {
    private static final ReferenceProfile REFERENCE = TestProfiles.amountAndCountry();

    @Property(tries = 200)
    void numericMergeMatchesSinglePass(
            @ForAll long seed, @ForAll @IntRange(min = 1, max = 8) int parts) {
        Random random = new Random(seed);
        int n = random.nextInt(3000);
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            int kind = random.nextInt(50);
            values[i] =
                    kind == 0
                            ? Double.NaN
                            : kind == 1
                                    ? Double.POSITIVE_INFINITY
                                    : kind == 2 ? -0.0 : 50 + 15 * random.nextGaussian();
        }
        NumericReference ref = (NumericReference) REFERENCE.feature("amount");
        NumericWindow whole = ref.newWindow();
        for (double v : values) {
            whole.update(v);
        }
        List<NumericWindow> pieces = split(values, parts, random, ref);
        NumericWindow leftFold = ref.newWindow();
        for (NumericWindow p : pieces) {
            leftFold.merge(p);
        }
        Collections.shuffle(pieces, random);
        NumericWindow tree = mergeTree(pieces, random);

        for (NumericWindow merged : List.of(leftFold, tree)) {
            assertThat(merged.binCounts()).containsExactly(whole.binCounts());
            assertThat(merged.missing()).isEqualTo(whole.missing());
            assertThat(merged.nonFinite()).isEqualTo(whole.nonFinite());
            assertThat(merged.outOfRange()).isEqualTo(whole.outOfRange());
            assertThat(merged.finiteCount()).isEqualTo(whole.finiteCount());
            assertThat(merged.rows()).isEqualTo(n);
            assertThat(merged.distribution().count()).isEqualTo(whole.finiteCount());
            // the form depends on the values only; an exact form is the same whatever the split
            assertThat(merged.isExact()).isEqualTo(whole.isExact());
            if (whole.isExact()) {
                assertThat(merged.distribution()).isEqualTo(whole.distribution());
            }
            if (whole.finiteCount() > 0) {
                assertClose(merged.mean(), whole.mean());
                assertClose(merged.std(), whole.std());
                assertThat(merged.min()).isEqualTo(whole.min());
                assertThat(merged.max()).isEqualTo(whole.max());
                EmpiricalDistribution md = merged.distribution();
                EmpiricalDistribution wd = whole.distribution();
                assertThat(md.value(0)).isEqualTo(wd.value(0)).isEqualTo(whole.min());
                assertThat(md.value(md.size() - 1))
                        .isEqualTo(wd.value(wd.size() - 1))
                        .isEqualTo(whole.max());
            }
        }
    }

    @Property(tries = 50)
    void numericFormDependsOnTheValuesOnly(
            @ForAll long seed,
            @ForAll @IntRange(min = 1, max = 8) int parts,
            @ForAll @IntRange(min = 1, max = 1200) int levels) {
        // values on a grid of `levels` points: the whole fits the exact form or not, around the
        // limit of about 780 distinct values; every split and merge order gives the same form
        Random random = new Random(seed);
        int n = random.nextInt(10_000);
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = 40 + 0.25 * random.nextInt(levels);
        }
        NumericReference ref = (NumericReference) REFERENCE.feature("amount");
        NumericWindow whole = ref.newWindow();
        for (double v : values) {
            whole.update(v);
        }
        List<NumericWindow> pieces = split(values, parts, random, ref);
        Collections.shuffle(pieces, random);
        NumericWindow tree = mergeTree(pieces, random);
        assertThat(tree.isExact()).isEqualTo(whole.isExact());
        if (whole.isExact()) {
            assertThat(tree.distribution()).isEqualTo(whole.distribution());
        } else {
            // both on the grid, the same counts; the extremes are exact in both
            assertThat(tree.isGrid()).isTrue();
            assertThat(whole.isGrid()).isTrue();
            double[] sorted = values.clone();
            java.util.Arrays.sort(sorted);
            double top = sorted[n - NumericWindow.EXTREMES];
            assertThat(tree.distribution().cdf(top)).isEqualTo(whole.distribution().cdf(top));
            assertThat(tree.lowestKept()).containsExactly(whole.lowestKept());
            assertThat(tree.highestKept()).containsExactly(whole.highestKept());
            var a = tree.gridDistancesTo(ref.distribution());
            var b = whole.gridDistancesTo(ref.distribution());
            assertThat(a.ks()).isEqualTo(b.ks());
            assertThat(a.ksErrorBound()).isEqualTo(b.ksErrorBound());
            // offset sums added in another order: rounding only
            assertThat(Math.abs(a.wasserstein() - b.wasserstein()))
                    .isLessThanOrEqualTo(1e-9 * Math.max(1.0, b.wasserstein()));
            assertThat(Math.abs(a.wassersteinErrorBound() - b.wassersteinErrorBound()))
                    .isLessThanOrEqualTo(1e-9 * Math.max(1.0, b.wasserstein()));
        }
    }

    @Property(tries = 300)
    void categoricalMergeIsExactlyOrderIndependentEvenPastTheLimit(
            @ForAll long seed,
            @ForAll @IntRange(min = 1, max = 8) int parts,
            @ForAll @IntRange(min = 1, max = 12) int maxCategories) {
        Random random = new Random(seed);
        int n = random.nextInt(500);
        String[] values = new String[n];
        for (int i = 0; i < n; i++) {
            values[i] = random.nextInt(20) == 0 ? null : "c" + random.nextInt(30);
        }
        CategoricalWindow whole = new CategoricalWindow(maxCategories);
        for (String v : values) {
            whole.update(v);
        }
        List<CategoricalWindow> pieces = new ArrayList<>();
        int start = 0;
        for (int p = 0; p < parts; p++) {
            int end = p == parts - 1 ? n : start + random.nextInt(n - start + 1);
            CategoricalWindow w = new CategoricalWindow(maxCategories);
            for (int i = start; i < end; i++) {
                w.update(values[i]);
            }
            pieces.add(w);
            start = end;
        }
        Collections.shuffle(pieces, random);
        CategoricalWindow merged = new CategoricalWindow(maxCategories);
        // a random grouping: merge a random suffix first, then fold the rest in reverse
        CategoricalWindow suffix = new CategoricalWindow(maxCategories);
        int cut = random.nextInt(pieces.size() + 1);
        for (int i = cut; i < pieces.size(); i++) {
            suffix.merge(pieces.get(i));
        }
        for (int i = cut - 1; i >= 0; i--) {
            merged.merge(pieces.get(i));
        }
        merged.merge(suffix);

        assertThat(bytes(merged)).isEqualTo(bytes(whole));
        assertThat(merged.rows()).isEqualTo(n);
        assertThat(merged.counts().size()).isLessThanOrEqualTo(maxCategories);
    }

    @Property(tries = 50)
    void windowProfileSurvivesTheBinaryRoundTrip(@ForAll long seed) {
        Random random = new Random(seed);
        WindowProfile w = REFERENCE.newWindow();
        int n = random.nextInt(5000);
        for (int i = 0; i < n; i++) {
            w.numeric(0).update(50 + 10 * random.nextGaussian());
            w.categorical(1).update(random.nextInt(10) == 0 ? null : "k" + random.nextInt(40));
        }
        byte[] bytes = w.toByteArray();
        WindowProfile back = WindowProfile.heapify(bytes);
        assertThat(back.toByteArray()).isEqualTo(bytes);
        assertThat(back.numeric(0).binCounts()).containsExactly(w.numeric(0).binCounts());
        assertThat(back.categorical(1).counts()).isEqualTo(w.categorical(1).counts());
        // a heapified window keeps accepting updates and merges
        back.numeric(0).update(1.0);
        back.merge(w);
        assertThat(back.numeric(0).finiteCount()).isEqualTo(2 * w.numeric(0).finiteCount() + 1);
    }

    private static List<NumericWindow> split(
            double[] values, int parts, Random random, NumericReference ref) {
        List<NumericWindow> pieces = new ArrayList<>();
        int start = 0;
        for (int p = 0; p < parts; p++) {
            int end =
                    p == parts - 1
                            ? values.length
                            : start + random.nextInt(values.length - start + 1);
            NumericWindow w = ref.newWindow();
            for (int i = start; i < end; i++) {
                w.update(values[i]);
            }
            pieces.add(w);
            start = end;
        }
        return pieces;
    }

    private static NumericWindow mergeTree(List<NumericWindow> pieces, Random random) {
        List<NumericWindow> level = new ArrayList<>();
        for (NumericWindow p : pieces) {
            level.add(p.copy());
        }
        while (level.size() > 1) {
            int i = random.nextInt(level.size() - 1);
            NumericWindow a = level.remove(i);
            NumericWindow b = level.remove(i);
            b.merge(a); // b into a's place, reversed operand order
            level.add(i, b);
        }
        return level.get(0);
    }

    private static byte[] bytes(CategoricalWindow w) {
        var out = new java.io.ByteArrayOutputStream();
        try (var data = new java.io.DataOutputStream(out)) {
            w.writeTo(data);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void assertClose(double a, double b) {
        assertThat(Math.abs(a - b)).isLessThanOrEqualTo(1e-12 * Math.max(1.0, Math.abs(b)));
    }
}
