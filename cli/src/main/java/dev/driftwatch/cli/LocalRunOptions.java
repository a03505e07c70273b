package dev.driftwatch.cli;

import dev.driftwatch.local.ListenAddress;
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

    @Option(
            names = "--bind-address",
            defaultValue = "127.0.0.1",
            paramLabel = "ADDRESS",
            description =
                    "The address every listener binds: the Flink web UI and for up and demo also"
                            + " Kafka, PostgreSQL and the registry (default: ${DEFAULT-VALUE}, this"
                            + " machine only). Another address, e.g. 0.0.0.0 for every interface,"
                            + " opens them to the network on purpose; a warning names each.")
    String bindAddress;

    /** Checks the values before anything starts. */
    void validate() {
        Options.requireDirectory("--data-dir", dataDir);
        Options.requirePort("--web-ui-port", webUiPort, false);
        bindAddress();
    }

    /** The parsed {@code --bind-address}. */
    ListenAddress bindAddress() {
        try {
            return ListenAddress.parse(bindAddress);
        } catch (IllegalArgumentException e) {
            throw new InputException("--bind-address " + e.getMessage());
        }
    }
}
