package dev.driftwatch.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.driftwatch.core.alert.Alert;
import dev.driftwatch.testsupport.TestKafka;
import dev.driftwatch.testsupport.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * The registry stopped and started on the same database loses nothing: alerts accepted before the
 * stop (over HTTP, or consumed from Kafka) while their receiver was down or still answering are
 * delivered after the restart, and an alert produced while the registry was down is consumed and
 * delivered too.
 */
class RegistryRestartITCase {
    static final String ADMIN = "admin-token-for-restart-tests";

    @Test
    void alertsAcceptedBeforeAStopAreDeliveredAfterTheRestart() throws Exception {
        String topic = TestKafka.createTopics("alerts").get(0);
        DataSource db = TestPostgres.freshDatabase();
        try (HoldingReceiver receiver = new HoldingReceiver()) {
            RegistryServer first = start(topic, db);
            ApiClient api = new ApiClient(first.url(), ADMIN);
            route(api, "down", receiver.url("/down"), "restart-down");
            route(api, "slow", receiver.url("/slow"), "restart-slow");

            // accepted over HTTP: one for the receiver that is down, one for the slow one
            assertThat(api.post("/api/v1/alerts", alert("restart-down", 1)).status())
                    .isEqualTo(200);
            assertThat(api.post("/api/v1/alerts", alert("restart-slow", 2)).status())
                    .isEqualTo(200);
            // consumed from Kafka (stored, offset committed) before the stop
            TestKafka.produce(List.of(record(topic, alert("restart-down", 3))));
            await().atMost(Duration.ofSeconds(60)).until(() -> alerts(db, "restart-down") == 2);
            // the down receiver refused at least once; the slow one holds an exchange open
            await().atMost(Duration.ofSeconds(60))
                    .until(
                            () ->
                                    receiver.requests("/down") >= 1
                                            && receiver.requests("/slow") >= 1);
            assertThat(delivered(db)).isZero();

            first.close();
            // while the registry is down: one more alert on Kafka; the receivers recover
            TestKafka.produce(List.of(record(topic, alert("restart-down", 4))));
            receiver.up();

            try (RegistryServer second = start(topic, db)) {
                // 4 alerts, one delivery each, well within the claim lease (2 minutes) that an
                // interrupted send would otherwise wait for
                await().atMost(Duration.ofSeconds(60)).until(() -> delivered(db) == 4);
                assertThat(alerts(db, "restart-down")).isEqualTo(3);
                assertThat(alerts(db, "restart-slow")).isEqualTo(1);
                assertThat(count(db, "SELECT count(*) FROM deliveries WHERE status <> 'delivered'"))
                        .isZero();
                assertThat(receiver.answeredOk("/down")).isGreaterThanOrEqualTo(3);
                assertThat(receiver.answeredOk("/slow")).isGreaterThanOrEqualTo(1);
            }
        }
    }

    private static RegistryServer start(String topic, DataSource db) {
        return RegistryServer.start(
                RegistryConfig.defaults()
                        .withHost("127.0.0.1")
                        .withPort(0)
                        .withAdminToken(ADMIN)
                        .withKafka(TestKafka.bootstrapServers())
                        .withTopics(topic, topic + "-profiles")
                        .withNotificationRetries(Duration.ofMillis(200), 1000, Duration.ZERO)
                        .withOutboundAllowList(List.of("127.0.0.1")),
                db);
    }

    private static void route(ApiClient api, String name, String url, String model) {
        ApiClient.Answer a =
                api.post(
                        "/api/v1/routes",
                        "{\"name\": \""
                                + name
                                + "\", \"receiver\": \"webhook\", \"url\": \""
                                + url
                                + "\", \"match\": {\"model_name\": \""
                                + model
                                + "\"}}");
        assertThat(a.status()).as(a.body()).isEqualTo(200);
    }

    private static String alert(String model, int i) {
        return Alert.firing(
                        Map.of(
                                "alertname",
                                "DriftDetected",
                                "model_name",
                                model,
                                "feature",
                                "f" + i),
                        Map.of("value", "0.4", "threshold", "0.25"),
                        Instant.parse("2026-11-26T08:00:00Z").plusSeconds(i),
                        "")
                .toJson();
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, String value) {
        return new ProducerRecord<>(topic, null, value.getBytes(StandardCharsets.UTF_8));
    }

    private static int alerts(DataSource db, String model) throws Exception {
        return count(db, "SELECT count(*) FROM alerts WHERE model_name = '" + model + "'");
    }

    private static int delivered(DataSource db) throws Exception {
        return count(db, "SELECT count(*) FROM deliveries WHERE status = 'delivered'");
    }

    private static int count(DataSource db, String sql) throws Exception {
        try (Connection c = db.getConnection();
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getInt(1);
        }
    }
}
