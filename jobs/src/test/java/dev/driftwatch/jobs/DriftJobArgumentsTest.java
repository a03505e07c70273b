package dev.driftwatch.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

/** Job options from the command line, and docs/drift-job.md against the options in the code. */
class DriftJobArgumentsTest {
    @Test
    void parsesDurationsListsAndRepeats() {
        Configuration c =
                DriftJobArguments.parse(
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
        assertThat(c.get(DriftJobOptions.WINDOW)).isEqualTo(Duration.ofDays(28));
        assertThat(c.get(DriftJobOptions.SLIDE)).isEqualTo(Duration.ofDays(1));
        assertThat(c.get(DriftJobOptions.REFERENCE_PROFILE_FILES))
                .containsExactly("a.json", "b.json");
        assertThat(c.get(DriftJobOptions.SEGMENT_TAGS)).containsExactly("region", "tier");
        assertThat(c.get(DriftJobOptions.OUT_OF_ORDERNESS)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void rejectsBadArgumentsWithAClearMessage() {
        assertThatThrownBy(() -> DriftJobArguments.parse(List.of("--windw", "5min")))
                .hasMessageContaining("unknown option '--windw'");
        assertThatThrownBy(() -> DriftJobArguments.parse(List.of("--window")))
                .hasMessageContaining("needs a value");
        assertThatThrownBy(() -> DriftJobArguments.parse(List.of("--window", "soon")))
                .hasMessageContaining("bad value 'soon' for --window");
        assertThatThrownBy(
                        () ->
                                DriftJobArguments.parse(
                                        List.of("--window", "1min", "--slide", "5min")))
                .hasMessageContaining("slide in (0, size]");
        assertThatThrownBy(() -> DriftJobArguments.parse(List.of("--alert-rule", "psi>0.2")))
                .hasMessageContaining("METRIC>=THRESHOLD:SEVERITY");
        assertThatThrownBy(
                        () ->
                                DriftJobArguments.parse(
                                        List.of("--window", "1min", "--window", "2min")))
                .hasMessageContaining("more than once");
    }

    @Test
    void docsListEveryOptionWithItsDefault() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "drift-job.md"));
        for (ConfigOption<?> o : DriftJobOptions.all()) {
            String row =
                    "| `"
                            + DriftJobArguments.flag(o)
                            + "` | "
                            + DriftJobArguments.defaultText(o)
                            + " | ";
            assertThat(doc).as("docs/drift-job.md row for %s", o.key()).contains(row);
        }
    }

    @Test
    void performanceDocsListEveryOptionWithItsDefault() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "performance-job.md"));
        for (ConfigOption<?> o : PerformanceJobOptions.all()) {
            String row =
                    "| `"
                            + DriftJobArguments.flag(o)
                            + "` | "
                            + DriftJobArguments.defaultText(o)
                            + " | ";
            assertThat(doc).as("docs/performance-job.md row for %s", o.key()).contains(row);
        }
    }

    @Test
    void performanceOptionsAreValidated() {
        assertThatThrownBy(() -> DriftJobArguments.parse(List.of("--task", "fraud=clustering")))
                .hasMessageContaining("unknown task type 'clustering'");
        assertThatThrownBy(
                        () -> DriftJobArguments.parse(List.of("--performance-rule", "auc is low")))
                .hasMessageContaining("performance rule must look like");
        assertThatThrownBy(() -> DriftJobArguments.parse(List.of("--min-label-coverage", "2")))
                .hasMessageContaining("[0, 1]");
        Configuration c = DriftJobArguments.parse(List.of("--task", "fraud=binary,eta=regression"));
        assertThat(PerformanceJob.tasks(c)).hasSize(2);
    }
}
