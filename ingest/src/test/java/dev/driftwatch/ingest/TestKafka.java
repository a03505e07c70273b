package dev.driftwatch.ingest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * One real in-process KRaft broker per test JVM (Kafka's own test kit), and dedicated ones for
 * tests that stop their broker.
 */
final class TestKafka {
    private static KafkaClusterTestKit shared;

    private TestKafka() {}

    static synchronized String bootstrapServers() throws Exception {
        if (shared == null) {
            shared = newCluster();
            Runtime.getRuntime()
                    .addShutdownHook(
                            new Thread(
                                    () -> {
                                        try {
                                            shared.close();
                                        } catch (Exception ignored) {
                                            // the JVM is exiting
                                        }
                                    }));
        }
        return shared.bootstrapServers();
    }

    /** A started one-broker cluster of its own; the caller closes it. */
    static KafkaClusterTestKit newCluster() throws Exception {
        KafkaClusterTestKit cluster =
                new KafkaClusterTestKit.Builder(
                                new TestKitNodes.Builder()
                                        .setCombined(true)
                                        .setNumBrokerNodes(1)
                                        .setNumControllerNodes(1)
                                        .build())
                        .setConfigProp("offsets.topic.replication.factor", "1")
                        .setConfigProp("transaction.state.log.replication.factor", "1")
                        .setConfigProp("transaction.state.log.min.isr", "1")
                        .setConfigProp("group.initial.rebalance.delay.ms", "0")
                        .build();
        cluster.format();
        cluster.startup();
        cluster.waitForReadyBrokers();
        return cluster;
    }

    /**
     * Creates a topic with a unique suffix, waits until every partition has a leader, and returns
     * its name.
     */
    static String createTopic(
            String bootstrap, String name, int partitions, Map<String, String> configs)
            throws Exception {
        String topic = name + "-" + UUID.randomUUID().toString().substring(0, 8);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1).configs(configs)))
                    .all()
                    .get();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (true) {
                boolean ready;
                try {
                    ready =
                            admin
                                    .describeTopics(List.of(topic))
                                    .allTopicNames()
                                    .get()
                                    .values()
                                    .stream()
                                    .allMatch(
                                            d ->
                                                    d.partitions().stream()
                                                            .allMatch(p -> p.leader() != null));
                } catch (java.util.concurrent.ExecutionException notYetKnown) {
                    ready = false;
                }
                if (ready || System.nanoTime() > deadline) {
                    break;
                }
                Thread.sleep(100);
            }
        }
        return topic;
    }

    /** Reads every committed record of a topic (read_committed), waiting up to {@code wait}. */
    static List<ConsumerRecord<byte[], byte[]>> readAll(
            String bootstrap, String topic, int expected, Duration wait) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("group.id", "test-" + UUID.randomUUID());
        p.put("auto.offset.reset", "earliest");
        p.put("isolation.level", "read_committed");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + wait.toNanos();
            while (System.nanoTime() < deadline && out.size() < expected) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            // a short extra poll catches records beyond the expected count (duplicates)
            consumer.poll(Duration.ofMillis(500)).forEach(out::add);
        }
        return out;
    }
}
