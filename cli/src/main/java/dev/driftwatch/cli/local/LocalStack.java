package dev.driftwatch.cli.local;

import dev.driftwatch.cli.demo.DemoTrainer;
import dev.driftwatch.ingest.IngestConfig;
import dev.driftwatch.ingest.IngestServer;
import dev.driftwatch.jobs.LocalJobs;
import dev.driftwatch.jobs.drift.DriftJobOptions;
import dev.driftwatch.jobs.ingest.InferenceLogOptions;
import dev.driftwatch.jobs.performance.PerformanceJobOptions;
import dev.driftwatch.jobs.shared.SharedJobOptions;
import dev.driftwatch.launcher.LocalProcessBackend;
import dev.driftwatch.local.JavaProcess;
import dev.driftwatch.local.KafkaProcess;
import dev.driftwatch.local.ListenAddress;
import dev.driftwatch.local.LocalKafka;
import dev.driftwatch.local.LocalPostgres;
import dev.driftwatch.registry.RegistryConfig;
import dev.driftwatch.registry.RegistryServer;
import dev.driftwatch.registry.retrain.RetrainSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The local stack of {@code up} and {@code demo}: a Kafka broker in this process with the
 * Driftwatch topics, PostgreSQL (embedded, or the server the job options name), the registry with
 * the local training backend, the ingest endpoint (127.0.0.1, a free port, a generated token; the
 * jobs read its topic unless {@code --inference-logs} says otherwise), and the drift and
 * performance jobs on a local Flink MiniCluster with the web UI. Once everything answers it writes
 * {@code DIR/endpoints.json}; {@link #close()} stops the parts in reverse order.
 *
 * <p>In cluster mode ({@link Settings#cluster()} set: {@code up --task-managers N}) Kafka is a
 * broker process, and the jobs run on a {@link FlinkCluster} of separate processes (one JobManager,
 * N TaskManagers), submitted as the thin job jar through its REST API ({@link ClusterJobs}); every
 * process's pid is in {@code DIR/pids}, and a start stops what a killed run left running there, by
 * pid.
 *
 * <p>Every listener binds {@link Settings#bindAddress()} (127.0.0.1 unless opened on purpose, then
 * a warning names each {@link #listeners() listener}). The data directory makes it durable: Kafka's
 * log, PostgreSQL's data and the jobs' retained checkpoints are there, and a start resumes the jobs
 * from the latest completed checkpoint. A part is added by starting it in {@code startAll}, passing
 * it to {@code started(...)} (stopped in reverse order) and to {@code listening(...)}.
 *
 * <pre>{@code
 * try (LocalStack stack = LocalStack.start(new LocalStack.Settings(dir, 8081, 8080, jobConfig), out)) {
 *     Endpoints endpoints = stack.endpoints();
 * }
 * }</pre>
 */
public final class LocalStack implements AutoCloseable {
    /**
     * What to start: the data directory, the Flink web UI and registry ports (0: any free one for
     * the registry), the jobs' configuration (Kafka and PostgreSQL settings are filled in), and the
     * address every listener binds ({@link ListenAddress#LOOPBACK} unless opened on purpose).
     */
    public record Settings(
            Path dataDir,
            int webUiPort,
            int registryPort,
            Configuration jobs,
            ListenAddress bindAddress,
            Cluster cluster) {
        /** On 127.0.0.1: only programs on this machine reach the stack. */
        public Settings(Path dataDir, int webUiPort, int registryPort, Configuration jobs) {
            this(dataDir, webUiPort, registryPort, jobs, ListenAddress.LOOPBACK);
        }

        /** Everything in this process (Kafka in-process, the jobs on a Flink MiniCluster). */
        public Settings(
                Path dataDir,
                int webUiPort,
                int registryPort,
                Configuration jobs,
                ListenAddress bindAddress) {
            this(dataDir, webUiPort, registryPort, jobs, bindAddress, null);
        }

        /** These settings in cluster mode. */
        public Settings withCluster(Cluster cluster) {
            return new Settings(dataDir, webUiPort, registryPort, jobs, bindAddress, cluster);
        }
    }

    /**
     * Cluster mode: {@code taskManagers} TaskManager processes, the jobs at {@code parallelism},
     * submitted as {@code jobJar} (the thin job jar).
     */
    public record Cluster(int taskManagers, int parallelism, Path jobJar) {}

    /** A listening endpoint of a part: what it is and where it listens. */
    public record Listener(String part, String address) {}

    /** Where the pids of the processes a cluster-mode start runs are kept, under the data dir. */
    public static final String PIDS = "pids";

    /** Where savepoints go in cluster mode, under the data directory. */
    public static final String SAVEPOINTS = "savepoints";

    private final Path dataDir;
    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final List<Listener> listeners = new ArrayList<>();
    private Endpoints endpoints;
    private KafkaProcess kafkaProcess;
    private LocalPostgres postgres;
    private FlinkCluster flinkCluster;
    private ClusterJobs clusterJobs;

    private LocalStack(Path dataDir) {
        this.dataDir = dataDir;
    }

    /** Starts every part, printing progress to {@code out}; on failure stops what started. */
    public static LocalStack start(Settings settings, PrintWriter out) throws Exception {
        Files.createDirectories(settings.dataDir());
        LocalStack stack = new LocalStack(settings.dataDir());
        try {
            stack.startAll(settings, out);
            return stack;
        } catch (Exception | Error e) {
            stack.close();
            throw e;
        }
    }

    private void startAll(Settings settings, PrintWriter out) throws Exception {
        Configuration config = settings.jobs();
        ListenAddress address = settings.bindAddress();
        Consumer<String> notices = notice -> progress(out, notice);
        Cluster cluster = settings.cluster();
        Path pids = dataDir.resolve(PIDS);
        JavaProcess.stopLeftRunning(pids, notices);
        String bootstrap;
        if (cluster != null) {
            progress(
                    out,
                    "starting Kafka (a broker process, log in "
                            + dataDir.resolve("kafka")
                            + ")...");
            kafkaProcess =
                    started(KafkaProcess.start(dataDir.resolve("kafka"), address, pids, notices));
            bootstrap = kafkaProcess.bootstrapServers();
        } else {
            progress(
                    out, "starting Kafka (in-process, log in " + dataDir.resolve("kafka") + ")...");
            bootstrap =
                    started(LocalKafka.start(dataDir.resolve("kafka"), address, notices))
                            .bootstrapServers();
        }
        listening("Kafka broker", bootstrap);
        config.set(SharedJobOptions.BOOTSTRAP_SERVERS, bootstrap);
        LocalKafka.createTopics(
                bootstrap,
                List.of(
                        config.get(SharedJobOptions.PREDICTIONS_TOPIC),
                        config.get(DriftJobOptions.FEATURES_TOPIC),
                        config.get(PerformanceJobOptions.LABELS_TOPIC),
                        config.get(SharedJobOptions.REFERENCE_PROFILES_TOPIC),
                        config.get(SharedJobOptions.ALERTS_TOPIC),
                        config.get(SharedJobOptions.DEAD_LETTERS_TOPIC),
                        config.get(InferenceLogOptions.INFERENCE_LOGS_TOPIC),
                        config.get(InferenceLogOptions.INPUT_SCHEMAS_TOPIC)),
                Set.of(
                        config.get(SharedJobOptions.REFERENCE_PROFILES_TOPIC),
                        config.get(InferenceLogOptions.INPUT_SCHEMAS_TOPIC)));

        DataSource database;
        if (config.contains(SharedJobOptions.JDBC_URL)) {
            database = externalDatabase(config);
        } else {
            Path data = dataDir.resolve("postgres");
            progress(out, "starting PostgreSQL (embedded, data in " + data + ")...");
            postgres = started(LocalPostgres.start(data, address, notices));
            listening(
                    "PostgreSQL (password in " + LocalPostgres.passwordFile(data) + ")",
                    address.clientHostInUri() + ":" + postgres.port());
            config.set(SharedJobOptions.JDBC_URL, postgres.jdbcUrl());
            config.set(SharedJobOptions.JDBC_USER, postgres.user());
            config.set(SharedJobOptions.JDBC_PASSWORD, postgres.password());
            database = postgres.dataSource();
        }

        progress(out, "starting the registry...");
        String adminToken = adminToken();
        RegistryServer registry =
                started(
                        RegistryServer.start(
                                RegistryConfig.defaults()
                                        .withHost(address.bindHost())
                                        .withPort(settings.registryPort())
                                        .withAdminToken(adminToken)
                                        .withKafka(bootstrap)
                                        .withDeadLettersTopic(
                                                config.get(SharedJobOptions.DEAD_LETTERS_TOPIC)),
                                database,
                                RetrainSettings.with(
                                                new LocalProcessBackend(dataDir.resolve("runs")))
                                        .withTemplates(DemoTrainer.templates(bootstrap))));
        listening("registry", address.clientHostInUri() + ":" + registry.port());

        progress(out, "starting the ingest endpoint...");
        String ingestToken = newToken("dwi_");
        IngestServer ingest =
                started(
                        IngestServer.start(
                                IngestConfig.defaults()
                                        .withHost(address.bindHost())
                                        .withPort(0)
                                        .withKafka(bootstrap)
                                        .withTopic(
                                                config.get(
                                                        InferenceLogOptions.INFERENCE_LOGS_TOPIC))
                                        .withTokens(List.of(ingestToken))));
        listening("ingest endpoint", address.clientHostInUri() + ":" + ingest.port());
        if (!config.contains(InferenceLogOptions.INFERENCE_LOGS)) {
            config.set(InferenceLogOptions.INFERENCE_LOGS, List.of(InferenceLogOptions.KSERVE));
        }

        if (cluster != null) {
            startCluster(settings, cluster, pids, out);
            finish(settings, config, adminToken, registry, ingest, ingestToken, out);
            return;
        }
        LocalFlink.secure(config, address);
        LocalFlink.retainCheckpoints(config);
        Path checkpoints = dataDir.resolve(LocalFlink.CHECKPOINTS);
        Optional<Path> resumed = LocalFlink.latestCheckpoint(checkpoints);
        if (resumed.isPresent()) {
            progress(
                    out,
                    "starting the drift and performance jobs from checkpoint "
                            + resumed.get()
                            + "...");
            LocalFlink.resumeFrom(config, resumed.get());
            LocalFlink.deleteOlderRuns(checkpoints, resumed.get());
        } else {
            progress(out, "starting the drift and performance jobs...");
        }
        JobClient job =
                LocalJobs.start(config, dataDir, settings.webUiPort(), LocalJobs.Pipelines.BOTH);
        started(() -> job.cancel().get());
        String webUi = "http://" + address.clientHostInUri() + ":" + settings.webUiPort();
        awaitRunning(
                "http://"
                        + (address.isWildcard()
                                ? ListenAddress.LOOPBACK.bindHost()
                                : address.clientHostInUri())
                        + ":"
                        + settings.webUiPort());
        listening(
                "Flink web UI and REST API (read-only: no submission, no cancel)",
                address.clientHostInUri() + ":" + settings.webUiPort());

        endpoints =
                new Endpoints(
                        bootstrap,
                        config.get(SharedJobOptions.JDBC_URL),
                        config.get(SharedJobOptions.JDBC_USER),
                        config.get(SharedJobOptions.JDBC_PASSWORD),
                        webUi,
                        registry.url(),
                        adminToken,
                        ingest.url(),
                        ingestToken,
                        null);
        Path file = endpoints.writeTo(dataDir);
        printSummary(out, config, "job " + job.getJobID(), file);
        if (!address.isLoopback()) {
            warnExposed(out, address);
        }
    }

    /**
     * Cluster mode: the Flink cluster's processes, then both jobs submitted as the thin job jar.
     */
    private void startCluster(Settings settings, Cluster cluster, Path pids, PrintWriter out)
            throws Exception {
        Path flinkHome = dataDir.resolve("flink");
        progress(
                out,
                "starting the Flink cluster (a JobManager and "
                        + cluster.taskManagers()
                        + " TaskManager processes, logs in "
                        + flinkHome.resolve("log")
                        + ")...");
        flinkCluster =
                started(
                        FlinkCluster.start(
                                new FlinkCluster.Options(
                                        flinkHome,
                                        dataDir.resolve(LocalFlink.CHECKPOINTS),
                                        dataDir.resolve(SAVEPOINTS),
                                        pids,
                                        settings.webUiPort(),
                                        cluster.taskManagers())));
        progress(
                out,
                "submitting the drift and performance jobs ("
                        + cluster.jobJar()
                        + ", parallelism "
                        + cluster.parallelism()
                        + ")...");
        clusterJobs =
                started(
                        ClusterJobs.submit(
                                flinkCluster.rest(),
                                cluster.jobJar(),
                                settings.jobs(),
                                cluster.parallelism(),
                                dataDir,
                                notice -> progress(out, notice)));
        // not opened by --bind-address: the REST API takes jar uploads, so it stays on loopback
        listening(
                "Flink web UI and REST API (127.0.0.1 only, whatever --bind-address says: it"
                        + " takes jar uploads)",
                ListenAddress.LOOPBACK.bindHost() + ":" + settings.webUiPort());
    }

    /** Cluster mode: endpoints.json with the TaskManagers' pids, and the summary. */
    private void finish(
            Settings settings,
            Configuration config,
            String adminToken,
            RegistryServer registry,
            IngestServer ingest,
            String ingestToken,
            PrintWriter out)
            throws IOException {
        endpoints =
                new Endpoints(
                        config.get(SharedJobOptions.BOOTSTRAP_SERVERS),
                        config.get(SharedJobOptions.JDBC_URL),
                        config.get(SharedJobOptions.JDBC_USER),
                        config.get(SharedJobOptions.JDBC_PASSWORD),
                        flinkCluster.webUi(),
                        registry.url(),
                        adminToken,
                        ingest.url(),
                        ingestToken,
                        flinkCluster.taskManagerPids());
        Path file = endpoints.writeTo(dataDir);
        printSummary(
                out,
                config,
                "jobs "
                        + String.join(", ", clusterJobs.jobIds())
                        + "; TaskManager pids "
                        + flinkCluster.taskManagerPids(),
                file);
        if (!settings.bindAddress().isLoopback()) {
            warnExposed(out, settings.bindAddress());
        }
    }

    /** Cluster mode: the Kafka broker process (null otherwise). */
    public KafkaProcess kafkaProcess() {
        return kafkaProcess;
    }

    /** The embedded PostgreSQL (null when the jobs' options name another server). */
    public LocalPostgres postgres() {
        return postgres;
    }

    /** Cluster mode: the Flink cluster's processes (null otherwise). */
    public FlinkCluster flinkCluster() {
        return flinkCluster;
    }

    /** Cluster mode: the jobs on the Flink cluster (null otherwise). */
    public ClusterJobs clusterJobs() {
        return clusterJobs;
    }

    /** Rewrites {@code endpoints.json} with the TaskManagers alive now (after one was replaced). */
    public void rewriteEndpoints() throws IOException {
        Endpoints e = endpoints;
        endpoints =
                new Endpoints(
                        e.kafkaBootstrapServers(),
                        e.jdbcUrl(),
                        e.jdbcUser(),
                        e.jdbcPassword(),
                        e.flinkWebUi(),
                        e.registryUrl(),
                        e.adminToken(),
                        e.ingestUrl(),
                        e.ingestToken(),
                        flinkCluster == null ? null : flinkCluster.taskManagerPids());
        endpoints.writeTo(dataDir);
    }

    /** Where each part listens, in the order they started. */
    public List<Listener> listeners() {
        return List.copyOf(listeners);
    }

    private void listening(String part, String hostAndPort) {
        listeners.add(new Listener(part, hostAndPort));
    }

    /** The warning of {@code --bind-address}: every listener that other machines can now reach. */
    private void warnExposed(PrintWriter out, ListenAddress address) {
        out.println(
                "driftwatch: WARNING: --bind-address "
                        + address
                        + " opens the stack to the network: other machines can reach");
        for (Listener l : listeners) {
            out.println("driftwatch: WARNING:   " + l.part() + " at " + l.address());
        }
        out.println(
                "driftwatch: WARNING: Kafka takes records from anyone who reaches it (no"
                        + " authentication); use it on a trusted network only");
        out.flush();
    }

    /** Where each part answers (also in {@code DIR/endpoints.json}). */
    public Endpoints endpoints() {
        return endpoints;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Stops the parts in the reverse order of their start; keeps going past failures. */
    @Override
    public void close() {
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            } catch (Exception ignored) {
                // stopping anyway: the next part must stop too
            }
        }
    }

    private <T extends AutoCloseable> T started(T part) {
        started.push(part);
        return part;
    }

    private static void progress(PrintWriter out, String message) {
        out.println("driftwatch: " + message);
        out.flush();
    }

    private void printSummary(PrintWriter out, Configuration config, String jobs, Path file) {
        out.println();
        out.println("  Kafka:        " + endpoints.kafkaBootstrapServers());
        out.println(
                "  PostgreSQL:   " + endpoints.jdbcUrl() + " (user " + endpoints.jdbcUser() + ")");
        out.println("  Flink web UI: " + endpoints.flinkWebUi() + " (" + jobs + ")");
        out.println(
                "  Registry:     " + endpoints.registryUrl() + " (admin token in endpoints.json)");
        out.println(
                "  Console:      "
                        + endpoints.registryUrl()
                        + "/ui (log in with a registry token)");
        out.println(
                "  Ingest:       " + endpoints.ingestUrl() + " (ingest token in endpoints.json)");
        out.println("  Endpoints:    " + file.toAbsolutePath());
        out.println();
        out.println(
                "  Send events:  bin/driftwatch produce --topic "
                        + config.get(SharedJobOptions.PREDICTIONS_TOPIC)
                        + " --file events.jsonl --bootstrap-servers "
                        + endpoints.kafkaBootstrapServers());
        out.println(
                "  Baseline:     bin/driftwatch publish-profile --file profile.json"
                        + " --bootstrap-servers "
                        + endpoints.kafkaBootstrapServers());
        out.println(
                "  Metrics SQL:  SELECT * FROM drift_metrics ORDER BY window_start DESC LIMIT 20;");
        out.flush();
    }

    /** DRIFTWATCH_ADMIN_TOKEN when set, else a fresh random token for this local stack only. */
    private static String adminToken() {
        String fromEnv = System.getenv("DRIFTWATCH_ADMIN_TOKEN");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv;
        }
        return newToken("dw_");
    }

    /** A fresh random token for this local stack only. */
    private static String newToken(String prefix) {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static DataSource externalDatabase(Configuration config) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(config.get(SharedJobOptions.JDBC_URL));
        ds.setUser(config.get(SharedJobOptions.JDBC_USER));
        ds.setPassword(config.get(SharedJobOptions.JDBC_PASSWORD));
        return ds;
    }

    /** Waits until the Flink REST API lists the job as RUNNING. */
    private static void awaitRunning(String webUi) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                HttpResponse<String> r =
                        http.send(
                                HttpRequest.newBuilder(URI.create(webUi + "/jobs/overview"))
                                        .timeout(Duration.ofSeconds(2))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().contains("RUNNING")) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "the Flink web UI did not answer at " + webUi + " within 60 s");
            }
            Thread.sleep(250);
        }
    }
}
