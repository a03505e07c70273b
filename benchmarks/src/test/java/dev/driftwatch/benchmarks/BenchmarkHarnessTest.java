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
        "--scale-events", "1500",
        "--scale-reference-sample", "300",
        "--key-window-models", "6",
        "--key-window-events", "1500",
        "--key-window-size", "300"
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
                        "events",
                        "cpu_us_per_event_passthrough",
                        "cpu_us_per_event_drift",
                        "ratio_1000_models",
                        "ratio_500_features",
                        "us_per_key_window");
        for (String key : keys) {
            assertThat(summary.get(key).isNumber()).as(key).isTrue();
            assertThat(Double.isFinite(summary.get(key).asDouble())).as(key).isTrue();
        }
        for (String cpu : List.of("cpu_us_per_event_passthrough", "cpu_us_per_event_drift")) {
            assertThat(summary.get(cpu).asDouble()).as(cpu).isPositive();
        }
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
        // 1500 events of 6 models, 1 ms apart from midnight: one window, or five of 300 events
        assertThat(text)
                .contains("| 1500 | 6 |")
                .contains("| 300 | 30 |")
                .contains("fixed CPU per (key, window):");
    }

    @Test
    void keyWindowsCountsTheKeysOfEachWindow() {
        // events 0..9 of 4 models in windows of 3 ms: windows hold 3, 3, 3 and 1 events
        assertThat(EndToEndBenchmark.keyWindows(4, 10, 3)).isEqualTo(countPairs(4, 10, 3));
        assertThat(EndToEndBenchmark.keyWindows(2, 1000, 100)).isEqualTo(20);
        assertThat(EndToEndBenchmark.keyWindows(1000, 100_000, 20_000)).isEqualTo(5000);
    }

    private static long countPairs(int models, int events, long windowMs) {
        java.util.Set<String> pairs = new java.util.HashSet<>();
        for (int i = 0; i < events; i++) {
            pairs.add((SyntheticTraffic.T0 + i) / windowMs + "/" + i % models);
        }
        return pairs.size();
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
        assertThat(
                        EndToEndBenchmark.run(
                                new String[] {
                                    "--key-window-events", "20", "--key-window-size", "20"
                                },
                                out,
                                err))
                .isEqualTo(2);
        assertThat(stderr.toString(StandardCharsets.UTF_8))
                .contains("--events expects an integer, was 'many'")
                .contains("unknown option '--frobnicate'")
                .contains("--key-window-size must be less than --key-window-events (20)")
                .contains("usage: EndToEndBenchmark");
    }
}
