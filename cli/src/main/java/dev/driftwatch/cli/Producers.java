package dev.driftwatch.cli;

import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Kafka producers for the CLI: idempotent, acks=all, and opened only after {@link Preflight} found
 * the broker and the topic, so that a dead broker is reported as such and not as a missing topic.
 */
final class Producers {
    private Producers() {}

    /**
     * A producer for {@code topic} on the given brokers.
     *
     * @throws InputException when no broker answers or the topic does not exist
     */
    static KafkaProducer<byte[], byte[]> open(String bootstrapServers, String topic)
            throws InterruptedException {
        Preflight.requireTopic(bootstrapServers, topic);
        return new KafkaProducer<>(
                Map.of(
                        "bootstrap.servers", bootstrapServers,
                        "acks", "all",
                        "enable.idempotence", "true",
                        "max.block.ms", "15000",
                        "delivery.timeout.ms", "30000",
                        "request.timeout.ms", "10000"),
                new ByteArraySerializer(),
                new ByteArraySerializer());
    }
}
