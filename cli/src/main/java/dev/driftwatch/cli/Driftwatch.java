package dev.driftwatch.cli;

import dev.driftwatch.core.DriftCoreException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code driftwatch} command: one entry point with subcommands, for people, scripts and tests.
 *
 * <pre>
 * bin/driftwatch compare --reference ref.csv --current cur.csv
 * </pre>
 */
@Command(
        name = "driftwatch",
        mixinStandardHelpOptions = true,
        versionProvider = Driftwatch.Version.class,
        description = "Watches machine-learning models in production for drift.",
        subcommands = {
            ProfileCommand.class,
            CompareCommand.class,
            UpCommand.class,
            dev.driftwatch.cli.demo.DemoCommand.class,
            DriftJobCommand.class,
            PerformanceJobCommand.class,
            PublishProfileCommand.class,
            ProduceCommand.class,
            RegistryCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Driftwatch {
    /** Exit code for bad arguments and bad input. */
    public static final int EXIT_USAGE = 2;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code (used by tests). */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Driftwatch());
        cli.setExecutionExceptionHandler(
                (e, commandLine, parseResult) -> {
                    String command = commandLine.getCommandName();
                    if (e instanceof InputException || e instanceof DriftCoreException) {
                        commandLine
                                .getErr()
                                .println("driftwatch " + command + ": error: " + e.getMessage());
                        return EXIT_USAGE;
                    }
                    if (System.getenv("DRIFTWATCH_DEBUG") != null) {
                        e.printStackTrace(commandLine.getErr());
                    }
                    commandLine
                            .getErr()
                            .println(
                                    "driftwatch "
                                            + command
                                            + ": internal error: "
                                            + e
                                            + " (set DRIFTWATCH_DEBUG=1 for a stack trace)");
                    return 1;
                });
        return cli;
    }

    /** Reads the version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Driftwatch.class.getPackage().getImplementationVersion();
            return new String[] {"driftwatch " + (v == null ? "development build" : v)};
        }
    }
}
