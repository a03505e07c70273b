package dev.driftwatch.registry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/** One real in-process KRaft broker per test JVM (Kafka's own test kit), started on first use. */
final class TestKafka {
    private static KafkaClusterTestKit cluster;

    private TestKafka() {}

    static synchronized String bootstrapServers() {
        if (cluster == null) {
            try {
                KafkaClusterTestKit c =
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
                                .setConfigProp("auto.create.topics.enable", "true")
                                .build();
                c.format();
                c.startup();
                c.waitForReadyBrokers();
                cluster = c;
                Runtime.getRuntime()
                        .addShutdownHook(
                                new Thread(
                                        () -> {
                                            try {
                                                c.close();
                                            } catch (Exception e) {
                                                // the JVM is exiting
                                            }
                                        }));
            } catch (Exception e) {
                throw new IllegalStateException("cannot start the test Kafka broker", e);
            }
        }
        return cluster.bootstrapServers();
    }

    /** Reads records from the start of {@code topic} until {@code count} arrived (or 30 s). */
    static List<ConsumerRecord<String, String>> read(String topic, int count) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (out.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }
}
