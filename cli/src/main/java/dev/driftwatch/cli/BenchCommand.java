package dev.driftwatch.cli;

import dev.driftwatch.benchmarks.EndToEndBenchmark;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code driftwatch bench}: runs the end-to-end benchmark harness (pass-through, the drift job and
 * the naive design on the same events, in this JVM) and prints its tables; the last line is the
 * JSON summary (docs/benchmarks.md).
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = {
            "Run the end-to-end benchmark harness in this JVM: pass-through, the drift job and the"
                    + " naive design on the same events, scaling to many models and features,"
                    + " and the fixed CPU per (key, window).",
            "The last line of standard output is the JSON summary (docs/benchmarks.md)."
        })
final class BenchCommand implements Callable<Integer> {
    /** The CI form: seconds, tiny scale; it checks the harness, not the figures. */
    static final List<String> TINY =
            List.of(
                    "--events",
                    "3000",
                    "--warmup-events",
                    "0",
                    "--models",
                    "3",
                    "--features",
                    "4",
                    "--window-events",
                    "1000",
                    "--reference-sample",
                    "500",
                    "--state-window-events",
                    "10,1000",
                    "--scale-models",
                    "2,6",
                    "--scale-features",
                    "4,8",
                    "--scale-events",
                    "1500",
                    "--scale-reference-sample",
                    "300",
                    "--key-window-models",
                    "6",
                    "--key-window-events",
                    "1500",
                    "--key-window-size",
                    "300");

    /** What to run. */
    enum Scenario {
        /** Seconds, tiny scale (CI). */
        tiny,
        /** The harness' defaults, one round. */
        quick,
        /** The harness' defaults, three rounds (the figures in docs/benchmarks.md). */
        full
    }

    @Spec CommandSpec spec;

    @Option(
            names = "--scenario",
            defaultValue = "quick",
            paramLabel = "NAME",
            description = "tiny, quick or full (default: ${DEFAULT-VALUE}).")
    Scenario scenario;

    @Option(
            names = "--rounds",
            paramLabel = "N",
            description =
                    "Measured rounds of each pipeline, medians reported (default: 1, full: 3).")
    Integer rounds;

    @Parameters(
            paramLabel = "HARNESS_FLAG",
            description =
                    "Further harness flags after --, e.g. -- --events 200000 --models 100"
                            + " (they override the scenario's).")
    List<String> harnessFlags = new ArrayList<>();

    @Override
    public Integer call() {
        String[] args = harnessArgs();
        try {
            EndToEndBenchmark.checkFlags(args);
        } catch (IllegalArgumentException e) {
            throw new InputException(e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (PrintStream o = lines(out);
                PrintStream e = lines(err)) {
            return EndToEndBenchmark.run(args, o, e);
        }
    }

    /** The harness' flags for the scenario, rounds and extra flags, in that order. */
    String[] harnessArgs() {
        if (rounds != null && rounds < 1) {
            throw new InputException("--rounds must be >= 1, was " + rounds);
        }
        List<String> args = new ArrayList<>();
        if (scenario == Scenario.tiny) {
            args.addAll(TINY);
        }
        int repeats = rounds != null ? rounds : scenario == Scenario.full ? 3 : 1;
        args.add("--repeats");
        args.add(Integer.toString(repeats));
        args.addAll(harnessFlags);
        return args.toArray(new String[0]);
    }

    /** A print stream that hands whole lines (UTF-8) to {@code writer}. */
    private static PrintStream lines(PrintWriter writer) {
        OutputStream sink =
                new OutputStream() {
                    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

                    @Override
                    public void write(int b) {
                        line.write(b);
                        if (b == '\n') {
                            flush();
                        }
                    }

                    @Override
                    public void flush() {
                        writer.print(line.toString(StandardCharsets.UTF_8));
                        writer.flush();
                        line.reset();
                    }
                };
        return new PrintStream(sink, true, StandardCharsets.UTF_8);
    }
}
