package dev.driftwatch.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The end-to-end harness at tiny scale: every pipeline accounts for every event, nothing is
 * dead-lettered, and the last stdout line is the JSON summary with exactly the keys
 * docs/benchmarks.md names. It checks the harness, not the timings.
 */
class BenchmarkHarnessTest {
    private static final String[] TINY = {
        "--events", "3000",
        "--warmup-events", "0",
        "--models", "3",
        "--features", "4",
        "--window-events", "1000",
        "--reference-sample", "500",
        "--state-window-events", "10,1000",
        "--scale-models", "2",
        "--scale-features", "6",
        "--scale-events", "1500"
    };

    @Test
    void everyPipelineAccountsForEveryEventAndTheLastLineIsTheSummary() throws Exception {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        int code;
        try (PrintStream out = new PrintStream(stdout, true, StandardCharsets.UTF_8);
                PrintStream err = new PrintStream(stderr, true, StandardCharsets.UTF_8)) {
            code = EndToEndBenchmark.run(TINY, out, err);
        }
        assertThat(code).as(stderr.toString(StandardCharsets.UTF_8)).isZero();

        String[] lines = stdout.toString(StandardCharsets.UTF_8).strip().split("\n");
        JsonNode summary = new ObjectMapper().readTree(lines[lines.length - 1]);
        List<String> keys = new ArrayList<>();
        for (Iterator<String> it = summary.fieldNames(); it.hasNext(); ) {
            keys.add(it.next());
        }
        assertThat(keys)
                .containsExactlyInAnyOrder(
                        "passthrough_eps",
                        "drift_eps",
                        "naive_eps",
                        "ratio_drift_passthrough",
                        "ratio_drift_naive",
                        "state_bytes_per_feature_window",
                        "parallelism",
                        "events");
        assertThat(summary.get("events").asLong()).isEqualTo(3000);
        assertThat(summary.get("parallelism").asInt()).isEqualTo(1);
        for (String rate : List.of("passthrough_eps", "drift_eps", "naive_eps")) {
            assertThat(summary.get(rate).asDouble()).as(rate).isPositive();
        }
        assertThat(summary.get("ratio_drift_passthrough").asDouble())
                .isCloseTo(
                        summary.get("drift_eps").asDouble()
                                / summary.get("passthrough_eps").asDouble(),
                        org.assertj.core.data.Offset.offset(1e-3));
        assertThat(summary.get("state_bytes_per_feature_window").asDouble()).isPositive();
        // the throughput table says, for each of its four rows, that all 3000 events were
        // accounted for
        String text = stdout.toString(StandardCharsets.UTF_8);
        assertThat(text)
                .contains("| 1 | pass-through |")
                .contains("| 1 | drift job |")
                .contains("| 1 | naive |")
                .contains("| 1 | drift job, no object reuse |");
        assertThat(text.split("\\| 3000 / 3000 \\|", -1)).hasSize(5);
    }

    @Test
    void eachPipelineAccountsForEveryEventAtParallelismTwo() throws Exception {
        BenchmarkOptions options =
                BenchmarkOptions.parse(
                        new String[] {
                            "--events", "2000",
                            "--warmup-events", "0",
                            "--models", "2",
                            "--features", "3",
                            "--window-events", "500",
                            "--reference-sample", "300",
                            "--parallelism", "2",
                            "--state-window-events", "10",
                            "--no-scaling"
                        });
        BenchmarkReport report =
                EndToEndBenchmark.measure(
                        options, new PrintStream(new ByteArrayOutputStream(), true, "UTF-8"));
        // pass-through, drift job, naive, and the drift job without object reuse
        assertThat(report.runs).hasSize(4);
        for (PipelineRun run : report.runs) {
            assertThat(run.parallelism()).isEqualTo(2);
            assertThat(run.eventsAccounted()).as(run.pipeline()).isEqualTo(2000);
            assertThat(run.deadLetters()).as(run.pipeline()).isZero();
            // the drift job binned every event: its reference profiles were there first
            assertThat(run.eventsWithoutReference()).as(run.pipeline()).isZero();
            assertThat(run.seconds()).as(run.pipeline()).isPositive();
        }
    }

    @Test
    void badFlagsPrintUsageAndExitWithTwo() {
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(stderr, true, StandardCharsets.UTF_8);
        PrintStream out =
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertThat(EndToEndBenchmark.run(new String[] {"--events", "many"}, out, err)).isEqualTo(2);
        assertThat(EndToEndBenchmark.run(new String[] {"--frobnicate"}, out, err)).isEqualTo(2);
        assertThat(EndToEndBenchmark.run(new String[] {"--parallelism"}, out, err)).isEqualTo(2);
        assertThat(stderr.toString(StandardCharsets.UTF_8))
                .contains("--events expects an integer, was 'many'")
                .contains("unknown option '--frobnicate'")
                .contains("usage: EndToEndBenchmark");
    }
}
