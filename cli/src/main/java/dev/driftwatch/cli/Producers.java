package dev.driftwatch.cli;

import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Kafka producers for the CLI: idempotent, acks=all, failing fast when the broker is unreachable.
 */
final class Producers {
    private Producers() {}

    static KafkaProducer<byte[], byte[]> create(String bootstrapServers) {
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
