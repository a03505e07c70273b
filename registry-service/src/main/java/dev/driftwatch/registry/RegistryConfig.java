package dev.driftwatch.registry;

import java.time.Duration;

/**
 * The registry's settings. Start from {@link #defaults()} and change what you need.
 *
 * <pre>{@code
 * RegistryConfig config = RegistryConfig.defaults().withPort(8080).withAdminToken(System.getenv("DRIFTWATCH_ADMIN_TOKEN"));
 * }</pre>
 *
 * @param host interface to listen on
 * @param port HTTP port; 0 picks a free one
 * @param adminToken the bootstrap admin token (at least 16 characters), or null to generate one at
 *     first start
 * @param maxBodyBytes the largest request body accepted (413 beyond)
 * @param maxProfileBytes the largest reference profile accepted
 * @param kafkaBootstrapServers Kafka, or null to run without it (no profile publishing, no alert
 *     consumer)
 * @param profilesTopic where champion profiles are published
 * @param alertsTopic where alerts are consumed from
 * @param notificationRetryBase first retry delay of a failed notification (doubles each attempt)
 * @param notificationMaxAttempts attempts before a delivery is marked failed
 * @param slackMinInterval the least time between two messages to one Slack webhook
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
        Duration notificationRetryBase,
        int notificationMaxAttempts,
        Duration slackMinInterval) {

    public static RegistryConfig defaults() {
        return new RegistryConfig(
                "0.0.0.0",
                8080,
                null,
                1024 * 1024,
                16 * 1024 * 1024,
                null,
                "driftwatch.reference-profiles",
                "driftwatch.alerts",
                Duration.ofSeconds(1),
                8,
                Duration.ofSeconds(1));
    }

    public RegistryConfig withHost(String host) {
        return new RegistryConfig(
                host,
                port,
                adminToken,
                maxBodyBytes,
                maxProfileBytes,
                kafkaBootstrapServers,
                profilesTopic,
                alertsTopic,
                notificationRetryBase,
                notificationMaxAttempts,
                slackMinInterval);
    }

    public RegistryConfig withPort(int port) {
        return new RegistryConfig(
                host,
                port,
                adminToken,
                maxBodyBytes,
                maxProfileBytes,
                kafkaBootstrapServers,
                profilesTopic,
                alertsTopic,
                notificationRetryBase,
                notificationMaxAttempts,
                slackMinInterval);
    }

    public RegistryConfig withAdminToken(String adminToken) {
        return new RegistryConfig(
                host,
                port,
                adminToken,
                maxBodyBytes,
                maxProfileBytes,
                kafkaBootstrapServers,
                profilesTopic,
                alertsTopic,
                notificationRetryBase,
                notificationMaxAttempts,
                slackMinInterval);
    }

    public RegistryConfig withMaxBodyBytes(int maxBodyBytes) {
        return new RegistryConfig(
                host,
                port,
                adminToken,
                maxBodyBytes,
                maxProfileBytes,
                kafkaBootstrapServers,
                profilesTopic,
                alertsTopic,
                notificationRetryBase,
                notificationMaxAttempts,
                slackMinInterval);
    }

    public RegistryConfig withKafka(String kafkaBootstrapServers) {
        return new RegistryConfig(
                host,
                port,
                adminToken,
                maxBodyBytes,
                maxProfileBytes,
                kafkaBootstrapServers,
                profilesTopic,
                alertsTopic,
                notificationRetryBase,
                notificationMaxAttempts,
                slackMinInterval);
    }

    public RegistryConfig withNotificationRetries(
            Duration retryBase, int maxAttempts, Duration slackMinInterval) {
        return new RegistryConfig(
                host,
                port,
                adminToken,
                maxBodyBytes,
                maxProfileBytes,
                kafkaBootstrapServers,
                profilesTopic,
                alertsTopic,
                retryBase,
                maxAttempts,
                slackMinInterval);
    }
}
