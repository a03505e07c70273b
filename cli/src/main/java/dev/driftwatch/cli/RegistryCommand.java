package dev.driftwatch.cli;

import dev.driftwatch.local.LocalPostgres;
import dev.driftwatch.registry.RegistryConfig;
import dev.driftwatch.registry.RegistryServer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code driftwatch registry}: runs the registry service until stopped, on a given PostgreSQL or an
 * embedded one whose data stays in {@code --data-dir} across restarts.
 *
 * <pre>
 * DRIFTWATCH_ADMIN_TOKEN=... bin/driftwatch registry --port 8080 --bootstrap-servers localhost:9092
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
                    + " requires it as a bearer token."
        })
final class RegistryCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

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
            description = "Database password (or set DRIFTWATCH_JDBC_PASSWORD).")
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
            Preflight.requirePostgres(jdbcUrl, jdbcUser, password());
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
        Options.requirePort("--port", port, true);
        if (jdbcUrl != null && !jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new InputException(
                    "--jdbc-url must be a PostgreSQL JDBC URL (jdbc:postgresql://...)");
        }
        if (jdbcUrl == null && (jdbcUser != null || jdbcPassword != null)) {
            throw new InputException("--jdbc-user and --jdbc-password need --jdbc-url");
        }
        if (jdbcUrl == null) {
            Options.requireDirectory("--data-dir", dataDir);
        }
        if (alertsTopic.isBlank() || profilesTopic.isBlank()) {
            throw new InputException("--alerts-topic and --reference-profiles-topic need a name");
        }
        if (bootstrapServers != null) {
            Options.requireBootstrapServers("--bootstrap-servers", bootstrapServers);
        }
        Options.requireName("--host", host);
        try {
            dev.driftwatch.registry.notify.OutboundAddresses.allowing(allowOutbound);
        } catch (IllegalArgumentException e) {
            throw new InputException("--allow-outbound: " + e.getMessage());
        }
        String adminToken = System.getenv("DRIFTWATCH_ADMIN_TOKEN");
        if (adminToken != null && adminToken.length() < 16) {
            throw new InputException("DRIFTWATCH_ADMIN_TOKEN must be at least 16 characters");
        }
        String metricsToken = System.getenv("DRIFTWATCH_METRICS_TOKEN");
        if (metricsToken != null && !metricsToken.isEmpty() && metricsToken.length() < 16) {
            throw new InputException("DRIFTWATCH_METRICS_TOKEN must be at least 16 characters");
        }
    }

    /** DRIFTWATCH_METRICS_TOKEN when set: /metrics then requires it. */
    private static String metricsToken() {
        String t = System.getenv("DRIFTWATCH_METRICS_TOKEN");
        return t == null || t.isEmpty() ? null : t;
    }

    /** --jdbc-password, else DRIFTWATCH_JDBC_PASSWORD. */
    private String password() {
        return jdbcPassword != null ? jdbcPassword : System.getenv("DRIFTWATCH_JDBC_PASSWORD");
    }

    /** The running registry and, without {@code --jdbc-url}, its embedded database. */
    record Running(RegistryServer server, LocalPostgres embedded) implements AutoCloseable {
        @Override
        public void close() {
            server.close();
            if (embedded != null) {
                embedded.close();
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
            String password = password();
            if (password != null) {
                ds.setPassword(password);
            }
            dataSource = ds;
        }
        RegistryConfig config =
                RegistryConfig.defaults()
                        .withHost(host)
                        .withPort(port)
                        .withAdminToken(System.getenv("DRIFTWATCH_ADMIN_TOKEN"))
                        .withKafka(bootstrapServers)
                        .withTopics(alertsTopic, profilesTopic)
                        .withMetricsToken(metricsToken())
                        .withOutboundAllowList(allowOutbound);
        RegistryServer server;
        try {
            server = RegistryServer.start(config, dataSource);
        } catch (RuntimeException e) {
            if (embedded != null) {
                embedded.close();
            }
            throw e;
        }
        out.println("driftwatch registry: listening on " + server.url());
        server.generatedAdminToken()
                .ifPresent(
                        t ->
                                out.println(
                                        "driftwatch registry: generated admin token (shown once,"
                                                + " stored hashed): "
                                                + t));
        out.flush();
        return new Running(server, embedded);
    }
}
