package dev.driftwatch.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.driftwatch.core.alert.Alert;
import dev.driftwatch.launcher.LocalProcessBackend;
import dev.driftwatch.registry.ApiClient.Answer;
import dev.driftwatch.registry.TestReceiver.Received;
import dev.driftwatch.registry.TestReceiver.Reply;
import dev.driftwatch.registry.notify.DeliveryDao;
import dev.driftwatch.registry.notify.WebhookReceiver;
import dev.driftwatch.registry.profile.ReferenceProfilePublisher;
import dev.driftwatch.registry.retrain.RetrainSettings;
import dev.driftwatch.testsupport.TestPostgres;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Notifications of retraining runs on real PostgreSQL and real local HTTP receivers, with {@link
 * TestTrainer} run by the local process backend: a promoted run's Slack message and signed webhook
 * events, a failed run's PagerDuty page resolved by the next promotion, and no event sent twice.
 */
class RetrainNotificationITCase {
    static final String ADMIN = "admin-token-for-retrain-notifications";
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
                                        Duration.ofMillis(200), 5, Duration.ofMillis(50)),
                        TestPostgres.freshDatabase(),
                        ReferenceProfilePublisher.NONE,
                        Clock.systemUTC(),
                        RetrainSettings.with(
                                        new LocalProcessBackend(
                                                Files.createTempDirectory("retrain-notify-runs")))
                                .withTemplates(TestTrainer.templates())
                                .withPollInterval(Duration.ofMillis(100)));
        api = new ApiClient(server.url(), ADMIN);
    }

    @AfterAll
    static void stop() {
        server.close();
        receivers.close();
    }

    // ---- fixtures ----

    static void modelWithChampion(String model) {
        assertThat(
                        api.post(
                                        "/api/2.0/mlflow/registered-models/create",
                                        "{\"name\": \"" + model + "\"}")
                                .status())
                .isEqualTo(200);
        api.post("/api/2.0/mlflow/model-versions/create", "{\"name\": \"" + model + "\"}");
        api.post(
                "/api/2.0/mlflow/registered-models/alias",
                "{\"name\": \"" + model + "\", \"alias\": \"champion\", \"version\": \"1\"}");
    }

    static void putPolicy(String model, Map<String, String> trainEnv) {
        JsonNode policy = RetrainLoopITCase.policy("FeatureDrift", "automatic", trainEnv, Map.of());
        Answer a =
                api.send("PUT", "/api/v1/models/" + model + "/retrain-policy", policy.toString());
        assertThat(a.status()).as(a.body()).isEqualTo(200);
    }

    static void route(String json) {
        Answer a = api.post("/api/v1/routes", json);
        assertThat(a.status()).as(a.body()).isEqualTo(200);
    }

    static long requestRun(String model) {
        Answer a = api.post("/api/v1/retrain-runs", "{\"model_name\": \"" + model + "\"}");
        assertThat(a.status()).as(a.body()).isEqualTo(201);
        return a.json().get("id").asLong();
    }

    static JsonNode awaitFinal(long id, String state) {
        // two trainer JVMs start per run: generous for a loaded 2-core machine
        await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(100))
                .until(
                        () -> api.get("/api/v1/retrain-runs/" + id).json().get("state").asText(),
                        s -> RetrainLoopITCase.isFinal(s));
        JsonNode run = api.get("/api/v1/retrain-runs/" + id).json();
        assertThat(run.get("state").asText())
                .as("run %s: %s / %s", id, run.get("failure_reason"), run.get("log_tail"))
                .isEqualTo(state);
        return run;
    }

    static List<JsonNode> bodies(String path) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (Received r : receivers.received(path)) {
            out.add(ApiClient.JSON.readTree(r.body()));
        }
        return out;
    }

    static List<JsonNode> slackMessages(String path, String state) throws Exception {
        return bodies(path).stream()
                .filter(
                        b ->
                                b.path("text")
                                        .asText()
                                        .startsWith("[" + state.toUpperCase() + "] retrain run"))
                .toList();
    }

    static List<String> fieldTexts(JsonNode slack) {
        return slack.get("blocks").findValues("fields").stream()
                .flatMap(f -> f.findValuesAsText("text").stream())
                .toList();
    }

    // ---- tests ----

    @Test
    void aPromotedRunSendsOneSlackMessageWithItsFieldsAndSignedWebhookEvents() throws Exception {
        modelWithChampion("churn");
        putPolicy("churn", Map.of());
        route(
                "{\"name\": \"churn-slack\", \"receiver\": \"slack\", \"url\": \""
                        + receivers.url("/slack-churn")
                        + "\", \"match\": {\"model_name\": \"churn\"}}");
        route(
                "{\"name\": \"churn-retrain-hook\", \"receiver\": \"webhook\", \"url\": \""
                        + receivers.url("/hook-churn")
                        + "\", \"secret\": \"hook-s3cret\", \"match\": {\"model_name\":"
                        + " \"churn\", \"alertname\": \"RetrainRun\"}}");
        // a page route for run failures only: a promoted run sends it nothing
        route(
                "{\"name\": \"churn-pager\", \"receiver\": \"pagerduty\", \"url\": \""
                        + receivers.url("/pd-churn")
                        + "\", \"routing_key\": \"CHURNKEY\", \"match\": {\"model_name\":"
                        + " \"churn\", \"alertname\": \"RetrainRun\"}}");
        receivers.script("/hook-churn", new Reply(500, null));

        Alert drift =
                RetrainLoopITCase.alert(
                        "churn", "FeatureDrift", "tenure", Instant.parse("2026-11-26T12:00:00Z"));
        Answer posted = api.post("/api/v1/alerts", drift.toJson());
        assertThat(posted.status()).as(posted.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10))
                .until(
                        () ->
                                !api.get("/api/v1/retrain-runs?model_name=churn")
                                        .json()
                                        .get("runs")
                                        .isEmpty());
        long id = api.get("/api/v1/retrain-runs?model_name=churn").json().at("/runs/0/id").asLong();
        JsonNode run = awaitFinal(id, "promoted");
        String candidate = run.get("candidate_version").asText();

        await().atMost(Duration.ofSeconds(10))
                .until(
                        () ->
                                slackMessages("/slack-churn", "promoted").size() == 1
                                        && bodies("/hook-churn").size() >= 3);
        List<JsonNode> promoted = slackMessages("/slack-churn", "promoted");
        assertThat(promoted).hasSize(1);
        JsonNode msg = promoted.get(0);
        assertThat(msg.get("text").asText())
                .contains("retrain run " + id + " of churn")
                .contains("candidate v" + candidate)
                .contains("champion v1")
                .contains("3 of 3 gate(s) passed");
        assertThat(msg.at("/blocks/0/type").asText()).isEqualTo("header");
        assertThat(msg.at("/blocks/0/text/text").asText())
                .isEqualTo("Retraining promoted: churn (run " + id + ")");
        assertThat(fieldTexts(msg))
                .containsExactly(
                        "*Run*\n" + id,
                        "*Model*\nchurn",
                        "*State*\npromoted",
                        "*Candidate version*\nv" + candidate,
                        "*Champion version*\nv1",
                        "*Trigger alert*\n" + drift.fingerprint());
        List<String> sections = new ArrayList<>();
        msg.get("blocks").forEach(b -> sections.add(b.at("/text/text").asText()));
        assertThat(sections)
                .anySatisfy(
                        t ->
                                assertThat(t)
                                        .startsWith("*Gates*: 3 of 3 gate(s) passed")
                                        .contains(":white_check_mark: min_vs_champion roc_auc"));
        assertThat(slackMessages("/slack-churn", "launched")).hasSize(1);
        assertThat(slackMessages("/slack-churn", "failed")).isEmpty();

        // the webhook: launched (after a 500, retried) and promoted, each signed
        List<Received> hooks = receivers.received("/hook-churn");
        List<String> events = new ArrayList<>();
        for (Received h : hooks) {
            assertThat(h.header(WebhookReceiver.SIGNATURE_HEADER))
                    .isEqualTo("sha256=" + WebhookReceiver.hmacSha256("hook-s3cret", h.body()));
            JsonNode body = ApiClient.JSON.readTree(h.body());
            assertThat(h.header("X-Driftwatch-Event")).isEqualTo(body.get("event").asText());
            events.add(body.get("event").asText());
        }
        assertThat(events)
                .containsExactly("retrain.launched", "retrain.launched", "retrain.promoted");
        JsonNode promotedHook = ApiClient.JSON.readTree(hooks.get(2).body()).get("retrain_run");
        assertThat(promotedHook.get("run_id").asLong()).isEqualTo(id);
        assertThat(promotedHook.get("severity").asText()).isEqualTo("info");
        assertThat(promotedHook.get("trigger_fingerprint").asText()).isEqualTo(drift.fingerprint());
        assertThat(promotedHook.get("gates")).hasSize(3);

        assertThat(receivers.received("/pd-churn")).isEmpty();
        JsonNode deliveries =
                api.get("/api/v1/retrain-runs/" + id + "/deliveries").json().get("deliveries");
        assertThat(deliveries.findValuesAsText("event"))
                .containsExactlyInAnyOrder("launched", "launched", "promoted", "promoted");
        await().atMost(Duration.ofSeconds(5))
                .until(
                        () ->
                                api
                                        .get("/api/v1/retrain-runs/" + id + "/deliveries")
                                        .json()
                                        .get("deliveries")
                                        .findValuesAsText("status")
                                        .stream()
                                        .allMatch("delivered"::equals));

        // duplicates: queuing the same run event again adds nothing, and nothing more is sent
        long slackRoute =
                server.jdbi()
                        .withHandle(
                                h ->
                                        h.createQuery(
                                                        "SELECT id FROM notification_routes"
                                                                + " WHERE name = 'churn-slack'")
                                                .mapTo(Long.class)
                                                .one());
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        int again =
                server.jdbi()
                        .withExtension(
                                DeliveryDao.class,
                                d -> d.insertRunEvent(id, slackRoute, "promoted", "{}", now));
        assertThat(again).isZero();
        // every delivery of the run is delivered and none was added: nothing more can be sent
        assertThat(
                        api.get("/api/v1/retrain-runs/" + id + "/deliveries")
                                .json()
                                .get("deliveries")
                                .findValuesAsText("status"))
                .hasSize(4)
                .containsOnly("delivered");
        assertThat(slackMessages("/slack-churn", "promoted")).hasSize(1);

        // the log takes a delivery of an alert or of a run event, never both or neither
        assertThatThrownBy(
                        () ->
                                server.jdbi()
                                        .useHandle(
                                                h ->
                                                        h.execute(
                                                                "INSERT INTO deliveries (route_id,"
                                                                        + " event, status,"
                                                                        + " next_attempt_at,"
                                                                        + " created_at) VALUES (?,"
                                                                        + " 'promoted', 'pending',"
                                                                        + " now(), now())",
                                                                slackRoute)))
                .hasMessageContaining("deliveries_subject_check");
    }

    @Test
    void aFailedRunPagesAndTheNextPromotionOfTheModelResolvesThePage() throws Exception {
        modelWithChampion("ltv");
        putPolicy("ltv", Map.of("TRAINER_FAIL", "1"));
        route(
                "{\"name\": \"ltv-pager\", \"receiver\": \"pagerduty\", \"url\": \""
                        + receivers.url("/pd-ltv")
                        + "\", \"routing_key\": \"LTVKEY\", \"match\": {\"model_name\": \"ltv\"}}");

        long failedId = requestRun("ltv");
        JsonNode failed = awaitFinal(failedId, "failed");
        await().atMost(Duration.ofSeconds(10)).until(() -> bodies("/pd-ltv").size() == 1);
        JsonNode page = bodies("/pd-ltv").get(0);
        assertThat(page.get("routing_key").asText()).isEqualTo("LTVKEY");
        assertThat(page.get("event_action").asText()).isEqualTo("trigger");
        assertThat(page.get("dedup_key").asText()).isEqualTo("retrain-run-" + failedId);
        assertThat(page.at("/payload/severity").asText()).isEqualTo("error");
        assertThat(page.at("/payload/source").asText()).isEqualTo("ltv");
        assertThat(page.at("/payload/class").asText()).isEqualTo("RetrainRun");
        assertThat(page.at("/payload/custom_details/run_id").asLong()).isEqualTo(failedId);
        assertThat(page.at("/payload/custom_details/failure_reason").asText())
                .isEqualTo(failed.get("failure_reason").asText())
                .isNotEmpty();

        putPolicy("ltv", Map.of());
        long goodId = requestRun("ltv");
        awaitFinal(goodId, "promoted");
        await().atMost(Duration.ofSeconds(10)).until(() -> bodies("/pd-ltv").size() == 2);
        JsonNode resolve = bodies("/pd-ltv").get(1);
        assertThat(resolve.get("event_action").asText()).isEqualTo("resolve");
        assertThat(resolve.get("dedup_key").asText()).isEqualTo("retrain-run-" + failedId);
        assertThat(resolve.get("routing_key").asText()).isEqualTo("LTVKEY");

        // launched and promoted do not page: the good run queued nothing for the page route
        assertThat(
                        api.get("/api/v1/retrain-runs/" + goodId + "/deliveries")
                                .json()
                                .get("deliveries"))
                .isEmpty();
        assertThat(bodies("/pd-ltv")).hasSize(2);
        assertThat(
                        api.get("/api/v1/retrain-runs/" + failedId + "/deliveries")
                                .json()
                                .get("deliveries")
                                .findValuesAsText("event"))
                .containsExactly("failed", "resolve");
    }
}
