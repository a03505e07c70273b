package dev.driftwatch.ingest;

import java.util.concurrent.CompletableFuture;

/**
 * Where accepted events go: the port between the HTTP endpoint and Kafka. {@link KafkaInferenceLog}
 * is the real one; tests pass small fakes.
 */
public interface InferenceLog extends AutoCloseable {
    /**
     * Appends one event. The future completes once the event is durably stored (for Kafka: acked by
     * all in-sync replicas), or exceptionally with a {@link LogWriteException}.
     */
    CompletableFuture<Void> append(CloudEvent event);

    @Override
    void close();
}
