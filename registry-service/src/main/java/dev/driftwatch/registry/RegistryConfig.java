package dev.driftwatch.registry;

import dev.driftwatch.core.contract.Topics;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * The registry's settings. Start from {@link #defaults()} and change what you need.
 *
 * <pre>{@code
 * RegistryConfig config = RegistryConfig.defaults()
 *         .withPort(8080)
 *         .withAdminToken(adminToken)
 *         .withKafka("kafka:9092")
 *         .withTopics("driftwatch.alerts", "driftwatch.reference-profiles");
 * }</pre>
 *
 * @param host interface to listen on (default {@code 127.0.0.1}: this machine only; a deployment
 *     sets it, e.g. {@code 0.0.0.0} in a pod)
 * @param port HTTP port; 0 picks a free one
 * @param adminToken the bootstrap admin token (at least 16 characters), or null to generate one at
 *     first start
 * @param maxBodyBytes the largest request body accepted (413 beyond)
 * @param maxProfileBytes the largest reference profile accepted
 * @param kafkaBootstrapServers Kafka, or null to run without it (no profile publishing, no alert
 *     consumer)
 * @param profilesTopic where the champions' reference profiles are published (compacted, key {@code
 *     <model>/<version>}); the drift job reads it
 * @param alertsTopic where alerts are consumed from; the jobs write it
 * @param deadLettersTopic where records of the alerts topic that are no alert the registry can
 *     store go, with the reason (the jobs' dead-letter topic)
 * @param notificationRetryBase first retry delay of a failed notification (doubles each attempt)
 * @param notificationMaxAttempts attempts before a delivery is marked failed
 * @param slackMinInterval the least time between two messages to one rate-limited receiver URL
 *     (Slack webhooks)
 * @param metricsToken the bearer token {@code GET /metrics} requires (at least 16 characters), or
 *     null to serve it without one
 * @param outboundAllowList host names and CIDR ranges of internal receivers the registry may send
 *     notifications to (by default only public addresses)
 */
public record RegistryConfig(
        String host,
        int port,
        String adminToken,
        int maxBodyBytes,
        int maxProfileBytes,
        String kafkaBootstrapServers,
        String profilesTopic,
        String alertsTopic,
        String deadLettersTopic,
        Duration notificationRetryBase,
        int notificationMaxAttempts,
        Duration slackMinInterval,
        String metricsToken,
        java.util.List<String> outboundAllowList) {

    /** The default topic the registry consumes alerts from. */
    public static final String DEFAULT_ALERTS_TOPIC = Topics.ALERTS;

    /** The default topic the registry publishes champions' reference profiles to. */
    public static final String DEFAULT_PROFILES_TOPIC = Topics.REFERENCE_PROFILES;

    /** The default topic records of the alerts topic that cannot be stored go to. */
    public static final String DEFAULT_DEAD_LETTERS_TOPIC = Topics.DEAD_LETTERS;

    public RegistryConfig {
        if (profilesTopic == null || profilesTopic.isBlank()) {
            throw new IllegalArgumentException("the reference profiles topic must not be empty");
        }
        if (alertsTopic == null || alertsTopic.isBlank()) {
            throw new IllegalArgumentException("the alerts topic must not be empty");
        }
        if (deadLettersTopic == null || deadLettersTopic.isBlank()) {
            throw new IllegalArgumentException("the dead-letters topic must not be empty");
        }
        outboundAllowList = java.util.List.copyOf(outboundAllowList);
        if (metricsToken != null && metricsToken.length() < 16) {
            throw new IllegalArgumentException("the metrics token must be at least 16 characters");
        }
    }

    public static RegistryConfig defaults() {
        return new RegistryConfig(
                "127.0.0.1",
                8080,
                null,
                1024 * 1024,
                16 * 1024 * 1024,
                null,
                DEFAULT_PROFILES_TOPIC,
                DEFAULT_ALERTS_TOPIC,
                DEFAULT_DEAD_LETTERS_TOPIC,
                Duration.ofSeconds(1),
                8,
                Duration.ofSeconds(1),
                null,
                java.util.List.of());
    }

    public RegistryConfig withHost(String host) {
        return with(d -> d.host = host);
    }

    public RegistryConfig withPort(int port) {
        return with(d -> d.port = port);
    }

    public RegistryConfig withAdminToken(String adminToken) {
        return with(d -> d.adminToken = adminToken);
    }

    public RegistryConfig withMaxBodyBytes(int maxBodyBytes) {
        return with(d -> d.maxBodyBytes = maxBodyBytes);
    }

    public RegistryConfig withKafka(String kafkaBootstrapServers) {
        return with(d -> d.kafkaBootstrapServers = kafkaBootstrapServers);
    }

    /** The topics: alerts consumed from {@code alertsTopic}, profiles published to the other. */
    public RegistryConfig withTopics(String alertsTopic, String profilesTopic) {
        return with(
                d -> {
                    d.alertsTopic = alertsTopic;
                    d.profilesTopic = profilesTopic;
                });
    }

    /** Records of the alerts topic that cannot be stored go to {@code topic}, with the reason. */
    public RegistryConfig withDeadLettersTopic(String topic) {
        return with(d -> d.deadLettersTopic = topic);
    }

    public RegistryConfig withNotificationRetries(
            Duration retryBase, int maxAttempts, Duration slackMinInterval) {
        return with(
                d -> {
                    d.notificationRetryBase = retryBase;
                    d.notificationMaxAttempts = maxAttempts;
                    d.slackMinInterval = slackMinInterval;
                });
    }

    /** {@code GET /metrics} requires {@code Authorization: Bearer <token>}; null: open. */
    public RegistryConfig withMetricsToken(String token) {
        return with(d -> d.metricsToken = token);
    }

    /**
     * Internal receivers the registry may send to: host names (exact) and CIDR ranges ({@code
     * 10.20.0.0/16}, {@code 127.0.0.1}).
     */
    public RegistryConfig withOutboundAllowList(java.util.List<String> entries) {
        return with(d -> d.outboundAllowList = entries);
    }

    private RegistryConfig with(Consumer<Draft> change) {
        Draft d = new Draft(this);
        change.accept(d);
        return d.build();
    }

    /** A config being changed by one of the {@code with} methods. */
    private static final class Draft {
        String host;
        int port;
        String adminToken;
        int maxBodyBytes;
        int maxProfileBytes;
        String kafkaBootstrapServers;
        String profilesTopic;
        String alertsTopic;
        String deadLettersTopic;
        Duration notificationRetryBase;
        int notificationMaxAttempts;
        Duration slackMinInterval;
        String metricsToken;
        java.util.List<String> outboundAllowList;

        Draft(RegistryConfig c) {
            host = c.host;
            port = c.port;
            adminToken = c.adminToken;
            maxBodyBytes = c.maxBodyBytes;
            maxProfileBytes = c.maxProfileBytes;
            kafkaBootstrapServers = c.kafkaBootstrapServers;
            profilesTopic = c.profilesTopic;
            alertsTopic = c.alertsTopic;
            deadLettersTopic = c.deadLettersTopic;
            notificationRetryBase = c.notificationRetryBase;
            notificationMaxAttempts = c.notificationMaxAttempts;
            slackMinInterval = c.slackMinInterval;
            metricsToken = c.metricsToken;
            outboundAllowList = c.outboundAllowList;
        }

        RegistryConfig build() {
            return new RegistryConfig(
                    host,
                    port,
                    adminToken,
                    maxBodyBytes,
                    maxProfileBytes,
                    kafkaBootstrapServers,
                    profilesTopic,
                    alertsTopic,
                    deadLettersTopic,
                    notificationRetryBase,
                    notificationMaxAttempts,
                    slackMinInterval,
                    metricsToken,
                    outboundAllowList);
        }
    }
}
