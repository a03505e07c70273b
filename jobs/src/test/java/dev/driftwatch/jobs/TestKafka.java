package dev.driftwatch.jobs;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/** One real in-process KRaft broker per test JVM (Kafka's own test kit). */
public final class TestKafka {
    private static KafkaClusterTestKit cluster;

    private TestKafka() {}

    public static synchronized String bootstrapServers() throws Exception {
        if (cluster == null) {
            cluster =
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
            Runtime.getRuntime()
                    .addShutdownHook(
                            new Thread(
                                    () -> {
                                        try {
                                            cluster.close();
                                        } catch (Exception ignored) {
                                            // the JVM is exiting
                                        }
                                    }));
        }
        return cluster.bootstrapServers();
    }

    /** Creates topics with a unique suffix and returns their names, in order. */
    public static List<String> createTopics(String... names) throws Exception {
        return createTopics(1, names);
    }

    /** Creates topics of {@code partitions} partitions with a unique suffix. */
    public static List<String> createTopics(int partitions, String... names) throws Exception {
        String suffix = "-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> created = new ArrayList<>();
        List<NewTopic> topics = new ArrayList<>();
        for (String n : names) {
            created.add(n + suffix);
            topics.add(new NewTopic(n + suffix, partitions, (short) 1));
        }
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers()))) {
            admin.createTopics(topics).all().get();
            // produce only once every partition has a leader (else the first sends are retried)
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (true) {
                boolean ready;
                try {
                    ready =
                            admin.describeTopics(created).allTopicNames().get().values().stream()
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
        return created;
    }

    public static void produce(String topic, Collection<byte[]> values) throws Exception {
        produce(topic, null, values);
    }

    /** Produces to one partition ({@code null}: the producer's choice). */
    public static void produce(String topic, Integer partition, Collection<byte[]> values)
            throws Exception {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (byte[] v : values) {
            records.add(new ProducerRecord<>(topic, partition, null, v));
        }
        produce(records);
    }

    /** Produces records in their order, with one producer. */
    public static void produce(List<ProducerRecord<byte[], byte[]>> records) throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrapServers());
        p.put("enable.idempotence", "true");
        p.put("acks", "all");
        p.put("max.in.flight.requests.per.connection", "1");
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
            for (ProducerRecord<byte[], byte[]> r : records) {
                sent.add(producer.send(r));
            }
            producer.flush();
            for (java.util.concurrent.Future<?> f : sent) {
                f.get(); // a failed send fails the test instead of silently dropping events
            }
        }
    }

    /** Reads every committed record of a topic (read_committed), waiting up to {@code wait}. */
    public static List<ConsumerRecord<byte[], byte[]>> readAll(
            String topic, int expected, Duration wait) throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrapServers());
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
