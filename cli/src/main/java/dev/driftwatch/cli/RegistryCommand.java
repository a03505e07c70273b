package dev.driftwatch.cli;

import dev.driftwatch.local.LocalPostgres;
import dev.driftwatch.registry.RegistryConfig;
import dev.driftwatch.registry.RegistryServer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/**
 * {@code driftwatch registry}: runs the registry service until stopped, on a given PostgreSQL or an
 * embedded one whose data stays in {@code --data-dir} across restarts, with the training backend
 * its options choose. Every option can also be set by an environment variable ({@link
 * EnvironmentDefaults}); the admin and metrics tokens are read only from the environment.
 *
 * <pre>
 * DRIFTWATCH_ADMIN_TOKEN=... bin/driftwatch registry --port 8080 --bootstrap-servers localhost:9092
 * DRIFTWATCH_TRAINING_BACKEND=local bin/driftwatch registry
 * </pre>
 */
@Command(
        name = "registry",
        mixinStandardHelpOptions = true,
        description = {
            "Run the registry service: MLflow-shaped model registry, reference profiles, alert"
                    + " intake and notifications.",
            "The admin token is read from DRIFTWATCH_ADMIN_TOKEN; without it one is generated at"
                    + " first start and printed once. With DRIFTWATCH_METRICS_TOKEN set, /metrics"
                    + " requires it as a bearer token.",
            "Every option can also be set by an environment variable: DRIFTWATCH_ and the"
                    + " option's name in capitals with underscores (--training-backend:"
                    + " DRIFTWATCH_TRAINING_BACKEND); an option on the command line wins."
        })
final class RegistryCommand implements Callable<Integer> {
    /** The bootstrap admin token; read only from the environment. */
    static final String ADMIN_TOKEN = "DRIFTWATCH_ADMIN_TOKEN";

    /** The bearer token {@code /metrics} requires; read only from the environment. */
    static final String METRICS_TOKEN = "DRIFTWATCH_METRICS_TOKEN";

    @Spec CommandSpec spec;

    /** Where option defaults and the tokens come from (the process's environment). */
    EnvironmentDefaults environment = new EnvironmentDefaults(System.getenv());

    @Mixin TrainingOptions training;

    @Option(
            names = "--jdbc-url",
            paramLabel = "URL",
            description = "PostgreSQL JDBC URL (default: an embedded PostgreSQL in --data-dir).")
    String jdbcUrl;

    @Option(names = "--jdbc-user", paramLabel = "USER", description = "Database user.")
    String jdbcUser;

    @Option(
            names = "--jdbc-password",
            paramLabel = "PASSWORD",
            description =
                    "Database password (better DRIFTWATCH_JDBC_PASSWORD: an option is visible in"
                            + " the process list).")
    String jdbcPassword;

    @Option(
            names = "--data-dir",
            defaultValue = "data/registry",
            paramLabel = "DIR",
            description =
                    "Where the embedded PostgreSQL keeps its data (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(
            names = "--port",
            defaultValue = "8080",
            paramLabel = "PORT",
            description = "HTTP port, 0 for any free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(
            names = "--host",
            defaultValue = "127.0.0.1",
            paramLabel = "HOST",
            description =
                    "Interface to listen on (default: ${DEFAULT-VALUE}, this machine only; 0.0.0.0"
                            + " for every interface).")
    String host;

    @Option(
            names = "--allow-outbound",
            paramLabel = "HOST|CIDR",
            split = ",",
            description =
                    "An internal receiver notifications may be sent to: a host name or a CIDR"
                            + " range (repeatable or comma-separated; by default only public"
                            + " addresses).")
    java.util.List<String> allowOutbound = new java.util.ArrayList<>();

    @Option(
            names = "--bootstrap-servers",
            paramLabel = "HOSTS",
            description =
                    "Kafka bootstrap servers; without them no profile is published and no alert"
                            + " is consumed from Kafka.")
    String bootstrapServers;

    @Option(
            names = "--alerts-topic",
            defaultValue = RegistryConfig.DEFAULT_ALERTS_TOPIC,
            paramLabel = "TOPIC",
            description = "Topic alerts are consumed from (default: ${DEFAULT-VALUE}).")
    String alertsTopic;

    @Option(
            names = "--dead-letters-topic",
            defaultValue = RegistryConfig.DEFAULT_DEAD_LETTERS_TOPIC,
            paramLabel = "TOPIC",
            description =
                    "Topic records of the alerts topic that are no alert go to, with the reason"
                            + " (default: ${DEFAULT-VALUE}).")
    String deadLettersTopic;

    @Option(
            names = "--reference-profiles-topic",
            defaultValue = RegistryConfig.DEFAULT_PROFILES_TOPIC,
            paramLabel = "TOPIC",
            description =
                    "Compacted topic the champions' reference profiles are published to"
                            + " (default: ${DEFAULT-VALUE}).")
    String profilesTopic;

    @Override
    public Integer call() throws Exception {
        validate();
        if (jdbcUrl != null) {
            Preflight.requirePostgres(jdbcUrl, jdbcUser, jdbcPassword);
        }
        if (bootstrapServers != null) {
            Preflight.requireKafka(bootstrapServers);
        }
        PrintWriter out = spec.commandLine().getOut();
        UntilStopped.await(start(out), "registry", out);
        return 0;
    }

    /** Checks every option before anything starts. */
    void validate() {
        Options.requirePort(named("--port"), port, true);
        if (jdbcUrl != null && !jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new InputException(
                    named("--jdbc-url") + " must be a PostgreSQL JDBC URL (jdbc:postgresql://...)");
        }
        if (jdbcUrl == null && (jdbcUser != null || jdbcPassword != null)) {
            throw new InputException(
                    named("--jdbc-user") + " and " + named("--jdbc-password") + " need --jdbc-url");
        }
        if (jdbcUrl == null) {
            Options.requireDirectory(named("--data-dir"), dataDir);
        }
        Options.requireName(named("--alerts-topic"), alertsTopic);
        Options.requireName(named("--dead-letters-topic"), deadLettersTopic);
        Options.requireName(named("--reference-profiles-topic"), profilesTopic);
        if (bootstrapServers != null) {
            Options.requireBootstrapServers(named("--bootstrap-servers"), bootstrapServers);
        }
        Options.requireName(named("--host"), host);
        try {
            dev.driftwatch.registry.notify.OutboundAddresses.allowing(allowOutbound);
        } catch (IllegalArgumentException e) {
            throw new InputException(named("--allow-outbound") + ": " + e.getMessage());
        }
        String adminToken = environment.get(ADMIN_TOKEN);
        if (adminToken != null && adminToken.length() < 16) {
            throw new InputException(ADMIN_TOKEN + " must be at least 16 characters");
        }
        String metricsToken = environment.get(METRICS_TOKEN);
        if (metricsToken != null && metricsToken.length() < 16) {
            throw new InputException(METRICS_TOKEN + " must be at least 16 characters");
        }
        training.validate(this::named);
    }

    /**
     * An option's name for a message: with the environment variable its value came from when it is
     * not on the command line.
     */
    String named(String option) {
        ParseResult parsed = spec.commandLine().getParseResult();
        if (parsed != null && parsed.hasMatchedOption(option)) {
            return option;
        }
        String variable = EnvironmentDefaults.variable(option);
        return environment.get(variable) != null ? option + " (" + variable + ")" : option;
    }

    /**
     * Every environment variable {@code registry} reads: one per option, and the admin and metrics
     * tokens.
     */
    static Set<String> environmentVariables() {
        Set<String> out = new LinkedHashSet<>();
        for (OptionSpec o :
                new picocli.CommandLine(new RegistryCommand()).getCommandSpec().options()) {
            EnvironmentDefaults.variable(o).ifPresent(out::add);
        }
        out.add(ADMIN_TOKEN);
        out.add(METRICS_TOKEN);
        return out;
    }

    /** DRIFTWATCH_METRICS_TOKEN when set: /metrics then requires it. */
    private String metricsToken() {
        return environment.get(METRICS_TOKEN);
    }

    /**
     * The running registry, without {@code --jdbc-url} its embedded database, and the training
     * options (whose Kubernetes client closes after the registry).
     */
    record Running(RegistryServer server, LocalPostgres embedded, TrainingOptions training)
            implements AutoCloseable {
        @Override
        public void close() {
            try {
                server.close();
            } finally {
                training.close();
                if (embedded != null) {
                    embedded.close();
                }
            }
        }
    }

    /** Starts the database (embedded unless --jdbc-url) and the registry; prints where it is. */
    Running start(PrintWriter out) {
        LocalPostgres embedded = null;
        DataSource dataSource;
        if (jdbcUrl == null) {
            Path data = dataDir.resolve("postgres");
            embedded = LocalPostgres.start(data);
            dataSource = embedded.dataSource();
            out.println(
                    "driftwatch registry: embedded PostgreSQL at "
                            + embedded.jdbcUrl()
                            + " (data in "
                            + data
                            + ", password in "
                            + LocalPostgres.passwordFile(data)
                            + ")");
        } else {
            PGSimpleDataSource ds = new PGSimpleDataSource();
            ds.setUrl(jdbcUrl);
            if (jdbcUser != null) {
                ds.setUser(jdbcUser);
            }
            if (jdbcPassword != null) {
                ds.setPassword(jdbcPassword);
            }
            dataSource = ds;
        }
        RegistryConfig config =
                RegistryConfig.defaults()
                        .withHost(host)
                        .withPort(port)
                        .withAdminToken(environment.get(ADMIN_TOKEN))
                        .withKafka(bootstrapServers)
                        .withTopics(alertsTopic, profilesTopic)
                        .withDeadLettersTopic(deadLettersTopic)
                        .withMetricsToken(metricsToken())
                        .withOutboundAllowList(allowOutbound);
        RegistryServer server;
        try {
            server = RegistryServer.start(config, dataSource, training.settings(dataDir));
        } catch (RuntimeException e) {
            training.close();
            if (embedded != null) {
                embedded.close();
            }
            throw e;
        }
        out.println("driftwatch registry: listening on " + server.url());
        out.println("driftwatch registry: training backend " + training.describe());
        server.generatedAdminToken()
                .ifPresent(
                        t ->
                                out.println(
                                        "driftwatch registry: generated admin token (shown once,"
                                                + " stored hashed): "
                                                + t));
        out.flush();
        return new Running(server, embedded, training);
    }
}
