package dev.driftwatch.registry;

import static dev.driftwatch.registry.AlertFixtures.count;
import static dev.driftwatch.registry.AlertFixtures.firing;
import static dev.driftwatch.registry.AlertFixtures.record;
import static dev.driftwatch.registry.AlertFixtures.stored;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.driftwatch.testsupport.TestKafka;
import dev.driftwatch.testsupport.TestPostgres;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
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
            assertThat(api.post("/api/v1/alerts", firing("restart-down", 1)).status())
                    .isEqualTo(200);
            assertThat(api.post("/api/v1/alerts", firing("restart-slow", 2)).status())
                    .isEqualTo(200);
            // consumed from Kafka (stored, offset committed) before the stop
            TestKafka.produce(List.of(record(topic, firing("restart-down", 3))));
            await().atMost(Duration.ofSeconds(60)).until(() -> stored(db, "restart-down") == 2);
            // the down receiver refused at least once; the slow one holds an exchange open
            await().atMost(Duration.ofSeconds(60))
                    .until(
                            () ->
                                    receiver.requests("/down") >= 1
                                            && receiver.requests("/slow") >= 1);
            assertThat(delivered(db)).isZero();

            first.close();
            // while the registry is down: one more alert on Kafka; the receivers recover
            TestKafka.produce(List.of(record(topic, firing("restart-down", 4))));
            receiver.up();

            try (RegistryServer second = start(topic, db)) {
                // 4 alerts, one delivery each, well within the claim lease (2 minutes) that an
                // interrupted send would otherwise wait for
                await().atMost(Duration.ofSeconds(60)).until(() -> delivered(db) == 4);
                assertThat(stored(db, "restart-down")).isEqualTo(3);
                assertThat(stored(db, "restart-slow")).isEqualTo(1);
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

    private static int delivered(DataSource db) throws Exception {
        return count(db, "SELECT count(*) FROM deliveries WHERE status = 'delivered'");
    }
}
