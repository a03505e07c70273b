package dev.driftwatch.ingest;

import dev.driftwatch.ingest.formats.CloudEventsKafka;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.BufferExhaustedException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes events to the raw inference-log topic in the CloudEvents Kafka binding's binary mode
 * ({@link CloudEventsKafka}): key = event id, value = data, {@code ce_<name>} headers, {@code
 * content-type}. The producer is idempotent with {@code acks=all}; its delivery timeout bounds how
 * long an append may take, its {@code max.block.ms} how long handing over may block.
 *
 * <p>Events of one id (a request and its response) share a key, hence a partition, so a consumer
 * sees them in the order they were accepted.
 */
public final class KafkaInferenceLog implements InferenceLog {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaInferenceLog.class);
    private static final int LINGER_MS = 5;
    private static final int HEADER_HEADROOM = 64 << 10;

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final AtomicBoolean failing = new AtomicBoolean();

    public KafkaInferenceLog(IngestConfig config) {
        this.topic = config.topic();
        this.producer =
                new KafkaProducer<>(
                        producerProperties(config),
                        new ByteArraySerializer(),
                        new ByteArraySerializer());
    }

    /** The producer settings the endpoint's guarantees rest on, then the configured extras. */
    static Properties producerProperties(IngestConfig config) {
        long ackMs = config.ackTimeout().toMillis();
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "driftwatch-ingest");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
        p.put(ProducerConfig.LINGER_MS_CONFIG, String.valueOf(LINGER_MS));
        // delivery.timeout.ms must be at least linger.ms + request.timeout.ms
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(ackMs));
        p.put(
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                String.valueOf(Math.max(50, Math.min(30_000, ackMs - LINGER_MS))));
        p.put(
                ProducerConfig.MAX_BLOCK_MS_CONFIG,
                String.valueOf(config.sendBlockTimeout().toMillis()));
        p.put(
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                String.valueOf(config.maxRequestBytes() + HEADER_HEADROOM));
        p.put(
                ProducerConfig.BUFFER_MEMORY_CONFIG,
                String.valueOf(Math.max(32L << 20, 2 * config.maxInFlightBytes())));
        for (Map.Entry<String, String> e : config.producerProperties().entrySet()) {
            p.put(e.getKey(), e.getValue());
        }
        return p;
    }

    /** The Kafka record of an event (binary mode of the CloudEvents Kafka binding). */
    static ProducerRecord<byte[], byte[]> record(String topic, CloudEvent event) {
        List<Header> headers = new ArrayList<>(event.attributes().size() + 1);
        for (Map.Entry<String, String> a : event.attributes().entrySet()) {
            headers.add(
                    new RecordHeader(
                            CloudEventsKafka.header(a.getKey()),
                            a.getValue().getBytes(StandardCharsets.UTF_8)));
        }
        if (event.dataContentType() != null) {
            headers.add(
                    new RecordHeader(
                            CloudEventsKafka.CONTENT_TYPE_HEADER,
                            event.dataContentType().getBytes(StandardCharsets.UTF_8)));
        }
        return new ProducerRecord<>(
                topic, null, event.id().getBytes(StandardCharsets.UTF_8), event.data(), headers);
    }

    @Override
    public CompletableFuture<Void> append(CloudEvent event) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            producer.send(
                    record(topic, event),
                    (metadata, error) -> {
                        if (error == null) {
                            if (failing.compareAndSet(true, false)) {
                                LOG.info("writing to topic {} works again", topic);
                            }
                            done.complete(null);
                        } else {
                            done.completeExceptionally(failure(error));
                        }
                    });
        } catch (RuntimeException e) {
            // a closed producer or an interrupted send: the callback is not called
            done.completeExceptionally(failure(e));
        }
        return done;
    }

    private LogWriteException failure(Exception error) {
        LogWriteException failure = classify(error);
        // one log line when writing starts failing, not one per request
        if (failure.kind() == LogWriteException.Kind.UNAVAILABLE
                && failing.compareAndSet(false, true)) {
            LOG.warn(
                    "cannot write to topic {}: {}: {} (answering 503 until it works again)",
                    topic,
                    error.getClass().getSimpleName(),
                    error.getMessage());
        }
        return failure;
    }

    /** What a producer error means for the client: too large (413) or retry later (503). */
    static LogWriteException classify(Exception error) {
        if (error instanceof RecordTooLargeException) {
            return new LogWriteException(
                    LogWriteException.Kind.TOO_LARGE,
                    "the event is larger than the inference log accepts");
        }
        return new LogWriteException(
                LogWriteException.Kind.UNAVAILABLE,
                error instanceof BufferExhaustedException
                        ? "the inference log's buffer is full"
                        : "the inference log is unavailable");
    }

    @Override
    public void close() {
        producer.close(java.time.Duration.ofSeconds(5));
    }
}
