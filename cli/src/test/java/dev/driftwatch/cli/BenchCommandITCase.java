package dev.driftwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code driftwatch bench --scenario tiny} runs the harness on a Flink MiniCluster in seconds: its
 * last stdout line is the JSON summary with every key docs/benchmarks.md names, each a finite
 * number; bad arguments give one line and exit code 2.
 */
class BenchCommandITCase {
    static final List<String> SUMMARY_KEYS =
            List.of(
                    "passthrough_eps",
                    "drift_eps",
                    "naive_eps",
                    "ratio_drift_passthrough",
                    "ratio_drift_naive",
                    "state_bytes_per_feature_window",
                    "parallelism",
                    "events",
                    "cpu_us_per_event_passthrough",
                    "cpu_us_per_event_drift",
                    "ratio_1000_models",
                    "ratio_500_features",
                    "us_per_key_window");

    @Test
    void theTinyScenarioEndsWithTheSummaryOfFiniteFigures() throws Exception {
        CliRun run = CliRun.of("bench", "--scenario", "tiny");

        assertThat(run.exitCode()).as(run.err()).isZero();
        String[] lines = run.out().strip().split("\n");
        JsonNode summary = new ObjectMapper().readTree(lines[lines.length - 1]);
        List<String> keys = new ArrayList<>();
        for (Iterator<String> it = summary.fieldNames(); it.hasNext(); ) {
            keys.add(it.next());
        }
        assertThat(keys).containsExactlyInAnyOrderElementsOf(SUMMARY_KEYS);
        for (String key : SUMMARY_KEYS) {
            assertThat(summary.get(key).isNumber()).as(key).isTrue();
            assertThat(Double.isFinite(summary.get(key).asDouble())).as(key).isTrue();
        }
        assertThat(summary.get("events").asLong()).isEqualTo(3000);
        assertThat(summary.get("drift_eps").asDouble()).isPositive();
        assertThat(summary.get("cpu_us_per_event_drift").asDouble()).isPositive();
        assertThat(run.out()).contains("## Fixed CPU per (key, window)");
    }

    @Test
    void badArgumentsGiveOneLineAndExitCodeTwo() {
        CliRun scenario = CliRun.of("bench", "--scenario", "huge");
        assertThat(scenario.exitCode()).isEqualTo(2);
        assertThat(scenario.err().strip())
                .startsWith("driftwatch bench: error: ")
                .contains("--scenario")
                .doesNotContain("\n");

        CliRun rounds = CliRun.of("bench", "--rounds", "0");
        assertThat(rounds.exitCode()).isEqualTo(2);
        assertThat(rounds.err().strip())
                .isEqualTo("driftwatch bench: error: --rounds must be >= 1, was 0");

        CliRun flag = CliRun.of("bench", "--", "--events", "many");
        assertThat(flag.exitCode()).isEqualTo(2);
        assertThat(flag.err().strip())
                .isEqualTo("driftwatch bench: error: --events expects an integer, was 'many'");
        assertThat(flag.out()).isEmpty();
    }
}
