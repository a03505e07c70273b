package dev.driftwatch.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where a local run keeps its data and serves the Flink web UI: a picocli mixin of the commands
 * that run the jobs here ({@code up}, {@code demo}, {@code drift-job}, {@code performance-job}).
 */
public final class LocalRunOptions {
    @Option(
            names = "--data-dir",
            defaultValue = "data",
            paramLabel = "DIR",
            description =
                    "Where checkpoints go, and for up and demo also PostgreSQL data, training runs"
                            + " and endpoints.json (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(
            names = "--web-ui-port",
            defaultValue = "8081",
            paramLabel = "PORT",
            description = "Flink web UI port (default: ${DEFAULT-VALUE}).")
    int webUiPort;

    /** Checks the values before anything starts. */
    void validate() {
        Options.requireDirectory("--data-dir", dataDir);
        Options.requirePort("--web-ui-port", webUiPort, false);
    }
}
