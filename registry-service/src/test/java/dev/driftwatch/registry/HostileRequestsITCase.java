package dev.driftwatch.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.driftwatch.core.alert.Alert;
import dev.driftwatch.registry.ApiClient.Answer;
import dev.driftwatch.registry.profile.ReferenceProfilePublisher;
import dev.driftwatch.testsupport.TestPostgres;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Requests meant to hurt the registry, on a running one: a metrics scrape without the metrics
 * token, a search filter with a literal of thousands of characters, tokens that cannot be tokens, a
 * training template an approver tries to set. Each is refused with a 4xx and a JSON message; the
 * legitimate request next to it still works.
 */
class HostileRequestsITCase {
    static final String ADMIN = "admin-token-for-hostile-tests";
    static final String METRICS = "metrics-token-for-hostile-tests";
    static RegistryServer server;
    static ApiClient api;

    @BeforeAll
    static void start() {
        assertThat(RegistryConfig.defaults().host())
                .as("the registry listens on this machine only unless told otherwise")
                .isEqualTo("127.0.0.1");
        server =
                RegistryServer.start(
                        RegistryConfig.defaults()
                                .withPort(0)
                                .withAdminToken(ADMIN)
                                .withMetricsToken(METRICS),
                        TestPostgres.freshDatabase(),
                        ReferenceProfilePublisher.NONE,
                        Clock.systemUTC());
        api = new ApiClient(server.url(), ADMIN);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void metricsNeedTheMetricsToken() {
        for (String token : new String[] {null, ADMIN, "wrong-metrics-token-of-length"}) {
            Answer refused = api.as(token).get("/metrics");
            assertThat(refused.status()).isEqualTo(401);
            assertThat(refused.json().get("message").asText()).contains("metrics token");
        }
        Answer scraped = api.as(METRICS).get("/metrics");
        assertThat(scraped.status()).isEqualTo(200);
        assertThat(scraped.body()).contains("driftwatch_registry_http_requests");
    }

    @Test
    void aLongFilterLiteralIsReadOrRefusedNeverA500() {
        api.post("/api/2.0/mlflow/registered-models/create", "{\"name\": \"long\"}");
        // the attack: once a literal of ~3,500 characters overflowed the regex stack (500, no body)
        String literal = "'" + "''".repeat(1800) + "'";
        Answer read =
                api.post(
                        "/api/2.0/mlflow/registered-models/search",
                        "{\"filter\": \"name = " + literal + "\"}");
        assertThat(read.status()).as(read.body()).isEqualTo(200);
        assertThat(read.json().path("registered_models").size()).isZero();
        Answer tooLong =
                api.post(
                        "/api/2.0/mlflow/registered-models/search",
                        "{\"filter\": \"name = '" + "x".repeat(5000) + "'\"}");
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.json().get("message").asText()).contains("at most 4096 characters");
        Answer found =
                api.get(
                        "/api/2.0/mlflow/registered-models/search?filter="
                                + URLEncoder.encode("name = 'long'", StandardCharsets.UTF_8));
        assertThat(found.json().at("/registered_models/0/name").asText()).isEqualTo("long");
    }

    @Test
    void tokensThatCannotBeTokensAreRefusedAsInvalid() {
        for (String bad : new String[] {"short", "x".repeat(600), "tab\tinside-the-token-xx"}) {
            Answer a = api.as(bad).get("/api/2.0/mlflow/registered-models/search");
            assertThat(a.status()).as(bad).isEqualTo(401);
            assertThat(a.json().get("message").asText()).contains("not valid");
        }
    }

    @Test
    void routesToInternalAddressesAreRefusedInEverySpelling() {
        for (String url :
                new String[] {
                    "http://127.0.0.1:8080/hook",
                    "http://[::1]/hook",
                    "http://[::ffff:127.0.0.1]/hook",
                    "http://0x7f000001/hook",
                    "http://2130706433/hook",
                    "http://0177.0.0.1/hook",
                    "http://169.254.169.254/latest/meta-data/",
                    "http://10.0.0.7/hook",
                    "http://0.0.0.0/hook",
                    "http://hooks.example:99999/hook",
                    "file:///etc/passwd"
                }) {
            Answer refused =
                    api.post(
                            "/api/v1/routes",
                            "{\"name\": \"r\", \"receiver\": \"webhook\", \"url\": \""
                                    + url
                                    + "\"}");
            assertThat(refused.status()).as(url).isEqualTo(400);
            assertThat(refused.json().get("message").asText()).as(url).contains("'url'");
        }
        // a name is resolved when the delivery is sent: localhost is refused then, and nothing
        // is sent
        Answer named =
                api.post(
                        "/api/v1/routes",
                        "{\"name\": \"local-name\", \"receiver\": \"webhook\", \"url\":"
                                + " \"http://localhost:9/hook\", \"match\": {\"model_name\":"
                                + " \"ssrf\"}}");
        assertThat(named.status()).as(named.body()).isEqualTo(200);
        Alert a =
                Alert.firing(
                        Map.of("alertname", "FeatureDrift", "model_name", "ssrf"),
                        Map.of(),
                        Instant.parse("2026-11-26T10:00:00Z"),
                        "");
        assertThat(api.post("/api/v1/alerts", a.toJson()).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30))
                .until(
                        () ->
                                api.get("/api/v1/alerts?model_name=ssrf")
                                        .json()
                                        .at("/alerts/0/delivery_state")
                                        .asText(),
                        "failed"::equals);
        long id = api.get("/api/v1/alerts?model_name=ssrf").json().at("/alerts/0/id").asLong();
        JsonNode delivery =
                api.get("/api/v1/alerts/" + id + "/deliveries").json().at("/deliveries/0");
        assertThat(delivery.get("last_error").asText())
                .startsWith("refused: the route's URL resolves to ")
                .contains("a loopback address");
        assertThat(delivery.get("attempts").asInt()).isEqualTo(1);
        // a public receiver is accepted (checked again when sent)
        assertThat(
                        api.post(
                                        "/api/v1/routes",
                                        "{\"name\": \"slack\", \"receiver\": \"slack\", \"url\":"
                                                + " \"https://hooks.slack.com/services/T/B/X\"}")
                                .status())
                .isEqualTo(200);
    }

    @Test
    void bodiesAreReadStrictlyAndNulIsRefused() {
        String create = "/api/2.0/mlflow/registered-models/create";
        Answer trailing = api.post(create, "{\"name\": \"strict-a\"} {\"name\": \"strict-b\"}");
        assertThat(trailing.status()).isEqualTo(400);
        assertThat(trailing.json().get("message").asText()).contains("not valid JSON");
        Answer twice = api.post(create, "{\"name\": \"strict-a\", \"name\": \"strict-b\"}");
        assertThat(twice.status()).isEqualTo(400);
        assertThat(twice.json().get("message").asText()).contains("Duplicate field 'name'");
        Answer nul = api.post(create, "{\"name\": \"strict\\u0000x\"}");
        assertThat(nul.status()).isEqualTo(400);
        assertThat(nul.json().get("message").asText()).contains("'name' contains a NUL character");
        Answer nulTag =
                api.post(
                        create,
                        "{\"name\": \"strict-t\", \"tags\": [{\"key\": \"k\", \"value\": \"\\u0000\"}]}");
        assertThat(nulTag.status()).isEqualTo(400);
        assertThat(nulTag.json().get("message").asText()).contains("'tags[0].value'");
        assertThat(api.post(create, "{\"name\": \"strict-a\"}").status()).isEqualTo(200);
    }

    @Test
    void onlyAnAdminSetsWhatARunExecutes() {
        Answer issued =
                api.post("/api/v1/tokens", "{\"name\": \"an-approver\", \"role\": \"approver\"}");
        String approver = issued.json().get("token").asText();
        String template = "{\"command\": [\"sh\", \"-c\", \"env > /tmp/leak; id\"]}";
        Answer refused = api.as(approver).send("PUT", "/api/v1/training-templates/x", template);
        assertThat(refused.status()).isEqualTo(403);
        Answer loader =
                api.send(
                        "PUT",
                        "/api/v1/training-templates/x",
                        "{\"command\": [\"t\"], \"env\": {\"LD_PRELOAD\": \"/tmp/x.so\"}}");
        assertThat(loader.status()).as("not even an admin sets a loader variable").isEqualTo(400);
        assertThat(api.send("PUT", "/api/v1/training-templates/x", template).status())
                .as("an admin chooses the command")
                .isEqualTo(200);
        assertThat(api.as(approver).get("/api/v1/training-templates/x").status()).isEqualTo(200);
        assertThat(api.as(approver).send("DELETE", "/api/v1/training-templates/x", "").status())
                .isEqualTo(403);
    }
}
