package dev.driftwatch.local;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.utils.Time;

/**
 * A real Kafka broker (KRaft, one combined broker/controller node) running in this process, from
 * Kafka's own server classes ({@code KafkaRaftServer}, formatted by {@code StorageTool} as {@code
 * kafka-storage.sh format} does), so the local stack and the tests need no installed Kafka.
 *
 * <p>Its home directory holds {@code server.properties} (written at every start: what a {@code
 * kafka.Kafka} process would run) and {@code log/}, the topics and the metadata log, kept across
 * restarts. The client listener binds the given {@link ListenAddress}, the controller listener
 * 127.0.0.1 always; the client port of the previous start is taken again when it is free, so
 * producers configured for it keep working.
 *
 * <pre>{@code
 * try (LocalKafka kafka = LocalKafka.start(Path.of("data/kafka"), ListenAddress.LOOPBACK, System.err::println)) {
 *     LocalKafka.createTopics(kafka.bootstrapServers(), List.of("driftwatch.predictions"), Set.of());
 * }
 * }</pre>
 */
public final class LocalKafka implements AutoCloseable {
    private static final int NODE_ID = 1;
    private static final String CLIENT_LISTENER = "PLAINTEXT";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";

    /** What Kafka writes in a log directory when it stopped cleanly. */
    private static final String CLEAN_SHUTDOWN_FILE = ".kafka_cleanshutdown";

    private final KafkaRaftServer server;
    private final String bootstrapServers;
    private final Path home;
    private final boolean deleteOnClose;

    private LocalKafka(
            KafkaRaftServer server, String bootstrapServers, Path home, boolean deleteOnClose) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
        this.home = home;
        this.deleteOnClose = deleteOnClose;
    }

    /** Starts a broker on 127.0.0.1 whose data lives in {@code home}, kept across restarts. */
    public static LocalKafka start(Path home) throws Exception {
        return start(home, ListenAddress.LOOPBACK, notice -> {});
    }

    /**
     * Starts a broker whose data lives in {@code home} (formatted at first use, kept across
     * restarts), its client listener on {@code address}; {@code notices} gets one line for what a
     * user should know (a log that was not closed cleanly is recovered).
     *
     * @throws DirectoryInUseException when a running broker uses {@code home}
     */
    public static LocalKafka start(Path home, ListenAddress address, Consumer<String> notices)
            throws Exception {
        return start(home, address, notices, false);
    }

    /**
     * Starts a broker on 127.0.0.1 in a new temporary directory, deleted when the broker has
     * stopped (not by a JVM exit hook of its own, which could delete it under a broker still
     * running).
     */
    public static LocalKafka startTemporary() throws Exception {
        return start(
                Files.createTempDirectory("driftwatch-kafka-"),
                ListenAddress.LOOPBACK,
                notice -> {},
                true);
    }

    private static LocalKafka start(
            Path home, ListenAddress address, Consumer<String> notices, boolean deleteOnClose)
            throws Exception {
        Properties props = prepare(home, address, notices);
        int clientPort = port(props, "driftwatch.client.port");
        Properties config = new Properties();
        props.forEach(
                (k, v) -> {
                    if (!k.toString().startsWith("driftwatch.")) {
                        config.put(k, v);
                    }
                });
        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(config), Time.SYSTEM);
        String bootstrap = address.clientHostInUri() + ":" + clientPort;
        LocalKafka kafka = new LocalKafka(server, bootstrap, home, deleteOnClose);
        try {
            server.startup();
            awaitReady(bootstrap, Duration.ofSeconds(120));
        } catch (Exception | Error e) {
            kafka.close();
            throw e;
        }
        return kafka;
    }

    /**
     * Prepares {@code home} for a broker, in-process or as a process: checks that no running broker
     * uses its log, says when the log was not closed cleanly, writes {@code home/server.properties}
     * (the ports of the previous start when free) and formats the log at first use. Returns the
     * properties written.
     */
    static Properties prepare(Path home, ListenAddress address, Consumer<String> notices)
            throws Exception {
        Path log = home.resolve("log").toAbsolutePath();
        Files.createDirectories(log);
        DirectoryInUseException.requireFree(log.resolve(".lock"), "the Kafka log");
        boolean formatted = Files.exists(log.resolve("meta.properties"));
        if (formatted && !Files.exists(log.resolve(CLEAN_SHUTDOWN_FILE))) {
            notices.accept(
                    "Kafka: the log in "
                            + log
                            + " was not closed cleanly (the previous run was killed); Kafka"
                            + " recovers it");
        }
        Path propertiesFile = home.resolve("server.properties").toAbsolutePath();
        Properties previous = read(propertiesFile);
        int clientPort = freePort(address, port(previous, "driftwatch.client.port"));
        int controllerPort =
                freePort(ListenAddress.LOOPBACK, port(previous, "driftwatch.controller.port"));
        Properties props = serverProperties(log, address, clientPort, controllerPort);
        writeProperties(propertiesFile, props);
        if (!formatted) {
            format(propertiesFile);
        }
        return props;
    }

    /**
     * The broker's configuration: one combined node, the client listener on {@code address}
     * (advertised as {@link ListenAddress#clientHost()}), the controller on 127.0.0.1, replication
     * factor 1 for Kafka's internal topics.
     */
    static Properties serverProperties(
            Path log, ListenAddress address, int clientPort, int controllerPort) {
        String controller = ListenAddress.LOOPBACK.bindHost() + ":" + controllerPort;
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", Integer.toString(NODE_ID));
        p.setProperty("controller.quorum.voters", NODE_ID + "@" + controller);
        p.setProperty(
                "listeners",
                CLIENT_LISTENER
                        + "://"
                        + address.bindHostInUri()
                        + ":"
                        + clientPort
                        + ","
                        + CONTROLLER_LISTENER
                        + "://"
                        + controller);
        p.setProperty(
                "advertised.listeners",
                CLIENT_LISTENER + "://" + address.clientHostInUri() + ":" + clientPort);
        p.setProperty("controller.listener.names", CONTROLLER_LISTENER);
        p.setProperty(
                "listener.security.protocol.map",
                CLIENT_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        p.setProperty("inter.broker.listener.name", CLIENT_LISTENER);
        p.setProperty("log.dirs", log.toString());
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "1");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("transaction.state.log.num.partitions", "1");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        p.setProperty("auto.create.topics.enable", "true");
        // not Kafka's: the ports this start chose, taken again at the next start when free
        p.setProperty("driftwatch.client.port", Integer.toString(clientPort));
        p.setProperty("driftwatch.controller.port", Integer.toString(controllerPort));
        return p;
    }

    /** Formats the log directory as {@code kafka-storage.sh format} does, with a new cluster id. */
    private static void format(Path propertiesFile) {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int code;
        try (PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            code =
                    StorageTool.execute(
                            new String[] {
                                "format",
                                "--cluster-id",
                                Uuid.randomUuid().toString(),
                                "--config",
                                propertiesFile.toString(),
                                "--ignore-formatted"
                            },
                            out);
        }
        if (code != 0) {
            throw new IllegalStateException(
                    "cannot format the Kafka log: " + output.toString(StandardCharsets.UTF_8));
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /**
     * Creates the topics that do not exist yet (one partition each; {@code compacted} ones with
     * cleanup.policy=compact) and returns once every partition of them has a leader, so that the
     * first records sent are not retried.
     */
    public static void createTopics(
            String bootstrapServers, Collection<String> topics, Set<String> compacted)
            throws Exception {
        createTopics(bootstrapServers, topics, compacted, 1);
    }

    /** Creates the topics that do not exist yet with {@code partitions} partitions each. */
    public static void createTopics(
            String bootstrapServers,
            Collection<String> topics,
            Set<String> compacted,
            int partitions)
            throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> create = new ArrayList<>();
            for (String t : topics) {
                if (!existing.contains(t)) {
                    NewTopic nt = new NewTopic(t, partitions, (short) 1);
                    if (compacted.contains(t)) {
                        nt.configs(
                                Map.of(
                                        TopicConfig.CLEANUP_POLICY_CONFIG,
                                        TopicConfig.CLEANUP_POLICY_COMPACT));
                    }
                    create.add(nt);
                }
            }
            admin.createTopics(create).all().get();
            awaitLeaders(admin, topics);
        }
    }

    /** Waits until the broker at {@code bootstrapServers} answers and has registered. */
    static void awaitReady(String bootstrapServers, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin =
                Admin.create(
                        Map.of(
                                "bootstrap.servers", bootstrapServers,
                                "request.timeout.ms", "5000",
                                "default.api.timeout.ms", "10000"))) {
            while (true) {
                try {
                    if (!admin.describeCluster().nodes().get().isEmpty()) {
                        return;
                    }
                } catch (ExecutionException notYet) {
                    // not answering yet
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "the Kafka broker at "
                                    + bootstrapServers
                                    + " did not answer within "
                                    + timeout.toSeconds()
                                    + " s");
                }
                Thread.sleep(100);
            }
        }
    }

    private static void awaitLeaders(Admin admin, Collection<String> topics) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            boolean ready;
            try {
                ready =
                        admin.describeTopics(topics).allTopicNames().get().values().stream()
                                .allMatch(
                                        d ->
                                                d.partitions().stream()
                                                        .allMatch(p -> p.leader() != null));
            } catch (ExecutionException notYetKnown) {
                ready = false;
            }
            if (ready) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("topics " + topics + " have no leader after 30 s");
            }
            Thread.sleep(100);
        }
    }

    /** Stops the broker (a clean shutdown: the next start needs no log recovery). */
    @Override
    public void close() throws Exception {
        try {
            server.shutdown();
            server.awaitShutdown();
        } finally {
            if (deleteOnClose) {
                Directories.deleteRecursively(home);
            }
        }
    }

    /** A port free on {@code address}: {@code preferred} when it is, else one the OS picks. */
    private static int freePort(ListenAddress address, int preferred) throws IOException {
        if (preferred > 0) {
            try (ServerSocket s = new ServerSocket(preferred, 1, address.address())) {
                return s.getLocalPort();
            } catch (IOException taken) {
                // taken since: any free one
            }
        }
        try (ServerSocket s = new ServerSocket(0, 1, address.address())) {
            return s.getLocalPort();
        }
    }

    static int port(Properties p, String key) {
        try {
            return Integer.parseInt(p.getProperty(key, "0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static Properties read(Path file) {
        Properties p = new Properties();
        if (Files.exists(file)) {
            try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(in);
            } catch (IOException e) {
                // unreadable: start as if new
            }
        }
        return p;
    }

    private static void writeProperties(Path file, Properties p) throws IOException {
        StringBuilder text =
                new StringBuilder(
                        "# Written by Driftwatch at every start of its local Kafka broker"
                                + " (what kafka.Kafka would run).\n");
        p.stringPropertyNames().stream()
                .sorted()
                .forEach(k -> text.append(k).append('=').append(p.getProperty(k)).append('\n'));
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(text.toString().getBytes(StandardCharsets.UTF_8));
        }
    }
}
