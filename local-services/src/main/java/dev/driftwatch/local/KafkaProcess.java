package dev.driftwatch.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.function.Consumer;

/**
 * A real Kafka broker as a separate process: Kafka's own {@code kafka.Kafka} main class with the
 * {@code server.properties} that {@link LocalKafka} writes (KRaft, one combined broker/controller
 * node, the log in {@code home/log}, formatted at first use), on this program's classpath. Its
 * output goes to {@code home/kafka.log}, its pid to {@code pidDir/kafka.pid}. {@link #restart()}
 * stops it cleanly and starts it again on the same ports and log.
 *
 * <pre>{@code
 * try (KafkaProcess kafka = KafkaProcess.start(Path.of("data/kafka"), ListenAddress.LOOPBACK, pids, System.err::println)) {
 *     LocalKafka.createTopics(kafka.bootstrapServers(), List.of("driftwatch.predictions"), Set.of());
 * }
 * }</pre>
 */
public final class KafkaProcess implements AutoCloseable {
    private static final String MAIN_CLASS = "kafka.Kafka";
    private static final Duration READY_WITHIN = Duration.ofSeconds(120);

    private final Path home;
    private final Path pidDir;
    private final String bootstrapServers;
    private JavaProcess process;

    private KafkaProcess(Path home, Path pidDir, String bootstrapServers) {
        this.home = home;
        this.pidDir = pidDir;
        this.bootstrapServers = bootstrapServers;
    }

    /**
     * Writes {@code home/server.properties} (the client listener on {@code address}, the ports of
     * the previous start when free), formats {@code home/log} at first use, starts the broker
     * process and waits until it answers.
     */
    public static KafkaProcess start(
            Path home, ListenAddress address, Path pidDir, Consumer<String> notices)
            throws Exception {
        Properties props = LocalKafka.prepare(home, address, notices);
        int clientPort = LocalKafka.port(props, "driftwatch.client.port");
        KafkaProcess kafka =
                new KafkaProcess(home, pidDir, address.clientHostInUri() + ":" + clientPort);
        kafka.launch();
        return kafka;
    }

    private void launch() throws Exception {
        process =
                JavaProcess.start(
                        "kafka",
                        List.of("-Xms256m", "-Xmx512m"),
                        MAIN_CLASS,
                        List.of(home.resolve("server.properties").toAbsolutePath().toString()),
                        pidDir,
                        home.resolve("kafka.log").toAbsolutePath());
        try {
            LocalKafka.awaitReady(bootstrapServers, READY_WITHIN);
        } catch (Exception | Error e) {
            String tail = process.logTail(20);
            process.close();
            throw new IllegalStateException(
                    "the Kafka broker process did not start; the end of "
                            + process.log()
                            + ":\n"
                            + tail,
                    e);
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public long pid() {
        return process.pid();
    }

    /** Stops the broker cleanly (SIGTERM) and starts it again on the same ports and log. */
    public void restart() throws Exception {
        process.close();
        launch();
    }

    /** Stops the broker (SIGTERM: a clean shutdown, so the next start needs no log recovery). */
    @Override
    public void close() throws Exception {
        process.close();
    }
}
