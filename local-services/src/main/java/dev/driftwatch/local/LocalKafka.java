package dev.driftwatch.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real Kafka broker (KRaft, one combined broker/controller node) running in this process: Kafka's
 * own test kit, so the local stack and the tests need no installed Kafka. Its log lives in a fresh
 * directory (under the given one, or a temporary one) and is deleted on close.
 *
 * <pre>{@code
 * try (LocalKafka kafka = LocalKafka.start(Path.of("data/kafka"))) {
 *     LocalKafka.createTopics(kafka.bootstrapServers(), List.of("driftwatch.predictions"), Set.of());
 * }
 * }</pre>
 */
public final class LocalKafka implements AutoCloseable {
    private final KafkaClusterTestKit cluster;

    private LocalKafka(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    /** Starts a broker whose log is in a new directory under {@code baseDirectory}. */
    public static LocalKafka start(Path baseDirectory) throws Exception {
        Files.createDirectories(baseDirectory);
        return start(
                new TestKitNodes.Builder()
                        .setBaseDirectory(Files.createTempDirectory(baseDirectory, "kafka-")));
    }

    /**
     * Starts a broker whose log is in a new temporary directory, deleted when the broker has
     * stopped (not by a JVM exit hook of its own, which could delete it under a broker still
     * running).
     */
    public static LocalKafka startTemporary() throws Exception {
        return start(
                new TestKitNodes.Builder()
                        .setBaseDirectory(Files.createTempDirectory("driftwatch-kafka-")));
    }

    private static LocalKafka start(TestKitNodes.Builder nodes) throws Exception {
        KafkaClusterTestKit cluster =
                new KafkaClusterTestKit.Builder(
                                nodes.setCombined(true)
                                        .setNumBrokerNodes(1)
                                        .setNumControllerNodes(1)
                                        .build())
                        .setConfigProp("offsets.topic.replication.factor", "1")
                        .setConfigProp("transaction.state.log.replication.factor", "1")
                        .setConfigProp("transaction.state.log.min.isr", "1")
                        .setConfigProp("group.initial.rebalance.delay.ms", "0")
                        .setConfigProp("auto.create.topics.enable", "true")
                        .setDeleteOnClose(true)
                        .build();
        try {
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
        } catch (Exception e) {
            cluster.close();
            throw e;
        }
        return new LocalKafka(cluster);
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers();
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

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
