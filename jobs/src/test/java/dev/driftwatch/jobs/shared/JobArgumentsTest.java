package dev.driftwatch.jobs.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.driftwatch.jobs.drift.DriftJobOptions;
import dev.driftwatch.jobs.performance.PerformanceJobOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

/** Job options from the command line, and docs/drift-job.md against the options in the code. */
class JobArgumentsTest {
    @Test
    void formatIsTheInverseOfParse() {
        List<String> given =
                List.of(
                        "--window",
                        "90s",
                        "--reference-profile",
                        "a.json",
                        "--reference-profile",
                        "b.json",
                        "--jdbc-url",
                        "jdbc:postgresql://127.0.0.1:5432/db?sslmode=disable",
                        "--jdbc-password",
                        "p;a,s s",
                        "--inference-logs",
                        "kserve,seldon",
                        "--max-models",
                        "7");
        Configuration parsed = JobArguments.parse(given);
        List<String> formatted = JobArguments.format(parsed);
        assertThat(JobArguments.parse(formatted).toMap()).isEqualTo(parsed.toMap());
        assertThat(formatted)
                .containsSubsequence("--window", "90s")
                .containsSubsequence("--inference-logs", "kserve", "--inference-logs", "seldon")
                .containsSubsequence("--jdbc-password", "p;a,s s");
    }

    @Test
    void parsesDurationsListsAndRepeats() {
        Configuration c =
                JobArguments.parse(
                        List.of(
                                "--window",
                                "28d",
                                "--slide=1d",
                                "--reference-profile",
                                "a.json",
                                "--reference-profile",
                                "b.json",
                                "--segment-tags",
                                "region,tier",
                                "--alert-rule",
                                "missing_rate>=0.2:warning"));
        assertThat(c.get(SharedJobOptions.WINDOW)).isEqualTo(Duration.ofDays(28));
        assertThat(c.get(SharedJobOptions.SLIDE)).isEqualTo(Duration.ofDays(1));
        assertThat(c.get(SharedJobOptions.REFERENCE_PROFILE_FILES))
                .containsExactly("a.json", "b.json");
        assertThat(c.get(SharedJobOptions.SEGMENT_TAGS)).containsExactly("region", "tier");
        assertThat(c.get(SharedJobOptions.OUT_OF_ORDERNESS)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void rejectsBadArgumentsWithAClearMessage() {
        assertThatThrownBy(() -> JobArguments.parse(List.of("--windw", "5min")))
                .hasMessageContaining("unknown option '--windw'");
        assertThatThrownBy(() -> JobArguments.parse(List.of("--window")))
                .hasMessageContaining("needs a value");
        assertThatThrownBy(() -> JobArguments.parse(List.of("--window", "soon")))
                .hasMessageContaining("bad value 'soon' for --window");
        assertThatThrownBy(() -> JobArguments.parse(List.of("--window", "1min", "--slide", "5min")))
                .hasMessageContaining("slide in (0, size]");
        assertThatThrownBy(() -> JobArguments.parse(List.of("--alert-rule", "psi>0.2")))
                .hasMessageContaining("METRIC>=THRESHOLD:SEVERITY");
        assertThatThrownBy(
                        () -> JobArguments.parse(List.of("--window", "1min", "--window", "2min")))
                .hasMessageContaining("more than once");
    }

    @Test
    void docsListEveryOptionWithItsDefault() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "drift-job.md"));
        List<ConfigOption<?>> options = new java.util.ArrayList<>(SharedJobOptions.all());
        options.addAll(dev.driftwatch.jobs.ingest.InferenceLogOptions.all());
        options.addAll(DriftJobOptions.all());
        for (ConfigOption<?> o : options) {
            assertThat(doc).as("docs/drift-job.md row for %s", o.key()).contains(row(o));
        }
    }

    @Test
    void performanceDocsListEveryOptionWithItsDefault() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "performance-job.md"));
        for (ConfigOption<?> o : PerformanceJobOptions.all()) {
            String row =
                    "| `" + JobArguments.flag(o) + "` | " + JobArguments.defaultText(o) + " | ";
            assertThat(doc).as("docs/performance-job.md row for %s", o.key()).contains(row);
        }
    }

    @Test
    void performanceOptionsAreValidated() {
        assertThatThrownBy(() -> JobArguments.parse(List.of("--task", "fraud=clustering")))
                .hasMessageContaining("unknown task type 'clustering'");
        assertThatThrownBy(() -> JobArguments.parse(List.of("--performance-rule", "auc is low")))
                .hasMessageContaining("performance rule must look like");
        assertThatThrownBy(() -> JobArguments.parse(List.of("--min-label-coverage", "2")))
                .hasMessageContaining("[0, 1]");
        Configuration c = JobArguments.parse(List.of("--task", "fraud=binary,eta=regression"));
        assertThat(PerformanceJobOptions.tasks(c)).hasSize(2);
    }

    @Test
    void theEventFormatIsOneThatIsRegistered() {
        assertThat(
                        JobArguments.parse(List.of("--event-format", "json"))
                                .get(SharedJobOptions.EVENT_FORMAT))
                .isEqualTo("json");
        assertThatThrownBy(() -> JobArguments.parse(List.of("--event-format", "avro")))
                .hasMessage("--event-format must be one of json, was 'avro'");
    }

    /**
     * The start of an option's row in a docs table: its default as it is, or as code when it holds
     * characters markdown would eat ({@code |} escaped as {@code \|} there).
     */
    private static String row(ConfigOption<?> o) {
        String d = JobArguments.defaultText(o);
        String shown = d.contains("|") || d.contains("\\") ? "`" + d.replace("|", "\\|") + "`" : d;
        return "| `" + JobArguments.flag(o) + "` | " + shown + " | ";
    }
}
