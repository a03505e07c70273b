package dev.driftwatch.cli;

import dev.driftwatch.cli.local.LocalStack;
import java.io.IOException;
import java.net.ServerSocket;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options of the commands that start the local stack ({@code up}, {@code demo}): a picocli
 * mixin, so each is declared, documented and checked once.
 */
public final class StackOptions {
    @Mixin LocalRunOptions local;

    @Option(
            names = "--registry-port",
            defaultValue = "8080",
            paramLabel = "PORT",
            description = "Registry HTTP port, 0 for any free one (default: ${DEFAULT-VALUE}).")
    int registryPort;

    /**
     * Checks every value, and that the ports are free, before anything starts: a mistake costs no
     * Kafka or PostgreSQL start-up.
     */
    public void validate() {
        local.validate();
        Options.requirePort("--registry-port", registryPort, true);
        if (local.webUiPort == registryPort) {
            throw new InputException(
                    "--web-ui-port and --registry-port must differ, both were " + registryPort);
        }
        requireFree("--web-ui-port", local.webUiPort);
        requireFree("--registry-port", registryPort);
    }

    /** The stack these options describe, running the jobs with {@code jobs}. */
    public LocalStack.Settings settings(Configuration jobs) {
        return new LocalStack.Settings(
                local.dataDir, local.webUiPort, registryPort, jobs, local.bindAddress());
    }

    private static void requireFree(String option, int port) {
        if (port == 0) {
            return;
        }
        try (ServerSocket s = new ServerSocket(port)) {
            s.setReuseAddress(true);
        } catch (IOException e) {
            throw new InputException(
                    option + " " + port + " is in use by another program; choose another port");
        }
    }
}
