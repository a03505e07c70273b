package dev.driftwatch.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The normalization benchmark at tiny scale: both pipelines account for every row, nothing is
 * dead-lettered, and the last stdout line is the JSON summary. It checks the harness, not the
 * timings.
 */
class NormalizationBenchmarkTest {
    @Test
    void bothPipelinesAccountForEveryRowAndTheLastLineIsTheSummary() throws Exception {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        int code;
        try (PrintStream out = new PrintStream(stdout, true, StandardCharsets.UTF_8);
                PrintStream err = new PrintStream(stderr, true, StandardCharsets.UTF_8)) {
            code =
                    NormalizationBenchmark.run(
                            new String[] {"--rows", "2000", "--batch", "3", "--repeats", "1"},
                            out,
                            err);
        }
        assertThat(code).as(stderr.toString(StandardCharsets.UTF_8)).isZero();
        String[] lines = stdout.toString(StandardCharsets.UTF_8).strip().split("\n");
        assertThat(lines[lines.length - 2]).contains("rows accounted 1998 / 1998, dead letters 0");
        JsonNode summary = new ObjectMapper().readTree(lines[lines.length - 1]);
        assertThat(summary.get("rows").asInt()).isEqualTo(1998);
        assertThat(summary.get("batch").asInt()).isEqualTo(3);
        assertThat(summary.get("ratio_normalization_passthrough").asDouble()).isPositive();
    }

    @Test
    void badFlagsExitWithTwo() {
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        try (PrintStream err = new PrintStream(stderr, true, StandardCharsets.UTF_8)) {
            assertThat(NormalizationBenchmark.run(new String[] {"--rows", "-1"}, System.out, err))
                    .isEqualTo(2);
        }
        assertThat(stderr.toString(StandardCharsets.UTF_8))
                .contains("--rows must be a positive integer");
    }
}
