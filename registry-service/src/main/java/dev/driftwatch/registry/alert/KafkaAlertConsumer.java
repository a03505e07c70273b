package dev.driftwatch.registry.alert;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.driftwatch.registry.RegistryException;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds {@code driftwatch.alerts} into the same {@link AlertIntake} as HTTP. Offsets are committed
 * after the batch is stored, so a crash re-reads rather than loses alerts (the intake is
 * idempotent). A record that is not an alert is logged and skipped.
 *
 * <pre>{@code
 * KafkaAlertConsumer c = new KafkaAlertConsumer("localhost:9092", "driftwatch.alerts", intake);
 * c.start();
 * }</pre>
 */
public final class KafkaAlertConsumer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaAlertConsumer.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final KafkaConsumer<String, String> consumer;
    private final String topic;
    private final AlertIntake intake;
    private final Thread thread;
    private volatile boolean running = true;

    public KafkaAlertConsumer(String bootstrapServers, String topic, AlertIntake intake) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "driftwatch-registry-alerts");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
        this.topic = topic;
        this.intake = intake;
        this.thread = new Thread(this::run, "driftwatch-alert-consumer");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    private void run() {
        try {
            consumer.subscribe(List.of(topic));
            while (running) {
                ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(500));
                for (ConsumerRecord<String, String> r : records) {
                    handle(r);
                }
                if (!records.isEmpty()) {
                    consumer.commitSync();
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("alert consumer stopped: {}", e.toString());
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void handle(ConsumerRecord<String, String> r) {
        try {
            intake.receive(AlertIntake.parse(MAPPER.readTree(r.value())), "kafka");
        } catch (RegistryException | java.io.IOException e) {
            LOG.warn(
                    "skipping {}-{}@{}: not an alert: {}",
                    r.topic(),
                    r.partition(),
                    r.offset(),
                    e.getMessage());
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
