package dev.driftwatch.core.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.driftwatch.core.DriftCoreException;
import dev.driftwatch.core.profile.CategoricalReference;
import dev.driftwatch.core.profile.CategoricalReferenceBuilder;
import dev.driftwatch.core.profile.CategoricalWindow;
import dev.driftwatch.core.profile.FeatureType;
import dev.driftwatch.core.profile.NumericReference;
import dev.driftwatch.core.profile.NumericReferenceBuilder;
import dev.driftwatch.core.profile.NumericWindow;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WindowDistributionTest {

    @Test
    void numericCountsAreTheWindowsValuesPerReferenceBin() {
        Random random = new Random(7);
        NumericReferenceBuilder b = new NumericReferenceBuilder();
        for (int i = 0; i < 5000; i++) {
            b.add(random.nextGaussian());
        }
        NumericReference ref = b.build(10);
        NumericWindow w = ref.newWindow();
        double[] values = new double[3000];
        for (int i = 0; i < values.length; i++) {
            values[i] = 0.5 + random.nextGaussian();
            w.update(values[i]);
        }
        w.updateMissing();
        w.update(Double.NaN);

        WindowDistribution d = WindowDistribution.of(ref, w);

        // independently: bin i holds edges[i-1] <= v < edges[i], by a linear scan
        double[] edges = ref.edges();
        long[] expected = new long[edges.length + 1];
        for (double v : values) {
            int bin = 0;
            while (bin < edges.length && v >= edges[bin]) {
                bin++;
            }
            expected[bin]++;
        }
        assertThat(d.type()).isEqualTo(FeatureType.NUMERIC);
        assertThat(d.edges()).containsExactly(edges);
        assertThat(d.current()).containsExactly(expected);
        assertThat(d.reference()).containsExactly(ref.binCounts());
        assertThat(d.currentTotal()).isEqualTo(3000);
        assertThat(d.referenceTotal()).isEqualTo(5000);
        assertThat(WindowDistribution.fromJson(d.toJson())).isEqualTo(d);
    }

    @Test
    void aReferenceWithTooManyBinsGivesNone() {
        NumericReferenceBuilder b = new NumericReferenceBuilder();
        for (int i = 0; i < 1000; i++) {
            b.add(i);
        }
        NumericReference ref = b.build(WindowDistribution.MAX_BINS + 1);
        assertThat(WindowDistribution.of(ref, ref.newWindow())).isNull();
        NumericReference fits = b.build(WindowDistribution.MAX_BINS);
        assertThat(WindowDistribution.of(fits, fits.newWindow()).reference())
                .hasSize(WindowDistribution.MAX_BINS);
    }

    @Test
    void categoricalKeepsNewCategoriesFirstThenTheLargestAndPoolsTheRest() {
        CategoricalReferenceBuilder b = new CategoricalReferenceBuilder();
        Map<String, Long> refCounts = new HashMap<>();
        for (int c = 0; c < 40; c++) {
            for (int i = 0; i <= c; i++) {
                b.add("k" + c);
            }
            refCounts.put("k" + c, (long) c + 1);
        }
        CategoricalReference ref = b.build();
        CategoricalWindow w = ref.newWindow();
        Map<String, Long> curCounts = new HashMap<>();
        for (int c = 0; c < 40; c++) {
            for (int i = 0; i < 40 - c; i++) {
                w.update("k" + c);
            }
            curCounts.put("k" + c, 40L - c);
        }
        for (int c = 0; c < 20; c++) { // 20 new categories, one value each but n0 with 5
            long n = c == 0 ? 5 : 1;
            for (int i = 0; i < n; i++) {
                w.update("n" + c);
            }
            curCounts.put("n" + c, n);
        }
        w.updateMissing();

        WindowDistribution d = WindowDistribution.of(ref, w);

        assertThat(d.type()).isEqualTo(FeatureType.CATEGORICAL);
        assertThat(d.categories()).hasSize(WindowDistribution.MAX_CATEGORIES);
        long kept = 0;
        for (boolean isNew : d.newCategories()) {
            kept += isNew ? 1 : 0;
        }
        assertThat(kept).isEqualTo(WindowDistribution.MAX_NEW_CATEGORIES);
        assertThat(d.categories()).contains("n0", "k0", "k39");
        assertThat(d.distinctCategories()).isEqualTo(60);
        long refTotal = refCounts.values().stream().mapToLong(Long::longValue).sum();
        long curTotal = curCounts.values().stream().mapToLong(Long::longValue).sum();
        assertThat(d.referenceTotal()).isEqualTo(refTotal);
        assertThat(d.currentTotal()).isEqualTo(curTotal);
        for (int i = 0; i < d.categories().size(); i++) {
            String c = d.categories().get(i);
            assertThat(d.reference()[i]).as(c).isEqualTo(refCounts.getOrDefault(c, 0L));
            assertThat(d.current()[i]).as(c).isEqualTo(curCounts.getOrDefault(c, 0L));
            assertThat(d.newCategories()[i]).as(c).isEqualTo(c.startsWith("n"));
        }
        assertThat(d.currentOther()).isGreaterThan(0);
        assertThat(WindowDistribution.fromJson(d.toJson())).isEqualTo(d);
    }

    @Test
    void categoriesPooledByTheReferenceAreNotNew() {
        CategoricalReferenceBuilder b = new CategoricalReferenceBuilder();
        for (String c : new String[] {"a", "a", "a", "b", "b", "c"}) {
            b.add(c);
        }
        CategoricalReference ref = b.build(2); // keeps a and b, pools c
        CategoricalWindow w = ref.newWindow();
        for (String c : new String[] {"a", "c", "d", "d"}) {
            w.update(c);
        }
        WindowDistribution d = WindowDistribution.of(ref, w);
        assertThat(d.categories()).containsExactly("a", "b");
        assertThat(d.newCategories()).containsExactly(false, false);
        assertThat(d.referenceOther()).isEqualTo(1);
        assertThat(d.currentOther()).isEqualTo(3);
        assertThat(d.distinctCategories()).isEqualTo(3);
    }

    @Test
    void hostileNamesAreCutAndCleaned() {
        CategoricalReferenceBuilder b = new CategoricalReferenceBuilder();
        b.add("ok");
        CategoricalReference ref = b.build();
        CategoricalWindow w = ref.newWindow();
        String nul = "a\u0000b";
        String lone = "x\uD800y";
        String pairAtCut = "p".repeat(WindowDistribution.MAX_NAME_CHARS - 1) + "\uD83D\uDE00";
        String longName = "<script>".repeat(10_000);
        for (String s : new String[] {nul, lone, pairAtCut, longName}) {
            w.update(s);
        }
        WindowDistribution d = WindowDistribution.of(ref, w);
        assertThat(d.categories())
                .contains("a\uFFFDb", "x\uFFFDy", "p".repeat(WindowDistribution.MAX_NAME_CHARS - 1))
                .allSatisfy(
                        c -> {
                            assertThat(c).doesNotContain("\u0000");
                            assertThat(c.length()).isLessThanOrEqualTo(200);
                        });
        String json = d.toJson();
        assertThat(json).doesNotContain("\\u0000").hasSizeLessThan(2_000);
        assertThat(WindowDistribution.fromJson(json)).isEqualTo(d);
    }

    @Test
    void theJsonStaysBoundedWhenEveryNameIsLongAndEscaped() {
        String worst = "\u0001".repeat(1_000); // written as \\u0001: six characters each
        CategoricalReferenceBuilder b = new CategoricalReferenceBuilder();
        for (int c = 0; c < 100; c++) {
            b.add(c + worst);
        }
        CategoricalReference ref = b.build();
        CategoricalWindow w = ref.newWindow();
        for (int c = 0; c < 200; c++) {
            w.update(c + worst); // 100 known, 100 new
        }
        String json = WindowDistribution.of(ref, w).toJson();
        assertThat(json.length()).isLessThan(40_000);
        assertThat(WindowDistribution.fromJson(json).categories())
                .hasSize(WindowDistribution.MAX_CATEGORIES);
    }

    @Test
    void anythingElseIsRefused() {
        assertThatThrownBy(() -> WindowDistribution.fromJson("{\"type\":\"numeric\"}"))
                .isInstanceOf(DriftCoreException.class);
        assertThatThrownBy(
                        () ->
                                WindowDistribution.fromJson(
                                        "{\"type\":\"numeric\",\"edges\":[1],\"reference\":[1],"
                                                + "\"current\":[1]}"))
                .isInstanceOf(DriftCoreException.class);
        assertThatThrownBy(() -> WindowDistribution.fromJson("not json"))
                .isInstanceOf(DriftCoreException.class);
    }
}
