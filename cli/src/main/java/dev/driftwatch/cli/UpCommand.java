package dev.driftwatch.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.driftwatch.cli.local.LocalKafka;
import dev.driftwatch.cli.local.LocalPostgres;
import dev.driftwatch.jobs.LocalJobs;
import dev.driftwatch.jobs.drift.DriftJobOptions;
import dev.driftwatch.jobs.shared.JobArguments;
import dev.driftwatch.jobs.shared.SharedJobOptions;
import dev.driftwatch.launcher.LocalProcessBackend;
import dev.driftwatch.registry.RegistryConfig;
import dev.driftwatch.registry.RegistryServer;
import dev.driftwatch.registry.retrain.RetrainSettings;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import javax.sql.DataSource;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.postgresql.ds.PGSimpleDataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code driftwatch up}: the local stack on embedded defaults — a Kafka broker in this process, the
 * registry, PostgreSQL (embedded, or the server named by {@code --jdbc-url}), and the drift job on
 * a local Flink MiniCluster with the web UI — then {@code DIR/endpoints.json}, and it stays up
 * until Ctrl-C.
 */
@Command(
        name = "up",
        mixinStandardHelpOptions = true,
        description = {
            "Start the local stack: Kafka (in-process), PostgreSQL (embedded or --jdbc-url), the"
                    + " registry on --registry-port, the drift job with the Flink web UI.",
            "Writes DIR/endpoints.json when everything answers; Ctrl-C stops it cleanly.",
            "Drift-job options (e.g. --window 28d) are passed on; see `driftwatch drift-job --help`."
        })
public final class UpCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
            names = "--data-dir",
            defaultValue = "data",
            paramLabel = "DIR",
            description =
                    "Where PostgreSQL data, checkpoints and endpoints.json go (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(
            names = "--web-ui-port",
            defaultValue = "8081",
            paramLabel = "PORT",
            description = "Flink web UI port (default: ${DEFAULT-VALUE}).")
    int webUiPort;

    @Option(
            names = "--registry-port",
            defaultValue = "8080",
            paramLabel = "PORT",
            description = "Registry HTTP port (default: ${DEFAULT-VALUE}).")
    int registryPort;

    @Unmatched List<String> jobArgs = new ArrayList<>();

    /** The running stack, for tests and {@code demo}. */
    public static final class Stack implements AutoCloseable {
        final Path dataDir;
        LocalKafka kafka;
        LocalPostgres postgres;
        RegistryServer registry;
        String adminToken;
        JobClient job;
        Configuration config;
        ObjectNode endpoints;

        Stack(Path dataDir) {
            this.dataDir = dataDir;
        }

        /** The data directory (endpoints.json is there). */
        public Path dataDir() {
            return dataDir;
        }

        @Override
        public void close() {
            if (job != null) {
                try {
                    job.cancel().get();
                } catch (Exception ignored) {
                    // already finished
                }
            }
            closeQuietly(registry);
            closeQuietly(kafka);
            closeQuietly(postgres);
        }

        private static void closeQuietly(AutoCloseable c) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // stopping anyway
                }
            }
        }
    }

    @Override
    public Integer call() throws Exception {
        Configuration config = JobOptions.parse(jobArgs);
        PrintWriter out = spec.commandLine().getOut();
        Stack stack = start(config, dataDir, webUiPort, registryPort, out);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    System.out.println("driftwatch up: stopping...");
                                    stack.close();
                                    stopped.countDown();
                                }));
        out.println("driftwatch up: running. Ctrl-C stops it.");
        out.flush();
        stopped.await();
        return 0;
    }

    /** Starts the stack and writes endpoints.json. */
    public static Stack start(
            Configuration config, Path dataDir, int webUiPort, int registryPort, PrintWriter out)
            throws Exception {
        Files.createDirectories(dataDir);
        Stack stack = new Stack(dataDir);
        try {
            out.println("driftwatch up: starting Kafka (in-process)...");
            out.flush();
            stack.kafka = LocalKafka.start(dataDir.resolve("kafka"));
            config.set(SharedJobOptions.BOOTSTRAP_SERVERS, stack.kafka.bootstrapServers());
            LocalKafka.createTopics(
                    stack.kafka.bootstrapServers(),
                    List.of(
                            config.get(SharedJobOptions.PREDICTIONS_TOPIC),
                            config.get(DriftJobOptions.FEATURES_TOPIC),
                            config.get(SharedJobOptions.REFERENCE_PROFILES_TOPIC),
                            config.get(SharedJobOptions.ALERTS_TOPIC),
                            config.get(SharedJobOptions.DEAD_LETTERS_TOPIC),
                            "driftwatch.labels"),
                    Set.of(config.get(SharedJobOptions.REFERENCE_PROFILES_TOPIC)));
            if (!config.contains(SharedJobOptions.JDBC_URL)) {
                out.println(
                        "driftwatch up: starting PostgreSQL (embedded, data in "
                                + dataDir.resolve("postgres")
                                + ")...");
                out.flush();
                stack.postgres = LocalPostgres.start(dataDir.resolve("postgres"));
                config.set(SharedJobOptions.JDBC_URL, stack.postgres.jdbcUrl());
                config.set(SharedJobOptions.JDBC_USER, stack.postgres.user());
                config.set(SharedJobOptions.JDBC_PASSWORD, stack.postgres.password());
            }
            out.println("driftwatch up: starting the registry...");
            out.flush();
            stack.adminToken = adminToken();
            DataSource registryDb =
                    stack.postgres != null
                            ? stack.postgres.dataSource()
                            : externalDataSource(config);
            stack.registry =
                    RegistryServer.start(
                            RegistryConfig.defaults()
                                    .withPort(registryPort)
                                    .withAdminToken(stack.adminToken)
                                    .withKafka(stack.kafka.bootstrapServers()),
                            registryDb,
                            RetrainSettings.with(new LocalProcessBackend(dataDir.resolve("runs"))));
            out.println("driftwatch up: starting the drift and performance jobs...");
            out.flush();
            stack.job = LocalJobs.start(config, dataDir, webUiPort, LocalJobs.Pipelines.BOTH);
            stack.config = config;
            String webUi = "http://localhost:" + webUiPort;
            waitForWebUi(webUi);

            ObjectNode endpoints = new ObjectMapper().createObjectNode();
            endpoints.put("kafka_bootstrap_servers", stack.kafka.bootstrapServers());
            endpoints.put("jdbc_url", config.get(SharedJobOptions.JDBC_URL));
            endpoints.put("jdbc_user", config.get(SharedJobOptions.JDBC_USER));
            endpoints.put("jdbc_password", config.get(SharedJobOptions.JDBC_PASSWORD));
            endpoints.put("flink_web_ui", webUi);
            endpoints.put("registry_url", stack.registry.url());
            endpoints.put("admin_token", stack.adminToken);
            stack.endpoints = endpoints;
            Path file = dataDir.resolve("endpoints.json");
            Files.writeString(
                    file,
                    new ObjectMapper()
                                    .writerWithDefaultPrettyPrinter()
                                    .writeValueAsString(endpoints)
                            + "\n");
            out.println();
            out.println("  Kafka:        " + stack.kafka.bootstrapServers());
            out.println(
                    "  PostgreSQL:   "
                            + config.get(SharedJobOptions.JDBC_URL)
                            + " (user "
                            + config.get(SharedJobOptions.JDBC_USER)
                            + ")");
            out.println("  Flink web UI: " + webUi + " (job " + stack.job.getJobID() + ")");
            out.println(
                    "  Registry:     " + stack.registry.url() + " (admin token in endpoints.json)");
            out.println("  Endpoints:    " + file.toAbsolutePath());
            out.println();
            out.println(
                    "  Send events:  bin/driftwatch produce --topic "
                            + config.get(SharedJobOptions.PREDICTIONS_TOPIC)
                            + " --file events.jsonl --bootstrap-servers "
                            + stack.kafka.bootstrapServers());
            out.println(
                    "  Baseline:     bin/driftwatch publish-profile --file profile.json --bootstrap-servers "
                            + stack.kafka.bootstrapServers());
            out.println(
                    "  Metrics SQL:  SELECT * FROM drift_metrics ORDER BY window_start DESC LIMIT 20;");
            out.flush();
            return stack;
        } catch (Exception e) {
            stack.close();
            throw e;
        }
    }

    /** DRIFTWATCH_ADMIN_TOKEN when set, else a fresh random token for this local stack only. */
    private static String adminToken() {
        String fromEnv = System.getenv("DRIFTWATCH_ADMIN_TOKEN");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv;
        }
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return "dw_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static DataSource externalDataSource(Configuration config) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(config.get(SharedJobOptions.JDBC_URL));
        ds.setUser(config.get(SharedJobOptions.JDBC_USER));
        ds.setPassword(config.get(SharedJobOptions.JDBC_PASSWORD));
        return ds;
    }

    /** Writes a file readable by its owner only (it holds a token). */
    private static void writePrivate(Path file, String content) throws java.io.IOException {
        Files.deleteIfExists(file);
        try {
            Files.createFile(
                    file,
                    PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
        Files.writeString(file, content);
    }

    private static void waitForWebUi(String url) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                HttpResponse<String> r =
                        http.send(
                                HttpRequest.newBuilder(URI.create(url + "/jobs/overview"))
                                        .timeout(Duration.ofSeconds(2))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().contains("RUNNING")) {
                    return;
                }
            } catch (java.io.IOException e) {
                // not up yet
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "the Flink web UI did not answer at " + url + " within 60 s");
            }
            Thread.sleep(250);
        }
    }

    static String jobUsage() {
        return JobArguments.usage();
    }
}
