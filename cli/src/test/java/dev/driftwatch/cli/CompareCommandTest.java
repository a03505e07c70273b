package dev.driftwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code compare} and {@code profile} against numpy/scipy values, and their output shapes. */
class CompareCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir static Path dir;
    static Path reference;
    static Path current;
    static JsonNode expected;

    @BeforeAll
    static void copyFixtures() throws IOException {
        reference = copy("reference.csv");
        current = copy("current.csv");
        try (InputStream in =
                CompareCommandTest.class.getResourceAsStream("/fixtures/expected.json")) {
            expected = JSON.readTree(in);
        }
    }

    /** The example CSVs in examples/ (written by tools/make_fixtures.py with expected.json). */
    static Path copy(String name) throws IOException {
        Path p = dir.resolve(name);
        Files.copy(Path.of("..", "examples", name), p);
        return p;
    }

    @Test
    void compareBetweenCsvsReproducesScipy() throws IOException {
        CliRun run =
                CliRun.of(
                        "compare",
                        "--reference",
                        reference.toString(),
                        "--current",
                        current.toString(),
                        "--format",
                        "json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode report = JSON.readTree(run.out());
        assertThat(report.get("features")).hasSize(4);
        for (JsonNode f : report.get("features")) {
            String name = f.get("name").asText();
            JsonNode e = expected.get(name);
            JsonNode m = f.get("metrics");
            List<String> keys =
                    f.get("type").asText().equals("numeric")
                            ? List.of(
                                    "psi",
                                    "jensen_shannon",
                                    "ks_statistic",
                                    "wasserstein",
                                    "wasserstein_normalized",
                                    "missing_rate")
                            : List.of(
                                    "psi",
                                    "jensen_shannon",
                                    "l_infinity",
                                    "chi_square",
                                    "missing_rate");
            for (String k : keys) {
                assertThat(m.get(k).asDouble())
                        .as("%s.%s", name, k)
                        .isCloseTo(
                                e.get(k).asDouble(),
                                org.assertj.core.data.Offset.offset(
                                        1e-9 * Math.max(1, Math.abs(e.get(k).asDouble()))));
            }
            String pKey =
                    f.get("type").asText().equals("numeric") ? "ks_p_value" : "chi_square_p_value";
            double p = e.get(pKey).asDouble();
            assertThat(Math.abs(m.get(pKey).asDouble() - p))
                    .as("%s.%s", name, pKey)
                    .isLessThanOrEqualTo(1e-6 * p);
            if (f.get("type").asText().equals("numeric")) {
                assertThat(m.get("ks_error_bound").asDouble()).isZero();
                assertThat(m.get("wasserstein_error_bound").asDouble()).isZero();
            }
            assertThat(f.get("drift").fieldNames())
                    .toIterable()
                    .contains("detected", "method", "value", "threshold", "severity");
        }
        JsonNode country = report.get("features").get(3);
        assertThat(country.get("type").asText()).isEqualTo("categorical");
        assertThat(country.get("metrics").get("new_categories"))
                .containsExactly(JSON.getNodeFactory().textNode("PL"));
        assertThat(country.get("drift").get("detected").asBoolean()).isTrue();
        assertThat(country.get("current").get("missing").asInt()).isEqualTo(1);
        JsonNode age = report.get("features").get(1);
        assertThat(age.get("current").get("rows").asInt()).isEqualTo(1000);
        assertThat(age.get("current").get("missing").asInt()).isEqualTo(40);
        // the default rule, two_sample_test: amount's lognormal shift (KS p 9e-8, PSI 0.084 under
        // 0.1) drifts too; 2 of 4 reach the dataset share 0.5
        JsonNode amount = report.get("features").get(0).get("drift");
        assertThat(amount.get("rule").asText()).isEqualTo("two_sample_test");
        assertThat(amount.get("method").asText()).isEqualTo("ks");
        assertThat(amount.get("detected").asBoolean()).isTrue();
        assertThat(amount.get("threshold").asDouble()).isEqualTo(0.01);
        assertThat(amount.get("adjusted_p_value").asDouble())
                .isGreaterThanOrEqualTo(amount.get("value").asDouble())
                .isLessThan(1e-6);
        assertThat(amount.get("guard").asText()).contains("less its error bound 0");
        assertThat(country.get("drift").get("method").asText()).isEqualTo("chi_square_two_sample");
        assertThat(report.get("drifted_features").asInt()).isEqualTo(2);
        assertThat(report.get("drift_share").asDouble()).isEqualTo(0.5);
        assertThat(report.get("dataset_drift").asBoolean()).isTrue();
    }

    @Test
    void thePolicyFileSelectsTheOldThresholdRule() throws IOException {
        Path policy = dir.resolve("policy.json");
        Files.writeString(policy, "{\"rule\": \"threshold\"}", StandardCharsets.UTF_8);
        CliRun run =
                CliRun.of(
                        "compare",
                        "--reference",
                        reference.toString(),
                        "--current",
                        current.toString(),
                        "--policy",
                        policy.toString(),
                        "--format",
                        "json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode report = JSON.readTree(run.out());
        JsonNode amount = report.get("features").get(0).get("drift");
        assertThat(amount.get("rule").asText()).isEqualTo("threshold");
        assertThat(amount.get("method").asText()).isEqualTo("psi");
        assertThat(amount.get("detected").asBoolean()).isFalse();
        assertThat(amount.get("noise_floor").asDouble()).isPositive();
        assertThat(amount.get("guard").asText()).contains("noise floor");
        assertThat(report.get("drifted_features").asInt()).isEqualTo(1);
        assertThat(report.get("drift_share").asDouble()).isEqualTo(0.25);
        assertThat(report.get("dataset_drift").asBoolean()).isFalse();

        Files.writeString(policy, "{\"rule\": \"psi\", \"level\": 0.05}", StandardCharsets.UTF_8);
        CliRun bad =
                CliRun.of(
                        "compare",
                        "--reference",
                        reference.toString(),
                        "--current",
                        current.toString(),
                        "--policy",
                        policy.toString());
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err())
                .contains("level and critical_level apply only to rule two_sample_test, not psi");
    }

    @Test
    void compareAgainstAProfileOfASmallSampleIsExact() throws IOException {
        Path profile = dir.resolve("profile.json");
        CliRun made =
                CliRun.of(
                        "profile",
                        "--input",
                        reference.toString(),
                        "--output",
                        profile.toString(),
                        "--model",
                        "fraud",
                        "--version",
                        "7");
        assertThat(made.exitCode()).as(made.err()).isZero();
        JsonNode p = JSON.readTree(Files.readString(profile));
        assertThat(p.get("model_name").asText()).isEqualTo("fraud");
        assertThat(p.get("features").get("amount").get("bin_edges")).hasSize(9);
        assertThat(p.get("features").get("country").get("type").asText()).isEqualTo("categorical");

        CliRun run =
                CliRun.of(
                        "compare",
                        "--reference-profile",
                        profile.toString(),
                        "--current",
                        current.toString(),
                        "--format",
                        "json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        for (JsonNode f : JSON.readTree(run.out()).get("features")) {
            JsonNode e = expected.get(f.get("name").asText());
            JsonNode m = f.get("metrics");
            assertThat(m.get("psi").asDouble())
                    .isCloseTo(e.get("psi").asDouble(), org.assertj.core.data.Offset.offset(1e-9));
            if (f.get("type").asText().equals("numeric")) {
                // 2,000 reference rows: the profile keeps every value, so KS and W1 are exact
                assertThat(m.get("ks_error_bound").asDouble()).isZero();
                assertThat(m.get("wasserstein_error_bound").asDouble()).isZero();
                assertThat(m.get("ks_statistic").asDouble())
                        .isCloseTo(
                                e.get("ks_statistic").asDouble(),
                                org.assertj.core.data.Offset.offset(1e-9));
                assertThat(m.get("wasserstein").asDouble())
                        .isCloseTo(
                                e.get("wasserstein").asDouble(),
                                org.assertj.core.data.Offset.offset(1e-9));
            }
        }
    }

    @Test
    void featuresAndCategoricalOptionsSelectAndType() throws IOException {
        CliRun run =
                CliRun.of(
                        "compare",
                        "--reference",
                        reference.toString(),
                        "--current",
                        current.toString(),
                        "--features",
                        "age,country",
                        "--categorical",
                        "age",
                        "--format",
                        "json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode features = JSON.readTree(run.out()).get("features");
        assertThat(features).hasSize(2);
        assertThat(features.get(0).get("type").asText()).isEqualTo("categorical");
        // missing numbers ("NaN") are a category once the column is categorical
        assertThat(features.get(0).get("metrics").get("new_categories").toString()).contains("NaN");
    }

    @Test
    void textFormatIsATableWithASummary() {
        CliRun run =
                CliRun.of(
                        "compare",
                        "--reference",
                        reference.toString(),
                        "--current",
                        current.toString());
        assertThat(run.exitCode()).isZero();
        assertThat(run.out())
                .contains("feature", "amount", "country", "CRITICAL", "new categories: PL");
        assertThat(run.out()).contains("Drifted features: 2 of 4");
    }

    @Test
    void failOnDriftSetsTheExitCode() {
        CliRun run =
                CliRun.of(
                        "compare",
                        "--reference",
                        reference.toString(),
                        "--current",
                        current.toString(),
                        "--features",
                        "country",
                        "--fail-on-drift");
        assertThat(run.exitCode()).isEqualTo(1);
    }

    @Test
    void helpListsTheSubcommands() {
        CliRun run = CliRun.of("--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("profile", "compare");
    }

    static String read(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.UTF_8);
    }
}
