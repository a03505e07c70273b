package dev.driftwatch.ingest;

import dev.driftwatch.ingest.formats.CloudEventsKafka;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Settings of the ingest endpoint.
 *
 * <pre>{@code
 * IngestConfig config = IngestConfig.defaults()
 *         .withKafka("localhost:9092")
 *         .withTokens(List.of(System.getenv("DRIFTWATCH_INGEST_TOKEN")));
 * }</pre>
 *
 * @param host interface to listen on (default 127.0.0.1)
 * @param port HTTP port; 0 picks a free one
 * @param bootstrapServers Kafka bootstrap servers
 * @param topic the raw inference-log topic
 * @param tokens accepted tokens (several allow rotation); empty only with {@code
 *     allowUnauthenticated}
 * @param allowUnauthenticated accept requests without a token; only allowed on a loopback host
 * @param maxRequestBytes larger request bodies are answered 413
 * @param maxInFlightRequests requests waiting for Kafka at once; beyond, 503
 * @param maxInFlightBytes request bytes waiting for Kafka at once; beyond, 503
 * @param retryAfterSeconds the {@code Retry-After} of a 503
 * @param ackTimeout how long a request waits for Kafka's acknowledgement (the producer's delivery
 *     timeout) before it is answered 503
 * @param sendBlockTimeout how long handing a record to the producer may block (metadata, full
 *     buffer) before the request is answered 503
 * @param producerProperties further Kafka producer properties (security settings, for example);
 *     they override the endpoint's own
 */
public record IngestConfig(
        String host,
        int port,
        String bootstrapServers,
        String topic,
        List<String> tokens,
        boolean allowUnauthenticated,
        int maxRequestBytes,
        int maxInFlightRequests,
        long maxInFlightBytes,
        int retryAfterSeconds,
        Duration ackTimeout,
        Duration sendBlockTimeout,
        Map<String, String> producerProperties) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8090;
    public static final int MIN_TOKEN_LENGTH = 16;

    public IngestConfig {
        tokens = List.copyOf(tokens);
        producerProperties = Map.copyOf(producerProperties);
    }

    /** Loopback, port 8090, the default raw topic, 1 MiB requests, no token yet. */
    public static IngestConfig defaults() {
        return new IngestConfig(
                DEFAULT_HOST,
                DEFAULT_PORT,
                null,
                CloudEventsKafka.DEFAULT_TOPIC,
                List.of(),
                false,
                1 << 20,
                256,
                64L << 20,
                1,
                Duration.ofSeconds(15),
                Duration.ofSeconds(1),
                Map.of());
    }

    /**
     * Rejects settings that cannot work or are unsafe: no Kafka, a write endpoint without a token
     * (unless explicitly open on loopback), short tokens, non-positive bounds.
     *
     * @throws IllegalArgumentException with a message naming the setting
     */
    public IngestConfig validate() {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("the Kafka bootstrap servers are not set");
        }
        if (topic == null || topic.isBlank()) {
            throw new IllegalArgumentException("the raw topic is empty");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("the port must be between 0 and 65535, was " + port);
        }
        for (String t : tokens) {
            if (t == null || t.length() < MIN_TOKEN_LENGTH) {
                throw new IllegalArgumentException(
                        "an ingest token must have at least " + MIN_TOKEN_LENGTH + " characters");
            }
            if (!t.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                throw new IllegalArgumentException(
                        "an ingest token must be printable ASCII without spaces");
            }
        }
        if (tokens.isEmpty() && !allowUnauthenticated) {
            throw new IllegalArgumentException(
                    "the ingest endpoint needs a token (DRIFTWATCH_INGEST_TOKEN); to run it open on"
                            + " loopback only, allow unauthenticated requests explicitly");
        }
        if (allowUnauthenticated && !isLoopback(host)) {
            throw new IllegalArgumentException(
                    "unauthenticated requests are only allowed on a loopback address, not on "
                            + host);
        }
        if (maxRequestBytes < 1
                || maxInFlightRequests < 1
                || maxInFlightBytes < maxRequestBytes
                || retryAfterSeconds < 1) {
            throw new IllegalArgumentException(
                    "request bounds must be positive and the in-flight bytes at least one request");
        }
        if (ackTimeout.toMillis() < 100 || sendBlockTimeout.isNegative()) {
            throw new IllegalArgumentException(
                    "the acknowledgement timeout must be at least 100ms");
        }
        return this;
    }

    static boolean isLoopback(String host) {
        try {
            for (InetAddress a : InetAddress.getAllByName(host)) {
                if (!a.isLoopbackAddress()) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    public IngestConfig withHost(String host) {
        return with(b -> b.host = host);
    }

    public IngestConfig withPort(int port) {
        return with(b -> b.port = port);
    }

    public IngestConfig withKafka(String bootstrapServers) {
        return with(b -> b.bootstrapServers = bootstrapServers);
    }

    public IngestConfig withTopic(String topic) {
        return with(b -> b.topic = topic);
    }

    public IngestConfig withTokens(List<String> tokens) {
        return with(b -> b.tokens = tokens);
    }

    /** Accept requests without a token: only valid on a loopback host (the local stack). */
    public IngestConfig withUnauthenticatedLoopback() {
        return with(b -> b.allowUnauthenticated = true);
    }

    public IngestConfig withMaxRequestBytes(int maxRequestBytes) {
        return with(b -> b.maxRequestBytes = maxRequestBytes);
    }

    public IngestConfig withInFlightLimits(int maxInFlightRequests, long maxInFlightBytes) {
        return with(
                b -> {
                    b.maxInFlightRequests = maxInFlightRequests;
                    b.maxInFlightBytes = maxInFlightBytes;
                });
    }

    public IngestConfig withTimeouts(Duration ackTimeout, Duration sendBlockTimeout) {
        return with(
                b -> {
                    b.ackTimeout = ackTimeout;
                    b.sendBlockTimeout = sendBlockTimeout;
                });
    }

    public IngestConfig withProducerProperties(Map<String, String> producerProperties) {
        return with(b -> b.producerProperties = producerProperties);
    }

    private IngestConfig with(Consumer<Copy> change) {
        Copy c = new Copy(this);
        change.accept(c);
        return c.build();
    }

    /** A mutable copy, for the withers. */
    private static final class Copy {
        String host;
        int port;
        String bootstrapServers;
        String topic;
        List<String> tokens;
        boolean allowUnauthenticated;
        int maxRequestBytes;
        int maxInFlightRequests;
        long maxInFlightBytes;
        int retryAfterSeconds;
        Duration ackTimeout;
        Duration sendBlockTimeout;
        Map<String, String> producerProperties;

        Copy(IngestConfig c) {
            host = c.host;
            port = c.port;
            bootstrapServers = c.bootstrapServers;
            topic = c.topic;
            tokens = c.tokens;
            allowUnauthenticated = c.allowUnauthenticated;
            maxRequestBytes = c.maxRequestBytes;
            maxInFlightRequests = c.maxInFlightRequests;
            maxInFlightBytes = c.maxInFlightBytes;
            retryAfterSeconds = c.retryAfterSeconds;
            ackTimeout = c.ackTimeout;
            sendBlockTimeout = c.sendBlockTimeout;
            producerProperties = c.producerProperties;
        }

        IngestConfig build() {
            return new IngestConfig(
                    host,
                    port,
                    bootstrapServers,
                    topic,
                    tokens,
                    allowUnauthenticated,
                    maxRequestBytes,
                    maxInFlightRequests,
                    maxInFlightBytes,
                    retryAfterSeconds,
                    ackTimeout,
                    sendBlockTimeout,
                    producerProperties);
        }
    }

    /** Never prints the tokens or producer properties (they may hold secrets). */
    @Override
    public String toString() {
        return "IngestConfig[host="
                + host
                + ", port="
                + port
                + ", bootstrapServers="
                + bootstrapServers
                + ", topic="
                + topic
                + ", tokens="
                + tokens.size()
                + ", allowUnauthenticated="
                + allowUnauthenticated
                + ", maxRequestBytes="
                + maxRequestBytes
                + ", maxInFlightRequests="
                + maxInFlightRequests
                + ", maxInFlightBytes="
                + maxInFlightBytes
                + ", ackTimeout="
                + ackTimeout
                + ", sendBlockTimeout="
                + sendBlockTimeout
                + ", producerProperties="
                + producerProperties.keySet()
                + "]";
    }
}
