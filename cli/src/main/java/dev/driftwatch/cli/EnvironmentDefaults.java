package dev.driftwatch.cli;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Option values from environment variables, one name per option: {@code DRIFTWATCH_} and the
 * option's long name in capitals, dashes as underscores ({@code --training-backend}: {@code
 * DRIFTWATCH_TRAINING_BACKEND}). An option given on the command line wins; an empty variable counts
 * as unset. Used by {@code registry}, whose Kubernetes Deployment configures it this way.
 *
 * <pre>{@code
 * commandLine.getSubcommands().get("registry")
 *         .setDefaultValueProvider(new EnvironmentDefaults(System.getenv()));
 * }</pre>
 */
final class EnvironmentDefaults implements IDefaultValueProvider {
    static final String PREFIX = "DRIFTWATCH_";

    private final Map<String, String> environment;

    EnvironmentDefaults(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    /** The variable of an option; empty for {@code --help}, {@code --version} and parameters. */
    static Optional<String> variable(ArgSpec arg) {
        if (!(arg instanceof OptionSpec o) || o.usageHelp() || o.versionHelp()) {
            return Optional.empty();
        }
        return Optional.of(variable(o.longestName()));
    }

    /** {@code --training-backend}: {@code DRIFTWATCH_TRAINING_BACKEND}. */
    static String variable(String optionName) {
        return PREFIX
                + optionName.replaceFirst("^-+", "").replace('-', '_').toUpperCase(Locale.ROOT);
    }

    /** The variable's value; null when it is unset or empty. */
    String get(String variable) {
        String v = environment.get(variable);
        return v == null || v.isEmpty() ? null : v;
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        return variable(arg).map(this::get).orElse(null);
    }

    /**
     * The variable an option's value came from: empty when the option is on the command line {@code
     * args} or its variable is unset.
     */
    Optional<String> source(ArgSpec arg, String[] args) {
        if (!(arg instanceof OptionSpec o)) {
            return Optional.empty();
        }
        boolean given =
                Arrays.stream(args)
                        .anyMatch(
                                a ->
                                        Arrays.stream(o.names())
                                                .anyMatch(
                                                        n -> a.equals(n) || a.startsWith(n + "=")));
        return given ? Optional.empty() : variable(arg).filter(v -> get(v) != null);
    }
}
