package dev.driftwatch.core.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.driftwatch.core.DriftCoreException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
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

    @Test
    void windowProfileMatchesGoldenBytes() throws IOException {
        byte[] bytes = goldenWindow().toByteArray();
        writeGoldenIfAsked("golden/window-profile-v1.bin", bytes);
        assertThat(bytes).isEqualTo(resource("golden/window-profile-v1.bin"));
        WindowProfile back = WindowProfile.heapify(resource("golden/window-profile-v1.bin"));
        assertThat(back.numeric(0).finiteCount()).isEqualTo(147);
        assertThat(back.numeric(0).missing()).isEqualTo(3);
        assertThat(back.numeric(0).nonFinite()).isEqualTo(1);
        assertThat(back.numeric(0).typeMismatches()).isEqualTo(1);
        assertThat(back.categorical(1).count("PL")).isEqualTo(49);
    }

    @Test
    void referenceProfileMatchesGoldenJson() throws IOException {
        String json = TestProfiles.amountAndCountry(180).toJson() + "\n";
        writeGoldenIfAsked(
                "golden/reference-profile-v1.json", json.getBytes(StandardCharsets.UTF_8));
        String golden =
                new String(resource("golden/reference-profile-v1.json"), StandardCharsets.UTF_8);
        assertThat(json).isEqualTo(golden);
        assertThat(ReferenceProfile.fromJson(golden)).isEqualTo(TestProfiles.amountAndCountry(180));
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
                                                "\"format_version\" : 1",
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
    void windowBytesRejectCorruption() {
        byte[] bytes = goldenWindow().toByteArray();
        assertThatThrownBy(() -> WindowProfile.heapify(Arrays.copyOf(bytes, bytes.length / 2)))
                .isInstanceOf(DriftCoreException.class)
                .hasMessageContaining("truncated");
        byte[] wrongVersion = bytes.clone();
        wrongVersion[4] = 2;
        assertThatThrownBy(() -> WindowProfile.heapify(wrongVersion))
                .hasMessageContaining("unsupported format version 2");
        byte[] wrongMagic = bytes.clone();
        wrongMagic[0] = 'X';
        assertThatThrownBy(() -> WindowProfile.heapify(wrongMagic))
                .hasMessageContaining("not a Driftwatch window profile");
    }

    @Test
    void numericWindowStateIsBoundedWhateverTheEventCount() {
        NumericReference ref = (NumericReference) TestProfiles.amountAndCountry().feature("amount");
        Random random = new Random(1);
        int[] sizes = {1_000, 100_000, 1_000_000};
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
