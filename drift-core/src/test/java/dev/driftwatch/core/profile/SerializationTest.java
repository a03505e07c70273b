package dev.driftwatch.core.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.driftwatch.core.DriftCoreException;
import dev.driftwatch.core.drift.NumericMetrics;
import dev.driftwatch.core.drift.Statistic;
import dev.driftwatch.core.stats.CdfDistances;
import dev.driftwatch.core.stats.EmpiricalDistribution;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Reference profiles (JSON) and window profiles (binary, versioned) round-trip, match the golden
 * files in test resources, and reject malformed input with a clear message.
 *
 * <p>To rewrite the golden files after a deliberate format change (bump the format version!), run
 * with {@code -Ddriftwatch.writeGolden=drift-core/src/test/resources}.
 */
class SerializationTest {
    static WindowProfile goldenWindow() {
        WindowProfile w = TestProfiles.amountAndCountry(180).newWindow();
        Random random = new Random(3);
        for (int i = 0; i < 150; i++) { // below the KLL k: the sketch bytes are deterministic
            w.numeric(0).update(i % 50 == 0 ? Double.NaN : 55 + 10 * random.nextGaussian());
            w.categorical(1).update(i % 40 == 0 ? null : new String[] {"DE", "FR", "PL"}[i % 3]);
        }
        w.numeric(0).update(Double.NEGATIVE_INFINITY);
        w.numeric(0).updateTypeMismatch();
        return w;
    }

    /** 3,000 values of N(55, 10) past the exact form: on the reference's grid. */
    static WindowProfile goldenGridWindow() {
        WindowProfile w = TestProfiles.amountAndCountry(180).newWindow();
        double[] values = gridGoldenValues();
        for (int i = 0; i < values.length; i++) {
            w.numeric(0).update(values[i]);
            w.categorical(1).update(new String[] {"DE", "FR", "PL"}[i % 3]);
        }
        return w;
    }

    /** The values of the grid golden file, and of the version-2 golden file with a sketch. */
    private static double[] gridGoldenValues() {
        Random random = new Random(11);
        double[] values = new double[3000];
        for (int i = 0; i < values.length; i++) {
            values[i] = 55 + 10 * random.nextGaussian();
        }
        return values;
    }

    @Test
    void windowProfileMatchesGoldenBytes() throws IOException {
        WindowProfile w = goldenWindow();
        assertThat(w.numeric(0).isExact()).isTrue();
        byte[] bytes = w.toByteArray();
        writeGoldenIfAsked("golden/window-profile-v3.bin", bytes);
        assertThat(bytes).isEqualTo(resource("golden/window-profile-v3.bin"));
        WindowProfile back = WindowProfile.heapify(resource("golden/window-profile-v3.bin"));
        assertGoldenCounts(back);
        assertThat(back.numeric(0).distribution()).isEqualTo(w.numeric(0).distribution());
        assertThat(back.toByteArray()).isEqualTo(bytes);
    }

    @Test
    void gridWindowMatchesGoldenBytes() throws IOException {
        WindowProfile w = goldenGridWindow();
        assertThat(w.numeric(0).isGrid()).isTrue();
        byte[] bytes = w.toByteArray();
        writeGoldenIfAsked("golden/window-profile-v3-grid.bin", bytes);
        assertThat(bytes).isEqualTo(resource("golden/window-profile-v3-grid.bin"));
        WindowProfile back = WindowProfile.heapify(resource("golden/window-profile-v3-grid.bin"));
        assertThat(back.numeric(0).isGrid()).isTrue();
        assertThat(back.numeric(0).finiteCount()).isEqualTo(3000);
        assertThat(back.numeric(0).binCounts()).containsExactly(w.numeric(0).binCounts());
        assertThat(back.toByteArray()).isEqualTo(bytes);
        // the offset sums travel in single precision: the rounding is carried in the bound
        NumericReference ref =
                (NumericReference) TestProfiles.amountAndCountry(180).feature("amount");
        assertDistancesWithinBounds(back.numeric(0), ref, gridGoldenValues());
    }

    /** KS and W1 of the window's form against the reference are within their bounds of exact. */
    private static void assertDistancesWithinBounds(
            NumericWindow w, NumericReference ref, double[] values) {
        NumericMetrics m = NumericMetrics.of("amount", ref, w);
        CdfDistances exact =
                CdfDistances.between(ref.distribution(), EmpiricalDistribution.ofSample(values));
        double ks = m.value(Statistic.KS);
        double ksBound = m.value(Statistic.KS_ERROR_BOUND);
        double w1 = m.value(Statistic.WASSERSTEIN);
        double w1Bound = m.value(Statistic.WASSERSTEIN_ERROR_BOUND);
        assertThat(Math.abs(ks - exact.ks())).isLessThanOrEqualTo(ksBound);
        assertThat(Math.abs(w1 - exact.wasserstein())).isLessThanOrEqualTo(w1Bound);
        assertThat(ksBound).isLessThan(0.02);
    }

    @Test
    void windowProfileOfFormatVersion2IsStillRead() throws IOException {
        WindowProfile back = WindowProfile.heapify(resource("golden/window-profile-v2.bin"));
        assertGoldenCounts(back);
        assertThat(back.numeric(0).isExact()).isTrue();
        assertThat(back.numeric(0).distribution())
                .isEqualTo(goldenWindow().numeric(0).distribution());
    }

    @Test
    void aVersion2SketchIsStillReadAndMovesToTheGridWithItsErrors() throws IOException {
        // written by format 2 from the grid golden file's values: a KLL sketch with 16 extremes
        byte[] v2 = resource("golden/window-profile-v2-sketch.bin");
        ReferenceProfile reference = TestProfiles.amountAndCountry(180);
        NumericReference ref = (NumericReference) reference.feature("amount");
        double[] values = gridGoldenValues();
        WindowProfile plain = WindowProfile.heapify(v2);
        assertThat(plain.numeric(0).isExact()).isFalse();
        assertThat(plain.numeric(0).isGrid()).isFalse();
        assertDistancesWithinBounds(plain.numeric(0), ref, values);
        // read with its reference it moves to the grid, carrying the sketch's errors
        WindowProfile merged = WindowProfile.heapify(v2, reference);
        assertThat(merged.numeric(0).isGrid()).isTrue();
        assertThat(merged.numeric(0).finiteCount()).isEqualTo(3000);
        assertDistancesWithinBounds(merged.numeric(0), ref, values);
        // and a grid window absorbs it the same way
        WindowProfile other = reference.newWindow();
        other.merge(WindowProfile.heapify(v2));
        assertThat(other.numeric(0).isGrid()).isTrue();
        assertDistancesWithinBounds(other.numeric(0), ref, values);
        assertThat(
                        NumericMetrics.of("amount", ref, other.numeric(0))
                                .value(Statistic.KS_ERROR_BOUND))
                .isGreaterThan(0.01); // the sketch's rank error stays in the bound
    }

    @Test
    void anExactWindowReadWithItsReferenceOutgrowsItOntoTheGrid() {
        ReferenceProfile reference = TestProfiles.amountAndCountry(180);
        WindowProfile a = goldenWindow();
        double[] values = gridGoldenValues();
        WindowProfile b = reference.newWindow();
        for (int i = 0; i < 900; i++) {
            b.numeric(0).update(values[i]);
        }
        assertThat(b.numeric(0).isGrid()).isTrue();
        WindowProfile small = WindowProfile.heapify(a.toByteArray(), reference);
        WindowProfile smallToo = WindowProfile.heapify(a.toByteArray(), reference);
        for (int i = 900; i < 1700; i++) {
            smallToo.numeric(0).update(values[i]);
        }
        small.merge(smallToo);
        assertThat(small.numeric(0).isGrid()).isTrue();
        // without the reference the same merge has no grid to go to: the sketch form
        WindowProfile blind = WindowProfile.heapify(a.toByteArray());
        WindowProfile blindToo = WindowProfile.heapify(a.toByteArray());
        for (int i = 900; i < 1700; i++) {
            blindToo.numeric(0).update(values[i]);
        }
        blind.merge(blindToo);
        assertThat(blind.numeric(0).isExact()).isFalse();
        assertThat(blind.numeric(0).isGrid()).isFalse();
        assertThatThrownBy(
                        () ->
                                WindowProfile.heapify(
                                        a.toByteArray(), TestProfiles.amountAndCountry(90)))
                .hasMessageContaining("is not binned on the reference");
    }

    @Test
    void windowProfileOfFormatVersion1IsStillRead() throws IOException {
        // Format 1 held a KLL sketch; with fewer values than its k it held them all, which this
        // version reads as the exact form.
        WindowProfile back = WindowProfile.heapify(resource("golden/window-profile-v1.bin"));
        assertGoldenCounts(back);
        assertThat(back.numeric(0).isExact()).isTrue();
        assertThat(back.numeric(0).distribution())
                .isEqualTo(goldenWindow().numeric(0).distribution());
        assertThat(back.numeric(0).binCounts())
                .containsExactly(goldenWindow().numeric(0).binCounts());
        // and it merges with windows of this version
        back.merge(goldenWindow());
        assertThat(back.numeric(0).finiteCount()).isEqualTo(2 * 147);
    }

    private static void assertGoldenCounts(WindowProfile back) {
        assertThat(back.numeric(0).finiteCount()).isEqualTo(147);
        assertThat(back.numeric(0).missing()).isEqualTo(3);
        assertThat(back.numeric(0).nonFinite()).isEqualTo(1);
        assertThat(back.numeric(0).typeMismatches()).isEqualTo(1);
        assertThat(back.categorical(1).count("PL")).isEqualTo(49);
    }

    /**
     * A profile with an exact numeric feature, a categorical one and a summarised numeric one
     * (5,000 distinct values kept as at most 64 points): every form the JSON has, deterministic.
     */
    static ReferenceProfile goldenReference() {
        ReferenceProfile base = TestProfiles.amountAndCountry(180);
        NumericReferenceBuilder latency = new NumericReferenceBuilder(64);
        Random random = new Random(11);
        for (int i = 0; i < 5000; i++) {
            latency.add(Math.exp(3 + random.nextGaussian()));
        }
        java.util.Map<String, FeatureReference> features =
                new java.util.LinkedHashMap<>(base.features());
        features.put("latency", latency.build(10));
        return new ReferenceProfile(
                base.modelName(), base.modelVersion(), base.createdAt(), features);
    }

    @Test
    void referenceProfileMatchesGoldenJson() throws IOException {
        ReferenceProfile profile = goldenReference();
        assertThat(((NumericReference) profile.feature("amount")).distribution().isExact())
                .isTrue();
        assertThat(((NumericReference) profile.feature("latency")).distribution().size())
                .isLessThanOrEqualTo(64);
        String json = profile.toJson() + "\n";
        writeGoldenIfAsked(
                "golden/reference-profile-v2.json", json.getBytes(StandardCharsets.UTF_8));
        String golden =
                new String(resource("golden/reference-profile-v2.json"), StandardCharsets.UTF_8);
        assertThat(json).isEqualTo(golden);
        assertThat(ReferenceProfile.fromJson(golden)).isEqualTo(profile);
    }

    @Test
    void referenceProfileOfFormatVersion1IsStillRead() throws IOException {
        String v1 =
                new String(resource("golden/reference-profile-v1.json"), StandardCharsets.UTF_8);
        ReferenceProfile back = ReferenceProfile.fromJson(v1);
        // its KLL sketch held all 178 values (fewer than k): the same profile, exact
        assertThat(back).isEqualTo(TestProfiles.amountAndCountry(180));
        NumericReference amount = (NumericReference) back.feature("amount");
        assertThat(amount.distribution().isExact()).isTrue();
        assertThat(amount.windowSketchK()).isEqualTo(200);
        // written back, it is format 2
        assertThat(back.toJson()).contains("\"format_version\" : 2");
    }

    @Test
    void referenceProfileOfFormatVersion1WithAFullSketchReadsAsASummary() {
        NumericReferenceBuilder b = new NumericReferenceBuilder(100_000);
        org.apache.datasketches.kll.KllDoublesSketch sketch =
                org.apache.datasketches.kll.KllDoublesSketch.newHeapInstance(200);
        Random random = new Random(5);
        for (int i = 0; i < 20_000; i++) {
            double v = random.nextGaussian();
            b.add(v);
            sketch.update(v);
        }
        ReferenceProfile p =
                new ReferenceProfile(
                        "m", "1", java.time.Instant.EPOCH, java.util.Map.of("x", b.build(10)));
        com.fasterxml.jackson.databind.node.ObjectNode root = p.toJsonNode();
        root.put("format_version", 1);
        com.fasterxml.jackson.databind.node.ObjectNode x =
                (com.fasterxml.jackson.databind.node.ObjectNode) root.get("features").get("x");
        x.remove("distribution");
        x.remove("window_kll_k");
        x.put("kll_k", 200);
        x.put("kll_sketch", java.util.Base64.getEncoder().encodeToString(sketch.toByteArray()));
        NumericReference back = (NumericReference) ReferenceProfile.fromJsonNode(root).feature("x");
        assertThat(back.distribution().isExact()).isFalse();
        assertThat(back.distribution().rankError()).isEqualTo(sketch.getNormalizedRankError(false));
        assertThat(back.distribution().wassersteinError())
                .isEqualTo(
                        sketch.getNormalizedRankError(false)
                                * (sketch.getMaxItem() - sketch.getMinItem()));
        assertThat(back.distribution().count()).isEqualTo(20_000);
    }

    @Test
    void referenceProfileRejectsInconsistentOrMissingFields() {
        String good = TestProfiles.amountAndCountry().toJson();
        assertThatThrownBy(() -> ReferenceProfile.fromJson("{"))
                .isInstanceOf(DriftCoreException.class)
                .hasMessageContaining("not valid JSON");
        assertThatThrownBy(
                        () ->
                                ReferenceProfile.fromJson(
                                        good.replace(
                                                "\"format_version\" : 2",
                                                "\"format_version\" : 9")))
                .hasMessageContaining("unsupported format_version 9");
        assertThatThrownBy(
                        () -> ReferenceProfile.fromJson(good.replace("\"model_name\"", "\"name\"")))
                .hasMessageContaining("model_name is required");
        assertThatThrownBy(
                        () ->
                                ReferenceProfile.fromJson(
                                        good.replace("\"count\" : 2000,", "\"count\" : 1999,")))
                .hasMessageContaining("count 1999");
        assertThatThrownBy(
                        () ->
                                ReferenceProfile.fromJson(
                                        good.replace(
                                                "\"type\" : \"numeric\"", "\"type\" : \"text\"")))
                .hasMessageContaining("type must be numeric or categorical");
    }

    @Test
    void referenceProfileRejectsABadDistribution() {
        ReferenceProfile good = TestProfiles.amountAndCountry();
        assertThat(distributionError(good, d -> d.put("form", "sketch")))
                .contains("features.amount.distribution.form must be exact or summary");
        assertThat(distributionError(good, d -> d.put("rank_error", 0.01)))
                .contains("an exact distribution has rank_error and wasserstein_error 0");
        assertThat(distributionError(good, d -> d.put("wasserstein_error", -1.0)))
                .contains("Wasserstein error must be finite and >= 0");
        assertThat(distributionError(good, d -> d.put("points", 5)))
                .contains("values must hold 5 doubles");
        assertThat(distributionError(good, d -> d.put("counts", "!!")))
                .contains("values and counts must be base64");
        assertThat(
                        distributionError(
                                good,
                                d -> {
                                    byte[] v = Base64.getDecoder().decode(d.get("values").asText());
                                    byte[] first = Arrays.copyOfRange(v, 0, 8);
                                    System.arraycopy(v, 8, v, 0, 8);
                                    System.arraycopy(first, 0, v, 8, 8);
                                    d.put("values", Base64.getEncoder().encodeToString(v));
                                }))
                .contains("values must be finite and strictly increasing");
        assertThat(
                        distributionError(
                                good,
                                d -> {
                                    byte[] c = Base64.getDecoder().decode(d.get("counts").asText());
                                    c[0] = 2; // one value too many
                                    d.put("counts", Base64.getEncoder().encodeToString(c));
                                }))
                .contains("the distribution holds 1981 values but the bins hold 1980");
        ObjectNode movedBin = good.toJsonNode();
        ArrayNode bins = (ArrayNode) movedBin.at("/features/amount/bin_counts");
        bins.set(0, bins.get(0).asLong() - 1);
        bins.set(1, bins.get(1).asLong() + 1);
        assertThatThrownBy(() -> ReferenceProfile.fromJsonNode(movedBin))
                .hasMessageContaining("bin counts disagree with the exact values");
        ObjectNode badK = good.toJsonNode();
        ((ObjectNode) badK.at("/features/amount")).put("window_kll_k", 3);
        assertThatThrownBy(() -> ReferenceProfile.fromJsonNode(badK))
                .hasMessageContaining("window sketch k must be in [8, 65535]");
    }

    private static String distributionError(
            ReferenceProfile profile, java.util.function.Consumer<ObjectNode> change) {
        ObjectNode root = profile.toJsonNode();
        change.accept((ObjectNode) root.at("/features/amount/distribution"));
        try {
            ReferenceProfile.fromJsonNode(root);
        } catch (DriftCoreException e) {
            return e.getMessage();
        }
        throw new AssertionError("accepted a bad distribution");
    }

    @Test
    void windowBytesRejectCorruption() {
        byte[] bytes = goldenWindow().toByteArray();
        assertThatThrownBy(() -> WindowProfile.heapify(Arrays.copyOf(bytes, bytes.length / 2)))
                .isInstanceOf(DriftCoreException.class)
                .hasMessageContaining("truncated");
        byte[] wrongVersion = bytes.clone();
        wrongVersion[4] = 4;
        assertThatThrownBy(() -> WindowProfile.heapify(wrongVersion))
                .hasMessageContaining("unsupported format version 4");
        // a grid window whose carried error is not a number
        byte[] grid = goldenGridWindow().toByteArray();
        byte[] numeric = NumericWindowTest.bytesOf(goldenGridWindow().numeric(0));
        int at = indexOf(grid, numeric);
        assertThat(at).isPositive();
        byte[] corrupt = grid.clone();
        int carried = at + numeric.length - 16; // the carried rank error, a double
        corrupt[carried] = (byte) 0x7f;
        corrupt[carried + 1] = (byte) 0xf8;
        assertThatThrownBy(() -> WindowProfile.heapify(corrupt))
                .isInstanceOf(DriftCoreException.class)
                .hasMessageContaining("bad carried errors");
        byte[] wrongMagic = bytes.clone();
        wrongMagic[0] = 'X';
        assertThatThrownBy(() -> WindowProfile.heapify(wrongMagic))
                .hasMessageContaining("not a Driftwatch window profile");
    }

    @Test
    void numericWindowStateIsBoundedWhateverTheEventCount() {
        NumericReference ref = (NumericReference) TestProfiles.amountAndCountry().feature("amount");
        Random random = new Random(1);
        // the exact form is largest just below its limit (about 780 continuous values)
        int[] sizes = {100, 500, 780, 1_000, 100_000, 1_000_000};
        long previous = 0;
        for (int size : sizes) {
            NumericWindow w = ref.newWindow();
            for (int i = 0; i < size; i++) {
                w.update(50 + 10 * random.nextGaussian());
            }
            long bytes = bytesOf(w);
            assertThat(bytes).as("bytes for %d values", size).isLessThanOrEqualTo(8 * 1024);
            previous = Math.max(previous, bytes);
        }
        assertThat(previous).isPositive();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static long bytesOf(NumericWindow w) {
        var out = new java.io.ByteArrayOutputStream();
        try (var data = new java.io.DataOutputStream(out)) {
            w.writeTo(data);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.size();
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = SerializationTest.class.getResourceAsStream("/" + name)) {
            assertThat(in).as("test resource %s", name).isNotNull();
            return in.readAllBytes();
        }
    }

    private static void writeGoldenIfAsked(String name, byte[] bytes) throws IOException {
        String dir = System.getProperty("driftwatch.writeGolden");
        if (dir != null) {
            Path p = Path.of(dir, name);
            Files.createDirectories(p.getParent());
            Files.write(p, bytes);
        }
    }
}
