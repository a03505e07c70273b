package dev.driftwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.driftwatch.core.calibration.Calibration;
import dev.driftwatch.core.profile.ReferenceProfile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code profile} with a label column: the calibration (checked against scikit-learn's held-out
 * ECEs in drift-core's fixtures) and the realised performance land in the profile; bad label, score
 * and option input gives a one-line error and exit code 2.
 */
class ProfileCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir Path dir;

    private Path file(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content, StandardCharsets.UTF_8);
        return p;
    }

    private CliRun profile(Path csv, String... extra) {
        List<String> args = new ArrayList<>();
        args.addAll(
                List.of(
                        "profile",
                        "--input",
                        csv.toString(),
                        "--output",
                        dir.resolve("out.json").toString(),
                        "--model",
                        "fraud",
                        "--version",
                        "7"));
        args.addAll(List.of(extra));
        return CliRun.of(args.toArray(new String[0]));
    }

    private JsonNode written() throws IOException {
        return JSON.readTree(Files.readString(dir.resolve("out.json")));
    }

    /**
     * The binary calibration fixture of drift-core (scores and labels plus scikit-learn's ECEs).
     */
    private static JsonNode fixture(String kind, String name) throws IOException {
        JsonNode all =
                JSON.readTree(
                        Path.of("..", "drift-core/src/test/resources/fixtures/cbpe.json").toFile());
        for (JsonNode c : all.get(kind)) {
            if (c.get("name").asText().equals(name)) {
                return c;
            }
        }
        throw new AssertionError("no fixture " + name);
    }

    @Test
    void binaryLabelsGiveACalibrationAndTheRealisedPerformance() throws IOException {
        JsonNode c = fixture("binary_calibration", "overconfident");
        StringBuilder csv = new StringBuilder("amount,score,label\n");
        int n = c.get("scores").size();
        long correct = 0;
        for (int i = 0; i < n; i++) {
            double s = c.get("scores").get(i).asDouble();
            boolean y = c.get("labels").get(i).asBoolean();
            csv.append(i % 97).append(',').append(s).append(',').append(y ? "yes" : "no");
            csv.append('\n');
            correct += (s >= 0.5) == y ? 1 : 0;
        }
        csv.append("5,0.3,\n"); // an unlabelled row is profiled but not used for calibration
        CliRun run =
                profile(
                        file("ref.csv", csv.toString()),
                        "--label",
                        "label",
                        "--score",
                        "score",
                        "--positive-label",
                        "yes");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode p = written();
        assertThat(p.get("features").has("label")).as("the label is not a feature").isFalse();
        assertThat(p.get("features").has("score")).isTrue();
        JsonNode cal = p.get("calibration");
        assertThat(cal.get("method").asText()).isEqualTo(c.get("method").asText());
        assertThat(cal.get("positive_label").asText()).isEqualTo("yes");
        assertThat(cal.get("rows").asLong()).isEqualTo(n);
        assertThat(cal.get("held_out_ece").get("identity").asDouble())
                .isCloseTo(c.get("held_out_ece").get("identity").asDouble(), Offset.offset(1e-9));
        assertThat(cal.get("held_out_ece").get("isotonic").asDouble())
                .isCloseTo(c.get("held_out_ece").get("isotonic").asDouble(), Offset.offset(1e-9));
        assertThat(p.get("performance").get("accuracy").asDouble())
                .isCloseTo((double) correct / n, Offset.offset(1e-12));
        assertThat(p.get("performance").has("roc_auc")).isTrue();
        assertThat(p.get("performance").has("roc_auc_error_bound")).isFalse();
        ReferenceProfile back =
                ReferenceProfile.fromJson(Files.readString(dir.resolve("out.json")));
        assertThat(back.calibration()).isPresent();
        assertThat(back.calibration().get().method()).isEqualTo(Calibration.Method.ISOTONIC);
    }

    @Test
    void multiclassProbabilitiesGiveAPerClassCalibration() throws IOException {
        JsonNode c = fixture("multiclass_calibration", "overconfident_four");
        List<String> classes = new ArrayList<>();
        c.get("classes").forEach(x -> classes.add(x.asText()));
        StringBuilder csv = new StringBuilder("p_cat,p_dog,p_fish,p_bird,animal\n");
        for (int i = 0; i < c.get("labels").size(); i++) {
            for (JsonNode v : c.get("probabilities").get(i)) {
                csv.append(v.asDouble()).append(',');
            }
            csv.append(classes.get(c.get("labels").get(i).asInt())).append('\n');
        }
        CliRun run =
                profile(
                        file("multi.csv", csv.toString()),
                        "--label",
                        "animal",
                        "--probabilities",
                        "cat=p_cat,dog=p_dog,fish=p_fish,bird=p_bird");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode cal = written().get("calibration");
        assertThat(cal.get("task").asText()).isEqualTo("multiclass");
        assertThat(cal.get("classes").toString()).isEqualTo("[\"cat\",\"dog\",\"fish\",\"bird\"]");
        assertThat(cal.get("method").asText()).isEqualTo(c.get("method").asText());
        assertThat(cal.get("maps")).hasSize(4);
        assertThat(cal.get("held_out_ece").get("isotonic").asDouble())
                .isCloseTo(c.get("held_out_ece").get("isotonic").asDouble(), Offset.offset(1e-9));
        assertThat(written().get("performance").has("f1_macro")).isTrue();
    }

    @Test
    void withoutALabelThereIsNoCalibration() throws IOException {
        CliRun run = profile(file("plain.csv", "x,label\n1,a\n2,b\n3,a\n"));
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(written().has("calibration")).isFalse();
        assertThat(written().get("features").has("label")).isTrue();
    }

    private static void assertUsageError(CliRun run, String... fragments) {
        assertThat(run.exitCode()).as("exit code; stderr: %s", run.err()).isEqualTo(2);
        assertThat(run.err().strip().lines().count()).as(run.err()).isEqualTo(1);
        assertThat(run.err()).contains(fragments);
        assertThat(run.err()).doesNotContain("Exception", "\tat ");
    }

    @Test
    void badLabelInputGivesAOneLineError() throws IOException {
        Path good = file("good.csv", "x,s,y\n1,0.2,0\n2,0.7,1\n3,0.9,1\n");
        assertUsageError(profile(good, "--score", "s"), "need --label");
        assertUsageError(profile(good, "--label", "y"), "--label needs either --score");
        assertUsageError(
                profile(good, "--label", "y", "--score", "s", "--probabilities", "a=s,b=x"),
                "--label needs either --score");
        assertUsageError(
                profile(good, "--label", "zz", "--score", "s"),
                "good.csv",
                "line 1",
                "--label names column 'zz'");
        assertUsageError(
                profile(good, "--label", "y", "--score", "s", "--decision-threshold", "2"),
                "--decision-threshold must be in [0, 1]");
        assertUsageError(
                profile(
                        file("bad.csv", "x,s,y\n1,0.2,0\n2,1.7,1\n"),
                        "--label",
                        "y",
                        "--score",
                        "s"),
                "bad.csv",
                "line 3",
                "column 's' value '1.7' is not a probability");
        assertUsageError(
                profile(file("nan.csv", "x,s,y\n1,0.2,0\n2,,1\n"), "--label", "y", "--score", "s"),
                "line 3",
                "is not a probability");
        assertUsageError(
                profile(
                        file("three.csv", "x,s,y\n1,0.2,0\n2,0.7,1\n3,0.5,2\n"),
                        "--label",
                        "y",
                        "--score",
                        "s"),
                "line 4",
                "label '2' is a third class");
        assertUsageError(
                profile(
                        file("one.csv", "x,s,y\n1,0.2,0\n2,0.7,0\n"),
                        "--label",
                        "y",
                        "--score",
                        "s"),
                "every label in column 'y' is [0]");
        assertUsageError(
                profile(good, "--label", "y", "--score", "s", "--positive-label", "yes"),
                "is the positive label 'yes'");
        assertUsageError(
                profile(
                        file("none.csv", "x,s,y\n1,0.2,\n2,0.7,\n"),
                        "--label",
                        "y",
                        "--score",
                        "s"),
                "column 'y' has no labels");
        Path multi = file("multi.csv", "a,b,y\n0.2,0.8,b\n0.6,0.4,c\n");
        assertUsageError(
                profile(multi, "--label", "y", "--probabilities", "a=a,b=b"),
                "line 3",
                "label 'c' is not one of the --probabilities classes [a, b]");
        assertUsageError(
                profile(multi, "--label", "y", "--probabilities", "a=a,b"),
                "--probabilities takes CLASS=COLUMN pairs, was 'b'");
        assertUsageError(
                profile(multi, "--label", "y", "--probabilities", "a=a"),
                "--probabilities must name 2 to 50 classes");
        assertUsageError(
                profile(
                        file("zero.csv", "a,b,y\n0,0,a\n"),
                        "--label",
                        "y",
                        "--probabilities",
                        "a=a,b=b"),
                "line 2",
                "sum to 0");
    }
}
