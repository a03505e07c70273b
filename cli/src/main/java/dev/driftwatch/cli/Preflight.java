package dev.driftwatch.cli;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.KafkaException;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Checks, before a command starts anything, that the Kafka brokers and the PostgreSQL server its
 * options name answer: an address where nothing answers is reported as such, in one line, instead
 * of surfacing later as a missing topic, a stuck job or a stack trace.
 */
final class Preflight {
    /** How long a service may take to answer before it counts as unreachable. */
    private static final int ANSWER_S = 10;

    private Preflight() {}

    /** Some broker at {@code bootstrapServers} answers. */
    static void requireKafka(String bootstrapServers) throws InterruptedException {
        topics(bootstrapServers);
    }

    /** Some broker at {@code bootstrapServers} answers and {@code topic} exists there. */
    static void requireTopic(String bootstrapServers, String topic) throws InterruptedException {
        if (!topics(bootstrapServers).contains(topic)) {
            throw new InputException(
                    "topic '" + topic + "' does not exist on the brokers at " + bootstrapServers);
        }
    }

    /** The PostgreSQL server at {@code jdbcUrl} accepts this user and password. */
    static void requirePostgres(String jdbcUrl, String user, String password) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(jdbcUrl);
        ds.setConnectTimeout(ANSWER_S);
        ds.setLoginTimeout(ANSWER_S);
        if (user != null) {
            ds.setUser(user);
        }
        if (password != null) {
            ds.setPassword(password);
        }
        try (Connection c = ds.getConnection()) {
            c.isValid(ANSWER_S);
        } catch (SQLException e) {
            throw new InputException(
                    "cannot connect to PostgreSQL at " + jdbcUrl + ": " + e.getMessage());
        }
    }

    private static Set<String> topics(String bootstrapServers) throws InterruptedException {
        Admin client;
        try {
            client =
                    Admin.create(
                            Map.of(
                                    "bootstrap.servers", bootstrapServers,
                                    "request.timeout.ms", Integer.toString(ANSWER_S * 500),
                                    "default.api.timeout.ms", Integer.toString(ANSWER_S * 1000)));
        } catch (KafkaException e) {
            throw new InputException(
                    "cannot reach Kafka at " + bootstrapServers + ": " + e.getMessage());
        }
        try (Admin admin = client) {
            admin.describeCluster().nodes().get(ANSWER_S, TimeUnit.SECONDS);
            return admin.listTopics().names().get(ANSWER_S, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new InputException(
                    "no Kafka broker answers at "
                            + bootstrapServers
                            + " within "
                            + ANSWER_S
                            + " s (is it running? `bin/driftwatch up` writes its address to"
                            + " DIR/endpoints.json)");
        }
    }
}
