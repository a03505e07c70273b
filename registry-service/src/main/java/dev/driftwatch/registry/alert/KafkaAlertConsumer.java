package dev.driftwatch.registry.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.driftwatch.core.alert.Alert;
import dev.driftwatch.registry.RegistryException;
import dev.driftwatch.registry.db.DatabaseErrors;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds {@code driftwatch.alerts} into the same {@link AlertIntake} as HTTP, and never stops on a
 * record. A record that fails for its own data (not JSON, not an alert, a tombstone, a value the
 * database refuses: a NUL character, a timestamp out of range, a label too long for its index) is
 * skipped: counted in {@code driftwatch_registry_alert_records_skipped_total{reason}} and logged in
 * one line (topic, partition, offset, reason; no record content). A database outage (connection
 * failure, SQLState class 08, 53 or 57P) is retried with exponential backoff ({@link #RETRY_BASE}
 * doubling up to {@link #RETRY_MAX}) from the record that met it, counted in {@code
 * driftwatch_registry_alert_consumer_outages_total}: offsets are committed only past records that
 * were stored or skipped, so nothing is lost (the intake is idempotent, so nothing is stored
 * twice).
 *
 * <pre>{@code
 * KafkaAlertConsumer c = new KafkaAlertConsumer("localhost:9092", "driftwatch.alerts", intake, meters);
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

    private final KafkaConsumer<String, String> consumer;
    private final String topic;
    private final AlertIntake intake;
    private final MeterRegistry meters;
    private final Counter outages;
    private final Thread thread;
    private final CountDownLatch closing = new CountDownLatch(1);
    private volatile boolean running = true;

    public KafkaAlertConsumer(
            String bootstrapServers, String topic, AlertIntake intake, MeterRegistry meters) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "driftwatch-registry-alerts");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
        this.topic = topic;
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
                ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(500));
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
        }
    }

    /**
     * Stores or skips each record in order and commits past them. On a database outage, commits
     * past what was done, rewinds every partition of the batch to its first record not done and
     * returns false (the caller waits, the next poll reads those records again).
     */
    private boolean consumeBatch(ConsumerRecords<String, String> records) {
        Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
        for (TopicPartition tp : records.partitions()) {
            for (ConsumerRecord<String, String> r : records.records(tp)) {
                if (!handle(r)) {
                    rewind(records, done);
                    commit(done);
                    return false;
                }
                done.put(tp, new OffsetAndMetadata(r.offset() + 1));
            }
        }
        commit(done);
        return true;
    }

    private void rewind(
            ConsumerRecords<String, String> records, Map<TopicPartition, OffsetAndMetadata> done) {
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

    /** Stores or skips one record; false when the database is unavailable (try it again). */
    private boolean handle(ConsumerRecord<String, String> r) {
        if (r.value() == null) {
            skip(r, "tombstone", "a record without a value");
            return true;
        }
        List<Alert> alerts;
        try {
            JsonNode body = MAPPER.readTree(r.value());
            if (body == null || body.isMissingNode()) {
                skip(r, "not_json", "an empty record");
                return true;
            }
            alerts = AlertIntake.parse(body);
        } catch (IOException e) {
            skip(r, "not_json", "not JSON");
            return true;
        } catch (RegistryException e) {
            skip(r, "not_an_alert", e.getMessage());
            return true;
        } catch (RuntimeException e) {
            skip(r, "not_an_alert", e.getClass().getSimpleName());
            return true;
        }
        // each alert alone: one refused alert of an array does not lose the others; the ones
        // stored before an outage are duplicates (stored once) when the record is read again
        for (Alert a : alerts) {
            try {
                intake.receive(List.of(a), "kafka");
            } catch (RuntimeException e) {
                if (DatabaseErrors.isOutage(e)) {
                    outages.increment();
                    LOG.warn(
                            "database unavailable while storing {}-{}@{}, retrying: {}",
                            r.topic(),
                            r.partition(),
                            r.offset(),
                            DatabaseErrors.describe(e));
                    return false;
                }
                String why = DatabaseErrors.describe(e);
                skip(r, "refused_by_database", why != null ? why : e.getClass().getSimpleName());
            }
        }
        return true;
    }

    private void skip(ConsumerRecord<String, String> r, String reason, String detail) {
        Counter.builder("driftwatch_registry_alert_records_skipped")
                .description("records of the alerts topic skipped for their own data")
                .tag("reason", reason)
                .register(meters)
                .increment();
        LOG.warn(
                "skipping {}-{}@{}: {}: {}",
                r.topic(),
                r.partition(),
                r.offset(),
                reason,
                printable(detail));
    }

    /** At most 200 characters, control characters replaced: one log line, whatever the input. */
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
