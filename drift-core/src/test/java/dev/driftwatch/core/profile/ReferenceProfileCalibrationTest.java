package dev.driftwatch.core.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.driftwatch.core.DriftCoreException;
import dev.driftwatch.core.calibration.Calibration;
import dev.driftwatch.core.calibration.IsotonicMap;
import dev.driftwatch.core.performance.TaskType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The reference profile's optional {@code calibration} section: absent by default, written and read
 * back with the profile (golden JSON of profile format 2; the format 1 file still reads with the
 * same calibration), validated on read with the field named.
 *
 * <p>To rewrite the golden file after a deliberate format change (bump the format version!), run
 * with {@code -Ddriftwatch.writeGolden=drift-core/src/test/resources}.
 */
class ReferenceProfileCalibrationTest {
    static ReferenceProfile withCalibration() {
        CategoricalReferenceBuilder country = new CategoricalReferenceBuilder();
        for (String c : new String[] {"DE", "DE", "FR", "PL"}) {
            country.add(c);
        }
        Map<String, FeatureReference> features = new LinkedHashMap<>();
        features.put("country", country.build());
        Map<String, Double> performance = new LinkedHashMap<>();
        performance.put("accuracy", 0.875);
        performance.put("roc_auc", 0.9);
        Calibration calibration =
                new Calibration(
                        TaskType.BINARY,
                        Calibration.Method.ISOTONIC,
                        List.of("1"),
                        List.of(
                                new IsotonicMap(
                                        new double[] {0.125, 0.5, 0.875},
                                        new double[] {0.0, 0.25, 0.75})),
                        4000,
                        0.0625,
                        0.015625);
        return new ReferenceProfile(
                "fraud",
                "7",
                Instant.parse("2026-11-26T10:00:00Z"),
                features,
                performance,
                calibration);
    }

    @Test
    void calibrationSectionMatchesGoldenJsonAndRoundTrips() throws IOException {
        ReferenceProfile profile = withCalibration();
        String json = profile.toJson() + "\n";
        String name = "golden/reference-profile-calibration-v2.json";
        String dir = System.getProperty("driftwatch.writeGolden");
        if (dir != null) {
            Path p = Path.of(dir, name);
            Files.createDirectories(p.getParent());
            Files.writeString(p, json, StandardCharsets.UTF_8);
        }
        String golden;
        try (InputStream in = getClass().getResourceAsStream("/" + name)) {
            assertThat(in).as("test resource %s", name).isNotNull();
            golden = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(json).isEqualTo(golden);
        ReferenceProfile back = ReferenceProfile.fromJson(golden);
        assertThat(back).isEqualTo(profile);
        assertThat(back.calibration()).isPresent();
        assertThat(back.calibration().get().calibrate(0.6875)).isEqualTo(0.5);
        assertThat(back.performance()).containsEntry("accuracy", 0.875);
    }

    @Test
    void aFormat1ProfileWithCalibrationStillReads() throws IOException {
        String golden;
        try (InputStream in =
                getClass().getResourceAsStream("/golden/reference-profile-calibration-v1.json")) {
            assertThat(in).isNotNull();
            golden = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(golden).contains("\"format_version\" : 1,\n  \"model_name\"");
        ReferenceProfile back = ReferenceProfile.fromJson(golden);
        assertThat(back).isEqualTo(withCalibration());
        assertThat(back.calibration()).isEqualTo(withCalibration().calibration());
        assertThat(ReferenceProfile.fromJson(back.toJson())).isEqualTo(back);
    }

    @Test
    void aProfileWithoutLabelsHasNoCalibration() {
        ReferenceProfile plain = TestProfiles.amountAndCountry();
        assertThat(plain.calibration()).isEmpty();
        assertThat(plain.toJsonNode().has("calibration")).isFalse();
        assertThat(ReferenceProfile.fromJson(plain.toJson()).calibration()).isEmpty();
    }

    @Test
    void anInvalidCalibrationIsRejectedNamingTheField() {
        String good = withCalibration().toJson();
        String decreasing = good.replace("0.0, 0.25, 0.75", "0.0, 0.75, 0.25");
        assertThat(decreasing).isNotEqualTo(good);
        assertThatThrownBy(() -> ReferenceProfile.fromJson(decreasing))
                .isInstanceOf(DriftCoreException.class)
                .hasMessageStartingWith("reference profile: calibration.maps[0]")
                .hasMessageContaining("non-decreasing");
        String outOfRange = good.replace("0.0, 0.25, 0.75", "0.0, 0.25, 1.75");
        assertThatThrownBy(() -> ReferenceProfile.fromJson(outOfRange))
                .hasMessageContaining("not in [0, 1]");
        String version =
                good.replace(
                        "\"format_version\" : 1,\n    \"task\"",
                        "\"format_version\" : 3,\n    \"task\"");
        assertThat(version).isNotEqualTo(good);
        assertThatThrownBy(() -> ReferenceProfile.fromJson(version))
                .hasMessageContaining(
                        "reference profile: calibration: unsupported format_version 3");
        String notObject =
                good.substring(0, good.indexOf("\"calibration\"")) + "\"calibration\" : 7\n}";
        assertThatThrownBy(() -> ReferenceProfile.fromJson(notObject))
                .hasMessageContaining("reference profile: calibration must be an object");
    }
}
