package dev.driftwatch.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.driftwatch.core.alert.Alert;
import dev.driftwatch.registry.ApiClient.Answer;
import dev.driftwatch.registry.TestReceiver.Received;
import dev.driftwatch.registry.TestReceiver.Reply;
import dev.driftwatch.registry.notify.WebhookReceiver;
import dev.driftwatch.registry.profile.ReferenceProfilePublisher;
import dev.driftwatch.testsupport.TestPostgres;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Alerts routed to Slack, PagerDuty and a webhook that answer 429 and 500 before 200. */
class NotificationITCase {
    static final String ADMIN = "admin-token-for-notifications";
    static RegistryServer server;
    static ApiClient api;
    static TestReceiver receivers;

    @BeforeAll
    static void start() throws Exception {
        receivers = new TestReceiver();
        server =
                RegistryServer.start(
                        RegistryConfig.defaults()
                                .withHost("127.0.0.1")
                                .withPort(0)
                                .withAdminToken(ADMIN)
                                // the test's receivers listen on this machine
                                .withOutboundAllowList(java.util.List.of("127.0.0.1"))
                                .withNotificationRetries(
                                        Duration.ofMillis(200), 5, Duration.ofSeconds(1)),
                        TestPostgres.freshDatabase(),
                        ReferenceProfilePublisher.NONE,
                        Clock.systemUTC());
        api = new ApiClient(server.url(), ADMIN);
    }

    @AfterAll
    static void stop() {
        server.close();
        receivers.close();
    }

    static Map<String, String> labels(String model) {
        return Map.of(
                "alertname", "DriftDetected",
                "severity", "critical",
                "model_name", model,
                "model_version", "7",
                "metric", "psi",
                "feature", "amount",
                "segment", "");
    }

    static Map<String, String> annotations() {
        return Map.of(
                "summary", "PSI of amount above threshold",
                "value", "0.31",
                "threshold", "0.2",
                "runbook_url", "https://runbooks.example/drift",
                "window_start", "2026-11-26T10:00:00Z",
                "window_end", "2026-11-26T11:00:00Z");
    }

    void route(String json) {
        Answer a = api.post("/api/v1/routes", json);
        assertThat(a.status()).as(a.body()).isEqualTo(200);
    }

    @Test
    void eachReceiverGetsExactlyOneDeliveryAfterRetriesAndTheResolve() throws Exception {
        for (String path : List.of("/slack", "/pd", "/hook")) {
            receivers.script(path, new Reply(429, "1"), new Reply(500, null));
        }
        route(
                "{\"name\": \"slack-fraud\", \"receiver\": \"slack\", \"url\": \""
                        + receivers.url("/slack")
                        + "\", \"match\": {\"model_name\": \"fraud\"}}");
        route(
                "{\"name\": \"pd-critical\", \"receiver\": \"pagerduty\", \"url\": \""
                        + receivers.url("/pd")
                        + "\", \"routing_key\": \"R0UT1NGKEY\", \"match\": {\"model_name\": \"fraud\", \"severity\": \"critical\"}}");
        route(
                "{\"name\": \"hook\", \"receiver\": \"webhook\", \"url\": \""
                        + receivers.url("/hook")
                        + "\", \"secret\": \"s3cret\", \"match\": {\"model_name\": \"fraud\", \"alertname\": \"DriftDetected\"}}");

        Instant startsAt = Instant.parse("2026-11-26T11:00:05Z");
        Alert firing = Alert.firing(labels("fraud"), annotations(), startsAt, "http://flink:8081");
        Answer first = api.post("/api/v1/alerts", firing.toJson());
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.json().get("stored").asInt()).isEqualTo(1);
        Answer again = api.post("/api/v1/alerts", "[" + firing.toJson() + "]");
        assertThat(again.json().get("duplicates").asInt()).isEqualTo(1);

        await().atMost(Duration.ofSeconds(20))
                .until(
                        () ->
                                receivers.received("/slack").size() >= 3
                                        && receivers.received("/pd").size() >= 3
                                        && receivers.received("/hook").size() >= 3);
        for (String path : List.of("/slack", "/pd", "/hook")) {
            List<Received> got = receivers.received(path);
            assertThat(got.get(1).atMillis() - got.get(0).atMillis())
                    .as("Retry-After: 1 honoured on %s", path)
                    .isGreaterThanOrEqualTo(1000);
            assertThat(got.get(2).atMillis() - got.get(1).atMillis())
                    .as("backoff after the 500 on %s", path)
                    .isGreaterThanOrEqualTo(350);
        }

        JsonNode alerts = api.get("/api/v1/alerts?model_name=fraud").json().get("alerts");
        assertThat(alerts).hasSize(1);
        JsonNode stored = alerts.get(0);
        assertThat(stored.get("fingerprint").asText()).isEqualTo(firing.fingerprint());
        assertThat(stored.get("value").asDouble()).isEqualTo(0.31);
        assertThat(stored.get("threshold").asDouble()).isEqualTo(0.2);
        await().atMost(Duration.ofSeconds(5))
                .until(
                        () ->
                                api.get("/api/v1/alerts?model_name=fraud")
                                        .json()
                                        .at("/alerts/0/delivery_state")
                                        .asText()
                                        .equals("delivered"));
        JsonNode deliveries =
                api.get("/api/v1/alerts/" + stored.get("id").asLong() + "/deliveries")
                        .json()
                        .get("deliveries");
        assertThat(deliveries).hasSize(3);
        for (JsonNode d : deliveries) {
            assertThat(d.get("event").asText()).isEqualTo("trigger");
            assertThat(d.get("status").asText()).isEqualTo("delivered");
            assertThat(d.get("attempts").asInt()).isEqualTo(3);
            assertThat(d.get("last_http_status").asInt()).isEqualTo(200);
        }

        // Slack: Block Kit + text fallback
        JsonNode slack = ApiClient.JSON.readTree(receivers.received("/slack").get(2).body());
        assertThat(slack.get("text").asText())
                .contains("[FIRING]")
                .contains("fraud v7")
                .contains("0.31")
                .contains("0.2");
        assertThat(slack.at("/blocks/0/type").asText()).isEqualTo("header");
        assertThat(slack.at("/blocks/0/text/type").asText()).isEqualTo("plain_text");
        String fields = slack.at("/blocks/2/fields").toString();
        assertThat(fields)
                .contains("*Model*\\nfraud")
                .contains("*Version*\\n7")
                .contains("*Feature*\\namount")
                .contains("0.31 vs 0.2")
                .contains("*Window*\\n2026-11-26T10:00:00Z - 2026-11-26T11:00:00Z");
        assertThat(slack.at("/blocks/3/type").asText()).isEqualTo("actions");
        assertThat(slack.at("/blocks/3/elements/0/url").asText())
                .isEqualTo("https://runbooks.example/drift");

        // PagerDuty Events API v2 trigger
        JsonNode pd = ApiClient.JSON.readTree(receivers.received("/pd").get(2).body());
        assertThat(pd.get("routing_key").asText()).isEqualTo("R0UT1NGKEY");
        assertThat(pd.get("event_action").asText()).isEqualTo("trigger");
        assertThat(pd.get("dedup_key").asText()).isEqualTo(firing.fingerprint());
        assertThat(pd.at("/payload/severity").asText()).isEqualTo("critical");
        assertThat(pd.at("/payload/source").asText()).isEqualTo("fraud");
        assertThat(pd.at("/payload/component").asText()).isEqualTo("amount");
        assertThat(pd.at("/payload/timestamp").asText()).isEqualTo("2026-11-26T11:00:05Z");
        assertThat(pd.at("/payload/summary").asText()).isNotEmpty();
        assertThat(pd.at("/payload/custom_details/value").asDouble()).isEqualTo(0.31);
        assertThat(pd.at("/payload/custom_details/threshold").asDouble()).isEqualTo(0.2);
        assertThat(pd.at("/links/0/href").asText()).isEqualTo("https://runbooks.example/drift");

        // generic webhook: JSON + HMAC-SHA256 signature
        Received hook = receivers.received("/hook").get(2);
        assertThat(hook.header(WebhookReceiver.SIGNATURE_HEADER))
                .isEqualTo("sha256=" + WebhookReceiver.hmacSha256("s3cret", hook.body()));
        JsonNode hookBody = ApiClient.JSON.readTree(hook.body());
        assertThat(hookBody.get("event").asText()).isEqualTo("trigger");
        assertThat(Alert.fromJsonNode(hookBody.get("alert")).fingerprint())
                .isEqualTo(firing.fingerprint());

        // resolution: one resolve per route, PagerDuty with the same dedup_key
        Alert resolved = firing.resolve(Instant.parse("2026-11-26T12:00:00Z"), annotations());
        assertThat(api.post("/api/v1/alerts", resolved.toJson()).json().get("resolved").asInt())
                .isEqualTo(1);
        assertThat(api.post("/api/v1/alerts", resolved.toJson()).json().get("duplicates").asInt())
                .isEqualTo(1);
        await().atMost(Duration.ofSeconds(10))
                .until(
                        () ->
                                receivers.received("/pd").size() >= 4
                                        && receivers.received("/slack").size() >= 4
                                        && receivers.received("/hook").size() >= 4);
        JsonNode pdResolve = ApiClient.JSON.readTree(receivers.received("/pd").get(3).body());
        assertThat(pdResolve.get("event_action").asText()).isEqualTo("resolve");
        assertThat(pdResolve.get("dedup_key").asText()).isEqualTo(firing.fingerprint());
        assertThat(pdResolve.get("routing_key").asText()).isEqualTo("R0UT1NGKEY");
        assertThat(
                        ApiClient.JSON
                                .readTree(receivers.received("/slack").get(3).body())
                                .get("text")
                                .asText())
                .startsWith("[RESOLVED]");
        assertThat(
                        ApiClient.JSON
                                .readTree(receivers.received("/hook").get(3).body())
                                .get("event")
                                .asText())
                .isEqualTo("resolve");
        assertThat(
                        api.get("/api/v1/alerts?model_name=fraud")
                                .json()
                                .at("/alerts/0/status")
                                .asText())
                .isEqualTo("resolved");

        // flapping: a new occurrence within the repeat interval (1 h default) pages nobody
        Alert again2 =
                Alert.firing(
                        labels("fraud"), annotations(), Instant.parse("2026-11-26T12:05:00Z"), "");
        api.post("/api/v1/alerts", again2.toJson());
        JsonNode latest = api.get("/api/v1/alerts?model_name=fraud").json().at("/alerts/0");
        assertThat(latest.get("startsAt").asText()).isEqualTo("2026-11-26T12:05:00Z");
        assertThat(latest.get("delivery_state").asText()).isEqualTo("suppressed");
        // recorded as suppressed when it arrived: nothing is pending, so nothing more is sent
        assertThat(
                        api.get("/api/v1/alerts/" + latest.get("id").asLong() + "/deliveries")
                                .json()
                                .get("deliveries")
                                .findValuesAsText("status"))
                .hasSize(3)
                .containsOnly("suppressed");
        assertThat(receivers.received("/pd")).hasSize(4);

        // routes never show their secrets
        Answer routes = api.get("/api/v1/routes");
        assertThat(routes.body())
                .doesNotContain("R0UT1NGKEY")
                .doesNotContain("s3cret")
                .doesNotContain("/slack")
                .doesNotContain("/pd");
        assertThat(routes.json().get("routes")).hasSize(3);
    }

    @Test
    void aReceiversAnswerIsNeverStoredAndOnlyAdminsSeeWhyADeliveryFailed() {
        // the attack: a route to an internal service whose error page holds a secret
        receivers.script("/internal", new Reply(403, null, "INTERNAL-ONLY: db_password=hunter2"));
        route(
                "{\"name\": \"internal-hook\", \"receiver\": \"webhook\", \"url\": \""
                        + receivers.url("/internal")
                        + "\", \"match\": {\"model_name\": \"internal\"}}");
        Alert a =
                Alert.firing(
                        labels("internal"),
                        annotations(),
                        Instant.parse("2026-11-26T08:00:00Z"),
                        "");
        assertThat(api.post("/api/v1/alerts", a.toJson()).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20))
                .until(
                        () ->
                                api.get("/api/v1/alerts?model_name=internal")
                                        .json()
                                        .at("/alerts/0/delivery_state")
                                        .asText(),
                        "failed"::equals);
        long id = api.get("/api/v1/alerts?model_name=internal").json().at("/alerts/0/id").asLong();
        JsonNode forAdmin =
                api.get("/api/v1/alerts/" + id + "/deliveries").json().at("/deliveries/0");
        assertThat(forAdmin.get("last_http_status").asInt()).isEqualTo(403);
        assertThat(forAdmin.get("last_error").asText())
                .isEqualTo("HTTP 403 (refused: check the route's URL or key)");
        Answer issued =
                api.post("/api/v1/tokens", "{\"name\": \"internal-reader\", \"role\": \"reader\"}");
        Answer forReader =
                api.as(issued.json().get("token").asText())
                        .get("/api/v1/alerts/" + id + "/deliveries");
        assertThat(forReader.status()).isEqualTo(200);
        assertThat(forReader.json().at("/deliveries/0/status").asText()).isEqualTo("failed");
        assertThat(forReader.json().at("/deliveries/0").has("last_error")).isFalse();
        assertThat(forReader.body() + forAdmin).doesNotContain("db_password");
        assertThat(api.send("DELETE", "/api/v1/routes/internal-hook", null).status())
                .isEqualTo(200);
    }

    @Test
    void aSlowOrHugeAnswerHoldsNoThreadAndNoMemory() {
        // the attack: a receiver answering 1 byte/s, another 400 MB; both are delivered on their
        // status alone, the body is never read
        receivers.script("/slow", new Reply(200, null, "SLOW"));
        receivers.script("/huge", new Reply(200, null, "HUGE"));
        for (String path : List.of("/slow", "/huge")) {
            route(
                    "{\"name\": \"answer"
                            + path.substring(1)
                            + "\", \"receiver\": \"webhook\", \"url\": \""
                            + receivers.url(path)
                            + "\", \"match\": {\"model_name\": \"answers\"}}");
        }
        Alert a =
                Alert.firing(
                        labels("answers"),
                        annotations(),
                        Instant.parse("2026-11-26T08:00:00Z"),
                        "");
        try {
            assertThat(api.post("/api/v1/alerts", a.toJson()).status()).isEqualTo(200);
            try {
                await().atMost(Duration.ofMinutes(2))
                        .until(
                                () ->
                                        api.get("/api/v1/alerts?model_name=answers")
                                                .json()
                                                .at("/alerts/0/delivery_state")
                                                .asText(),
                                "delivered"::equals);
            } catch (ConditionTimeoutException e) {
                long id =
                        api.get("/api/v1/alerts?model_name=answers")
                                .json()
                                .at("/alerts/0/id")
                                .asLong();
                throw new AssertionError(
                        "not delivered; its deliveries: "
                                + api.get("/api/v1/alerts/" + id + "/deliveries").body(),
                        e);
            }
            // delivered on the status alone: the slow answer's minute was not waited for
            assertThat(receivers.answeredInFull("/slow")).isFalse();
        } finally {
            // other tests list the routes: leave none behind
            for (String name : List.of("answerslow", "answerhuge")) {
                api.send("DELETE", "/api/v1/routes/" + name, null);
            }
        }
    }

    @Test
    void anAlertWhoseRouteIsDeletedIsCancelledNotPendingForever() {
        // the receiver asks to be retried in an hour: the delivery stays pending
        receivers.script("/gone", new Reply(429, "3600"));
        route(
                "{\"name\": \"gone-hook\", \"receiver\": \"webhook\", \"url\": \""
                        + receivers.url("/gone")
                        + "\", \"match\": {\"model_name\": \"gone\"}}");
        Alert a =
                Alert.firing(
                        labels("gone"), annotations(), Instant.parse("2026-11-26T08:00:00Z"), "");
        assertThat(api.post("/api/v1/alerts", a.toJson()).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> receivers.received("/gone").size() == 1);
        JsonNode pending = api.get("/api/v1/alerts?model_name=gone").json().at("/alerts/0");
        assertThat(pending.get("delivery_state").asText()).isEqualTo("pending");

        Answer deleted = api.send("DELETE", "/api/v1/routes/gone-hook", null);
        assertThat(deleted.status()).as(deleted.body()).isEqualTo(200);
        JsonNode after = api.get("/api/v1/alerts?model_name=gone").json().at("/alerts/0");
        assertThat(after.get("delivery_state").asText()).isEqualTo("cancelled");
        JsonNode log =
                api.get("/api/v1/alerts/" + after.get("id").asLong() + "/deliveries")
                        .json()
                        .get("deliveries");
        assertThat(log).hasSize(1);
        assertThat(log.get(0).get("status").asText()).isEqualTo("cancelled");
        assertThat(log.get(0).get("route").isNull()).isTrue();
        assertThat(log.get(0).get("last_error").asText())
                .isEqualTo("route gone-hook was deleted before this was sent");
        assertThat(api.send("DELETE", "/api/v1/routes/gone-hook", null).status()).isEqualTo(404);

        // an alert no route matches was never to be sent: none
        Alert unrouted =
                Alert.firing(
                        labels("nobody-listens"),
                        annotations(),
                        Instant.parse("2026-11-26T08:00:00Z"),
                        "");
        api.post("/api/v1/alerts", unrouted.toJson());
        assertThat(
                        api.get("/api/v1/alerts?model_name=nobody-listens")
                                .json()
                                .at("/alerts/0/delivery_state")
                                .asText())
                .isEqualTo("none");
    }

    @Test
    void alertmanagerWebhookBodiesAreAcceptedAsTheyAre() {
        Alert a =
                Alert.firing(
                        labels("am-model"),
                        Map.of("summary", "x"),
                        Instant.parse("2026-11-26T09:00:00Z"),
                        "");
        String body =
                "{\"version\": \"4\", \"groupKey\": \"{}:{}\", \"truncatedAlerts\": 0, \"status\": \"firing\","
                        + " \"receiver\": \"driftwatch\", \"groupLabels\": {}, \"commonLabels\": {}, \"commonAnnotations\": {},"
                        + " \"externalURL\": \"http://am:9093\", \"alerts\": ["
                        + a.toJson()
                        + "]}";
        Answer r = api.post("/api/v1/alerts", body);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("stored").asInt()).isEqualTo(1);
        Answer wrongVersion =
                api.post(
                        "/api/v1/alerts", body.replace("\"version\": \"4\"", "\"version\": \"3\""));
        assertThat(wrongVersion.status()).isEqualTo(400);
        Answer noName =
                api.post(
                        "/api/v1/alerts",
                        "{\"labels\": {}, \"startsAt\": \"2026-11-26T09:00:00Z\"}");
        assertThat(noName.status()).isEqualTo(400);
        assertThat(noName.json().get("message").asText()).contains("alertname");
        assertThat(api.post("/api/v1/alerts", "42").status()).isEqualTo(400);
        assertThat(api.as(null).post("/api/v1/alerts", a.toJson()).status()).isEqualTo(401);
    }
}
