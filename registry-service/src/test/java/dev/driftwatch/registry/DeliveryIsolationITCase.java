package dev.driftwatch.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.driftwatch.core.alert.Alert;
import dev.driftwatch.testsupport.TestPorts;
import dev.driftwatch.testsupport.TestPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * One alert, four routes: a receiver answering 500, one that cannot be reached, one that holds the
 * exchange open and one that works. The working route's delivery goes out while the held exchange
 * is still unanswered, and each failure is recorded on its own delivery.
 */
class DeliveryIsolationITCase {
    static final String ADMIN = "admin-token-for-isolation-tests";

    /** A delivery's state, by its route's name. */
    record State(String status, int attempts, Integer lastStatus, String lastError) {}

    @Test
    void failingRoutesNeitherDelayNorFailTheOtherRoutesOfTheBatch() throws Exception {
        DataSource db = TestPostgres.freshDatabase();
        try (HoldingReceiver receiver = new HoldingReceiver();
                RegistryServer server =
                        RegistryServer.start(
                                RegistryConfig.defaults()
                                        .withHost("127.0.0.1")
                                        .withPort(0)
                                        .withAdminToken(ADMIN)
                                        .withNotificationRetries(
                                                Duration.ofMillis(100), 3, Duration.ZERO)
                                        .withOutboundAllowList(List.of("127.0.0.1")),
                                db)) {
            ApiClient api = new ApiClient(server.url(), ADMIN);
            route(api, "answers-500", receiver.url("/fail"));
            route(api, "unreachable", "http://127.0.0.1:" + TestPorts.free() + "/hook");
            route(api, "held-open", receiver.url("/slow"));
            route(api, "works", receiver.url("/ok"));

            assertThat(api.post("/api/v1/alerts", alert()).status()).isEqualTo(200);

            await().atMost(Duration.ofSeconds(60))
                    .until(
                            () ->
                                    state(db, "works").status().equals("delivered")
                                            && state(db, "answers-500").status().equals("failed")
                                            && state(db, "unreachable").status().equals("failed"));
            // all that while, the held exchange was never answered
            assertThat(receiver.requests("/slow")).isGreaterThanOrEqualTo(1);
            assertThat(receiver.answeredOk("/slow")).isZero();
            assertThat(state(db, "held-open").status()).isEqualTo("pending");

            assertThat(state(db, "works")).isEqualTo(new State("delivered", 1, 200, null));
            State failed500 = state(db, "answers-500");
            assertThat(failed500.attempts()).isEqualTo(3);
            assertThat(failed500.lastStatus()).isEqualTo(500);
            assertThat(failed500.lastError()).isEqualTo("HTTP 500 (receiver error)");
            assertThat(receiver.requests("/fail")).isEqualTo(3);
            State unreachable = state(db, "unreachable");
            assertThat(unreachable.attempts()).isEqualTo(3);
            assertThat(unreachable.lastStatus()).isNull();
            assertThat(unreachable.lastError()).startsWith("network error");

            // the held receiver answers at last: its delivery completes on its own
            receiver.up();
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> state(db, "held-open").status().equals("delivered"));
            assertThat(state(db, "works").attempts()).isEqualTo(1);
        }
    }

    private static void route(ApiClient api, String name, String url) {
        ApiClient.Answer a =
                api.post(
                        "/api/v1/routes",
                        "{\"name\": \""
                                + name
                                + "\", \"receiver\": \"webhook\", \"url\": \""
                                + url
                                + "\", \"match\": {\"model_name\": \"isolation\"}}");
        assertThat(a.status()).as(a.body()).isEqualTo(200);
    }

    private static String alert() {
        return Alert.firing(
                        Map.of("alertname", "DriftDetected", "model_name", "isolation"),
                        Map.of("value", "0.4", "threshold", "0.25"),
                        Instant.parse("2026-11-26T08:00:00Z"),
                        "")
                .toJson();
    }

    private static State state(DataSource db, String route) throws Exception {
        try (Connection c = db.getConnection();
                PreparedStatement s =
                        c.prepareStatement(
                                "SELECT d.status, d.attempts, d.last_status, d.last_error"
                                        + " FROM deliveries d JOIN notification_routes r"
                                        + " ON r.id = d.route_id WHERE r.name = ?")) {
            s.setString(1, route);
            try (ResultSet r = s.executeQuery()) {
                assertThat(r.next()).as("a delivery for route " + route).isTrue();
                int lastStatus = r.getInt(3);
                Integer status = r.wasNull() ? null : lastStatus;
                return new State(r.getString(1), r.getInt(2), status, r.getString(4));
            }
        }
    }
}
