package dev.driftwatch.testsupport;

import dev.driftwatch.local.LocalKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * One real in-process KRaft broker per test JVM ({@link LocalKafka}), started on first use and
 * stopped when the JVM exits.
 *
 * <pre>{@code
 * List<String> topics = TestKafka.createTopics("predictions", "alerts"); // unique names
 * TestKafka.produce(topics.get(0), events);
 * }</pre>
 */
public final class TestKafka {
    private static LocalKafka broker;

    private TestKafka() {}

    public static synchronized String bootstrapServers() {
        if (broker == null) {
            try {
                LocalKafka started = LocalKafka.startTemporary();
                broker = started;
                Runtime.getRuntime()
                        .addShutdownHook(
                                new Thread(
                                        () -> {
                                            try {
                                                started.close();
                                            } catch (Exception ignored) {
                                                // the JVM is exiting
                                            }
                                        }));
            } catch (Exception e) {
                throw new IllegalStateException("cannot start the test Kafka broker", e);
            }
        }
        return broker.bootstrapServers();
    }

    /**
     * Creates topics named {@code name-<random suffix>}, so test classes do not see each other's
     * records, and returns their names in order once each has a leader.
     */
    public static List<String> createTopics(String... names) throws Exception {
        return createTopics(1, names);
    }

    /** Creates topics of {@code partitions} partitions each, named as {@link #createTopics}. */
    public static List<String> createTopics(int partitions, String... names) throws Exception {
        String suffix = "-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> created = new ArrayList<>();
        for (String n : names) {
            created.add(n + suffix);
        }
        LocalKafka.createTopics(bootstrapServers(), created, Set.of(), partitions);
        return created;
    }

    /**
     * Creates one topic named {@code name-<random suffix>} with topic-level {@code configs} (e.g.
     * {@code max.message.bytes}) and returns its name once every partition has a leader.
     */
    public static String createTopic(String name, int partitions, Map<String, String> configs)
            throws Exception {
        String topic = name + "-" + UUID.randomUUID().toString().substring(0, 8);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1).configs(configs)))
                    .all()
                    .get();
        }
        LocalKafka.createTopics(bootstrapServers(), List.of(topic), Set.of(), partitions);
        return topic;
    }

    /** Sends the values (no key) and waits until every one is acknowledged. */
    public static void produce(String topic, Collection<byte[]> values) throws Exception {
        produce(topic, null, values);
    }

    /** Sends the values to one partition ({@code null}: the producer's choice), in order. */
    public static void produce(String topic, Integer partition, Collection<byte[]> values)
            throws Exception {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (byte[] v : values) {
            records.add(new ProducerRecord<>(topic, partition, null, v));
        }
        produce(records);
    }

    /** Sends the records in their order with one producer and waits for every acknowledgement. */
    public static void produce(List<ProducerRecord<byte[], byte[]>> records) throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrapServers());
        p.put("enable.idempotence", "true");
        p.put("acks", "all");
        p.put("max.in.flight.requests.per.connection", "1");
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            List<Future<?>> sent = new ArrayList<>();
            for (ProducerRecord<byte[], byte[]> r : records) {
                sent.add(producer.send(r));
            }
            producer.flush();
            for (Future<?> f : sent) {
                f.get(); // a failed send fails the test instead of silently dropping events
            }
        }
    }

    /**
     * Reads the committed records of a topic from its start (read_committed) until {@code expected}
     * arrived or {@code wait} passed, then polls half a second more so that records beyond the
     * expected count (duplicates) show up too.
     */
    public static List<ConsumerRecord<byte[], byte[]>> readAll(
            String topic, int expected, Duration wait) {
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
            consumer.poll(Duration.ofMillis(500)).forEach(out::add);
        }
        return out;
    }

    /**
     * Reads records from the start of a topic as UTF-8 text until {@code count} arrived (or 30 s).
     */
    public static List<ConsumerRecord<String, String>> read(String topic, int count) {
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : readAll(topic, count, Duration.ofSeconds(30))) {
            out.add(
                    new ConsumerRecord<>(
                            r.topic(),
                            r.partition(),
                            r.offset(),
                            r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8),
                            r.value() == null
                                    ? null
                                    : new String(r.value(), StandardCharsets.UTF_8)));
        }
        return out;
    }
}
