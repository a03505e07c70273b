package dev.driftwatch.cli;

import dev.driftwatch.core.DriftCoreException;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code driftwatch} command: one entry point with subcommands, for people, scripts and tests.
 * A subcommand is a picocli {@code @Command} class listed below; a bad argument in any of them
 * gives one line {@code driftwatch <command>: error: ...} on standard error and exit code 2.
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
            BenchCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Driftwatch implements Callable<Integer> {
    /** Exit code for bad arguments and bad input. */
    public static final int EXIT_USAGE = 2;

    @Spec CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code (used by tests). */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /** Without a subcommand there is nothing to do. */
    @Override
    public Integer call() {
        throw new ParameterException(
                spec.commandLine(),
                "a command is required: " + String.join(", ", spec.subcommands().keySet()));
    }

    static CommandLine commandLine() {
        return commandLine(System.getenv());
    }

    /**
     * The command line with {@code environment} as the process's environment: {@code registry}
     * reads its options' defaults and its tokens from it ({@link EnvironmentDefaults}).
     */
    static CommandLine commandLine(Map<String, String> environment) {
        CommandLine cli = new CommandLine(new Driftwatch());
        EnvironmentDefaults defaults = new EnvironmentDefaults(environment);
        CommandLine registry = cli.getSubcommands().get("registry");
        registry.setDefaultValueProvider(defaults);
        ((RegistryCommand) registry.getCommand()).environment = defaults;
        cli.setParameterExceptionHandler(
                (e, args) -> {
                    CommandLine command = e.getCommandLine();
                    String message = e.getMessage();
                    if (e.getArgSpec() != null
                            && command.getCommandSpec().defaultValueProvider()
                                    instanceof EnvironmentDefaults env) {
                        String from = env.source(e.getArgSpec(), args).orElse(null);
                        if (from != null) {
                            message += " (from " + from + ")";
                        }
                    }
                    if (e instanceof UnmatchedArgumentException u
                            && command.getCommandSpec().parent() == null
                            && !u.getUnmatched().isEmpty()
                            && !u.getUnmatched().get(0).startsWith("-")) {
                        message = "unknown command '" + u.getUnmatched().get(0) + "'";
                    }
                    error(command, message + " (see " + name(command) + " --help)");
                    return EXIT_USAGE;
                });
        cli.setExecutionExceptionHandler(
                (e, command, parseResult) -> {
                    if (e instanceof InputException || e instanceof DriftCoreException) {
                        error(command, e.getMessage());
                        return EXIT_USAGE;
                    }
                    if (System.getenv("DRIFTWATCH_DEBUG") != null) {
                        e.printStackTrace(command.getErr());
                    }
                    command.getErr()
                            .println(
                                    name(command)
                                            + ": internal error: "
                                            + oneLine(String.valueOf(e))
                                            + " (set DRIFTWATCH_DEBUG=1 for a stack trace)");
                    return 1;
                });
        return cli;
    }

    /** {@code driftwatch} or {@code driftwatch <command>}. */
    private static String name(CommandLine command) {
        return command.getCommandSpec().qualifiedName();
    }

    private static void error(CommandLine command, String message) {
        PrintWriter err = command.getErr();
        err.println(name(command) + ": error: " + oneLine(message));
        err.flush();
    }

    private static String oneLine(String message) {
        return message == null ? "" : message.strip().replaceAll("\\s*\\R\\s*", " ");
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
