package dev.driftwatch.registry.alert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.driftwatch.core.alert.Alert;
import dev.driftwatch.core.contract.DeadLetterRecord;
import dev.driftwatch.registry.RegistryException;
import dev.driftwatch.registry.db.DatabaseErrors;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds {@code driftwatch.alerts} into the same {@link AlertIntake} as HTTP, and never stops on a
 * record. A record that fails for its own data (not JSON, not an alert, a tombstone, a value the
 * database refuses: a NUL character, a timestamp out of range, a label too long for its index) is
 * written to the dead-letter topic ({@link DeadLetterRecord}: the reason, the source topic,
 * partition and offset, the original bytes) before its offset is committed, counted in {@code
 * driftwatch_registry_alert_records_dead_lettered_total{reason}} and logged in one line (topic,
 * partition, offset, reason; no record content). A database outage (connection failure, SQLState
 * class 08, 53 or 57P), or a dead letter Kafka does not take, is retried with exponential backoff
 * ({@link #RETRY_BASE} doubling up to {@link #RETRY_MAX}) from the record that met it (database
 * outages counted in {@code driftwatch_registry_alert_consumer_outages_total}): offsets are
 * committed only past records that were stored or dead-lettered, so nothing is lost (the intake is
 * idempotent, so nothing is stored twice).
 *
 * <pre>{@code
 * KafkaAlertConsumer c = new KafkaAlertConsumer(
 *         "localhost:9092", "driftwatch.alerts", "driftwatch.dead-letters", intake, meters);
 * c.start();
 * }</pre>
 */
public final class KafkaAlertConsumer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaAlertConsumer.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** The first wait after a database outage. */
    public static final Duration RETRY_BASE = Duration.ofMillis(200);

    /** The longest wait between two tries during a database outage. */
    public static final Duration RETRY_MAX = Duration.ofSeconds(30);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaProducer<byte[], byte[]> deadLetters;
    private final String topic;
    private final String deadLettersTopic;
    private final AlertIntake intake;
    private final MeterRegistry meters;
    private final Counter outages;
    private final Thread thread;
    private final CountDownLatch closing = new CountDownLatch(1);
    private volatile boolean running = true;

    public KafkaAlertConsumer(
            String bootstrapServers,
            String topic,
            String deadLettersTopic,
            AlertIntake intake,
            MeterRegistry meters) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "driftwatch-registry-alerts");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        this.consumer =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        Properties d = new Properties();
        d.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        d.put(ProducerConfig.ACKS_CONFIG, "all");
        d.put(ProducerConfig.CLIENT_ID_CONFIG, "driftwatch-registry-dead-letters");
        this.deadLetters =
                new KafkaProducer<>(d, new ByteArraySerializer(), new ByteArraySerializer());
        this.topic = topic;
        this.deadLettersTopic = deadLettersTopic;
        this.intake = intake;
        this.meters = meters;
        this.outages =
                Counter.builder("driftwatch_registry_alert_consumer_outages")
                        .description(
                                "database outages met by the Kafka alert consumer (each retried)")
                        .register(meters);
        this.thread = new Thread(this::run, "driftwatch-alert-consumer");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** Whether the consumer thread is alive (it ends only when closed). */
    public boolean isRunning() {
        return thread.isAlive();
    }

    private void run() {
        try {
            consumer.subscribe(List.of(topic));
            Duration backoff = RETRY_BASE;
            while (running) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
                if (records.isEmpty()) {
                    continue;
                }
                if (consumeBatch(records)) {
                    backoff = RETRY_BASE;
                } else {
                    if (closing.await(backoff.toMillis(), TimeUnit.MILLISECONDS)) {
                        return;
                    }
                    backoff = backoff.multipliedBy(2);
                    if (backoff.compareTo(RETRY_MAX) > 0) {
                        backoff = RETRY_MAX;
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // only Kafka itself can get here (a record's failures are handled per record)
            LOG.error("alert consumer stopped: {}", e.toString());
        } finally {
            consumer.close(Duration.ofSeconds(5));
            deadLetters.close(Duration.ofSeconds(5));
        }
    }

    /**
     * Stores or dead-letters each record in order and commits past them (at once past a record that
     * was dead-lettered, so that a restart does not write its dead letter again). On a database
     * outage, or a dead letter Kafka did not take, commits past what was done, rewinds every
     * partition of the batch to its first record not done and returns false (the caller waits, the
     * next poll reads those records again).
     */
    private boolean consumeBatch(ConsumerRecords<byte[], byte[]> records) {
        Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
        for (TopicPartition tp : records.partitions()) {
            for (ConsumerRecord<byte[], byte[]> r : records.records(tp)) {
                Handled h = handle(r);
                if (h == Handled.RETRY) {
                    rewind(records, done);
                    commit(done);
                    return false;
                }
                done.put(tp, new OffsetAndMetadata(r.offset() + 1));
                if (h == Handled.DEAD_LETTERED) {
                    commit(done);
                }
            }
        }
        commit(done);
        return true;
    }

    /** What became of a record. */
    private enum Handled {
        /** Its alerts are stored (or were already). */
        STORED,
        /** It is on the dead-letter topic (perhaps after some of its alerts were stored). */
        DEAD_LETTERED,
        /** Not done: the database or the dead-letter topic is unavailable; read it again. */
        RETRY
    }

    private void rewind(
            ConsumerRecords<byte[], byte[]> records, Map<TopicPartition, OffsetAndMetadata> done) {
        for (TopicPartition tp : records.partitions()) {
            OffsetAndMetadata next = done.get(tp);
            consumer.seek(tp, next != null ? next.offset() : records.records(tp).get(0).offset());
        }
    }

    private void commit(Map<TopicPartition, OffsetAndMetadata> done) {
        if (!done.isEmpty()) {
            consumer.commitSync(done);
        }
    }

    /** Stores or dead-letters one record. */
    private Handled handle(ConsumerRecord<byte[], byte[]> r) {
        if (r.value() == null) {
            return deadLetter(r, "tombstone", "a record without a value (tombstone)", null);
        }
        List<Alert> alerts;
        try {
            JsonNode body = MAPPER.readTree(r.value());
            if (body == null || body.isMissingNode()) {
                return deadLetter(r, "not_json", "not JSON: an empty record", null);
            }
            alerts = AlertIntake.parse(body);
        } catch (JsonProcessingException e) {
            return deadLetter(r, "not_json", "not JSON", e.getOriginalMessage());
        } catch (IOException e) {
            return deadLetter(r, "not_json", "not JSON", e.getClass().getSimpleName());
        } catch (RegistryException e) {
            return deadLetter(r, "not_an_alert", "not an alert: " + e.getMessage(), null);
        } catch (RuntimeException e) {
            return deadLetter(r, "not_an_alert", "not an alert", e.getClass().getSimpleName());
        }
        // each alert alone: one refused alert of an array does not lose the others; the ones
        // stored before an outage are duplicates (stored once) when the record is read again
        List<String> refused = new ArrayList<>();
        for (int i = 0; i < alerts.size(); i++) {
            try {
                intake.receive(List.of(alerts.get(i)), "kafka");
            } catch (RuntimeException e) {
                if (DatabaseErrors.isOutage(e)) {
                    outages.increment();
                    LOG.warn(
                            "database unavailable while storing {}-{}@{}, retrying: {}",
                            r.topic(),
                            r.partition(),
                            r.offset(),
                            DatabaseErrors.describe(e));
                    return Handled.RETRY;
                }
                String why = DatabaseErrors.describe(e);
                refused.add(
                        (alerts.size() > 1 ? "alert " + i + ": " : "")
                                + (why != null ? why : e.getClass().getSimpleName()));
            }
        }
        if (refused.isEmpty()) {
            return Handled.STORED;
        }
        return deadLetter(
                r,
                "refused_by_database",
                "refused by the database: " + String.join("; ", refused),
                null);
    }

    /**
     * Writes the record to the dead-letter topic with {@code reason} and {@code detail} (the
     * parser's words, which may quote the record: they go into the dead letter, never the log),
     * waits until Kafka has it, counts and logs it; {@link Handled#RETRY} when Kafka did not take
     * it.
     */
    private Handled deadLetter(
            ConsumerRecord<byte[], byte[]> r, String kind, String reason, String detail) {
        String full = printable(detail == null ? reason : reason + ": " + detail);
        ProducerRecord<byte[], byte[]> letter =
                new ProducerRecord<>(
                        deadLettersTopic,
                        null,
                        null,
                        DeadLetterRecord.json(
                                full, r.topic(), r.partition(), r.offset(), null, r.value()));
        letter.headers().add(DeadLetterRecord.REASON_HEADER, full.getBytes(StandardCharsets.UTF_8));
        try {
            deadLetters.send(letter).get();
        } catch (ExecutionException | RuntimeException e) {
            LOG.warn(
                    "could not write the dead letter of {}-{}@{} to {}, retrying: {}",
                    r.topic(),
                    r.partition(),
                    r.offset(),
                    deadLettersTopic,
                    e instanceof ExecutionException ? e.getCause() : e);
            return Handled.RETRY;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Handled.RETRY;
        }
        Counter.builder("driftwatch_registry_alert_records_dead_lettered")
                .description("records of the alerts topic written to the dead-letter topic")
                .tag("reason", kind)
                .register(meters)
                .increment();
        LOG.warn(
                "dead-lettered {}-{}@{} to {}: {}: {}",
                r.topic(),
                r.partition(),
                r.offset(),
                deadLettersTopic,
                kind,
                printable(reason));
        return Handled.DEAD_LETTERED;
    }

    /** At most 200 characters, control characters replaced: one line, whatever the input. */
    private static String printable(String s) {
        if (s == null) {
            return "";
        }
        String cut = s.length() > 200 ? s.substring(0, 200) + "..." : s;
        StringBuilder b = new StringBuilder(cut.length());
        for (int i = 0; i < cut.length(); i++) {
            char c = cut.charAt(i);
            b.append(Character.isISOControl(c) ? '?' : c);
        }
        return b.toString();
    }

    @Override
    public void close() {
        running = false;
        closing.countDown();
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
