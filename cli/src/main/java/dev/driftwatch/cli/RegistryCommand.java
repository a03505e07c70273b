package dev.driftwatch.cli;

import dev.driftwatch.registry.RegistryConfig;
import dev.driftwatch.registry.RegistryServer;
import dev.driftwatch.registry.db.EmbeddedDatabase;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code driftwatch registry}: runs the registry service until stopped, on a given PostgreSQL or an
 * embedded one.
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
                    + " first start and printed once."
        })
final class RegistryCommand implements Callable<Integer> {
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
            defaultValue = "0.0.0.0",
            paramLabel = "HOST",
            description = "Interface to listen on (default: ${DEFAULT-VALUE}).")
    String host;

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
        if (port < 0 || port > 65535) {
            throw new InputException("--port must be between 0 and 65535, was " + port);
        }
        if (jdbcUrl != null && !jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new InputException(
                    "--jdbc-url must be a PostgreSQL JDBC URL (jdbc:postgresql://...)");
        }
        if (jdbcUrl == null && (jdbcUser != null || jdbcPassword != null)) {
            throw new InputException("--jdbc-user and --jdbc-password need --jdbc-url");
        }
        if (bootstrapServers != null && bootstrapServers.isBlank()) {
            throw new InputException("--bootstrap-servers is empty");
        }
        if (alertsTopic.isBlank() || profilesTopic.isBlank()) {
            throw new InputException("--alerts-topic and --reference-profiles-topic need a name");
        }
        String adminToken = System.getenv("DRIFTWATCH_ADMIN_TOKEN");
        if (adminToken != null && adminToken.length() < 16) {
            throw new InputException("DRIFTWATCH_ADMIN_TOKEN must be at least 16 characters");
        }
        EmbeddedDatabase embedded = null;
        DataSource dataSource;
        if (jdbcUrl == null) {
            embedded = EmbeddedDatabase.start(dataDir.resolve("postgres"));
            dataSource = embedded.dataSource();
            System.err.println("driftwatch registry: embedded PostgreSQL at " + embedded.jdbcUrl());
        } else {
            PGSimpleDataSource ds = new PGSimpleDataSource();
            ds.setUrl(jdbcUrl);
            if (jdbcUser != null) {
                ds.setUser(jdbcUser);
            }
            String password =
                    jdbcPassword != null ? jdbcPassword : System.getenv("DRIFTWATCH_JDBC_PASSWORD");
            if (password != null) {
                ds.setPassword(password);
            }
            dataSource = ds;
        }
        RegistryConfig config =
                RegistryConfig.defaults()
                        .withHost(host)
                        .withPort(port)
                        .withAdminToken(adminToken)
                        .withKafka(bootstrapServers)
                        .withTopics(alertsTopic, profilesTopic);
        RegistryServer server;
        try {
            server = RegistryServer.start(config, dataSource);
        } catch (RuntimeException e) {
            if (embedded != null) {
                embedded.close();
            }
            throw e;
        }
        System.out.println("driftwatch registry: listening on " + server.url());
        server.generatedAdminToken()
                .ifPresent(
                        t ->
                                System.out.println(
                                        "driftwatch registry: generated admin token (shown once,"
                                                + " stored hashed): "
                                                + t));
        CountDownLatch stopped = new CountDownLatch(1);
        EmbeddedDatabase db = embedded;
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    server.close();
                                    if (db != null) {
                                        db.close();
                                    }
                                    stopped.countDown();
                                }));
        stopped.await();
        return 0;
    }
}
