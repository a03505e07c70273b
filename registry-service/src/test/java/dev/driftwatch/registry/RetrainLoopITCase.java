package dev.driftwatch.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.driftwatch.core.alert.Alert;
import dev.driftwatch.launcher.LocalProcessBackend;
import dev.driftwatch.registry.ApiClient.Answer;
import dev.driftwatch.registry.auth.RunTokens;
import dev.driftwatch.registry.retrain.RetrainSettings;
import dev.driftwatch.testsupport.TestKafka;
import dev.driftwatch.testsupport.TestPostgres;
import dev.driftwatch.testsupport.TestProfiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole retraining loop on real PostgreSQL, Kafka and HTTP, with the local process backend
 * running {@link TestTrainer} as the trainer and the validator: a firing alert → run → candidate →
 * gates → promotion → the new champion's profile on {@code driftwatch.reference-profiles}; gate
 * failure, manual approval, budget, cooldown, dedup, failure, cancel and bad input.
 */
class RetrainLoopITCase {
    static final String ADMIN = "admin-token-for-retrain-tests";

    /**
     * Its own profiles topic, so other test classes' records on the default one are not mixed in.
     */
    static final String TOPIC = "driftwatch.reference-profiles.retrain-loop";

    static RegistryServer server;
    static ApiClient api;
    static Path runDir;

    @BeforeAll
    static void start() throws Exception {
        runDir = Files.createTempDirectory("retrain-runs");
        server =
                RegistryServer.start(
                        RegistryConfig.defaults()
                                .withHost("127.0.0.1")
                                .withPort(0)
                                .withAdminToken(ADMIN)
                                .withKafka(TestKafka.bootstrapServers())
                                .withTopics(RegistryConfig.DEFAULT_ALERTS_TOPIC, TOPIC),
                        TestPostgres.freshDatabase(),
                        RetrainSettings.with(new LocalProcessBackend(runDir))
                                .withTemplates(TestTrainer.templates())
                                .withPollInterval(Duration.ofMillis(100)));
        api = new ApiClient(server.url(), ADMIN);
    }

    /**
     * The fraud keys on the topic, read from its start until there are {@code n}, the last {@code
     * last}.
     */
    static List<String> fraudKeysUntil(int n, String last) {
        List<String> keys = new java.util.ArrayList<>();
        await().atMost(Duration.ofSeconds(30))
                .until(
                        () -> {
                            keys.clear();
                            TestKafka.read(TOPIC, 1).stream()
                                    .map(ConsumerRecord::key)
                                    .filter(k -> k.startsWith("fraud/"))
                                    .forEach(keys::add);
                            return keys.size() >= n && keys.get(keys.size() - 1).equals(last);
                        });
        return keys;
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    // ---- fixtures ----

    /** A model with version 1 as champion (with its reference profile). */
    static void modelWithChampion(String model) {
        assertThat(
                        api.post(
                                        "/api/2.0/mlflow/registered-models/create",
                                        "{\"name\": \"" + model + "\"}")
                                .status())
                .isEqualTo(200);
        api.post("/api/2.0/mlflow/model-versions/create", "{\"name\": \"" + model + "\"}");
        assertThat(
                        api.send(
                                        "PUT",
                                        "/api/v1/models/" + model + "/versions/1/reference-profile",
                                        TestProfiles.json(model, "1"))
                                .status())
                .isEqualTo(200);
        api.post(
                "/api/2.0/mlflow/registered-models/alias",
                "{\"name\": \"" + model + "\", \"alias\": \"champion\", \"version\": \"1\"}");
    }

    static ObjectNode policy(
            String alertname,
            String approval,
            Map<String, String> trainEnv,
            Map<String, String> validateEnv) {
        ObjectNode p = ApiClient.JSON.createObjectNode();
        ObjectNode trigger = p.putArray("triggers").addObject();
        trigger.put("alertname", alertname);
        trigger.putArray("severities").add("critical").add("error");
        p.put("cooldown", "1h");
        p.put("approval", approval);
        p.put("data_window", "7d");
        p.set("training", TestTrainer.choice("test-train", trainEnv));
        p.set("validation", TestTrainer.choice("test-validate", validateEnv));
        ArrayNode gates = p.putArray("gates");
        gates.addObject()
                .put("type", "min_vs_champion")
                .put("metric", "roc_auc")
                .put("tolerance", 0.01);
        gates.addObject().put("type", "max_value").put("metric", "latency_p99_ms").put("max", 50);
        gates.addObject().put("type", "max_segment_gap").put("metric", "roc_auc").put("max", 0.05);
        return p;
    }

    static void putPolicy(String model, JsonNode policy) {
        Answer a =
                api.send("PUT", "/api/v1/models/" + model + "/retrain-policy", policy.toString());
        assertThat(a.status()).as(a.body()).isEqualTo(200);
    }

    static Alert alert(String model, String alertname, String feature, Instant startsAt) {
        return Alert.firing(
                Map.of(
                        "alertname", alertname,
                        "severity", "critical",
                        "model_name", model,
                        "model_version", "1",
                        "metric", "psi",
                        "feature", feature,
                        "segment", ""),
                Map.of(
                        "summary",
                        "PSI of " + feature + " above 0.2",
                        "value",
                        "0.41",
                        "threshold",
                        "0.2"),
                startsAt,
                "http://localhost:8081");
    }

    static void post(Alert a) {
        Answer r = api.post("/api/v1/alerts", a.toJson());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    static JsonNode runOf(String model) {
        JsonNode runs = api.get("/api/v1/retrain-runs?model_name=" + model).json().get("runs");
        assertThat(runs).isNotEmpty();
        return api.get("/api/v1/retrain-runs/" + runs.get(0).get("id").asLong()).json();
    }

    static JsonNode awaitState(String model, String state) {
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(
                        () -> {
                            JsonNode runs =
                                    api.get("/api/v1/retrain-runs?model_name=" + model)
                                            .json()
                                            .get("runs");
                            return runs.isEmpty() ? "" : runs.get(0).get("state").asText();
                        },
                        s -> s.equals(state) || (isFinal(s) && !s.equals(state)));
        JsonNode run = runOf(model);
        assertThat(run.get("state").asText())
                .as(
                        "run %s: %s / %s",
                        run.get("id"), run.get("failure_reason"), run.get("log_tail"))
                .isEqualTo(state);
        return run;
    }

    static boolean isFinal(String s) {
        return List.of("promoted", "rejected", "failed", "cancelled").contains(s);
    }

    static List<String> states(JsonNode run) {
        return run.get("transitions").findValuesAsText("to");
    }

    static String champion(String model) {
        return api.get("/api/2.0/mlflow/registered-models/alias?name=" + model + "&alias=champion")
                .json()
                .at("/model_version/version")
                .asText();
    }

    // ---- tests ----

    @Test
    void aDriftAlertRetrainsValidatesAndPromotesAndTheNewBaselineIsPublished() {
        modelWithChampion("fraud");
        putPolicy("fraud", policy("FeatureDrift", "automatic", Map.of(), Map.of()));
        Alert drift =
                alert("fraud", "FeatureDrift", "amount", Instant.parse("2026-11-26T10:00:00Z"));
        post(drift);

        JsonNode run = awaitState("fraud", "promoted");
        assertThat(states(run))
                .containsExactly(
                        "requested",
                        "launched",
                        "training",
                        "trained",
                        "validating",
                        "validated",
                        "promoted");
        assertThat(run.get("transitions").findValuesAsText("cause"))
                .containsOnly(drift.fingerprint());
        assertThat(run.get("cause").asText()).isEqualTo(drift.fingerprint());
        assertThat(run.get("champion_version").asText()).isEqualTo("1");
        assertThat(run.get("candidate_version").asText()).isEqualTo("2");
        assertThat(run.get("backend").asText()).isEqualTo("local");
        assertThat(run.get("training_metrics").get("roc_auc").asDouble()).isEqualTo(0.93);
        assertThat(run.get("gates")).hasSize(3);
        assertThat(run.get("gates").findValuesAsText("passed")).containsOnly("true");
        JsonNode auc = run.get("gates").get(2);
        assertThat(auc.get("gate").asText()).isEqualTo("min_vs_champion");
        assertThat(auc.get("observed").asDouble()).isEqualTo(0.93);
        assertThat(auc.get("champion_value").asDouble()).isEqualTo(0.90);
        assertThat(auc.get("threshold").asDouble())
                .isCloseTo(0.89, org.assertj.core.data.Offset.offset(1e-9));

        // the registry: champion moved, previous kept, the candidate is tagged with its lineage
        assertThat(champion("fraud")).isEqualTo("2");
        JsonNode v2 =
                api.get("/api/2.0/mlflow/model-versions/get?name=fraud&version=2")
                        .json()
                        .get("model_version");
        assertThat(v2.get("aliases").toString()).contains("champion", "challenger");
        Map<String, String> tags = new java.util.HashMap<>();
        v2.get("tags").forEach(t -> tags.put(t.get("key").asText(), t.get("value").asText()));
        assertThat(tags)
                .containsEntry("run_id", run.get("training_run_id").asText())
                .containsEntry("trigger_alert", drift.fingerprint())
                .containsKey("dataset");

        // the drift job's new baseline is on the topic
        assertThat(fraudKeysUntil(2, "fraud/2")).containsSubsequence("fraud/1", "fraud/2");

        // lineage is one SQL query
        Jdbi jdbi = server.jdbi();
        Map<String, Object> lineage =
                jdbi.withHandle(
                        h ->
                                h.createQuery(
                                                "SELECT a.fingerprint, a.alertname, r.id AS run_id FROM model_versions v"
                                                        + " JOIN retrain_runs r ON r.model_name = v.name AND r.candidate_version = v.version"
                                                        + " JOIN alerts a ON a.id = r.trigger_alert_id"
                                                        + " WHERE v.name = :name AND v.version = :version")
                                        .bind("name", "fraud")
                                        .bind("version", 2)
                                        .mapToMap()
                                        .one());
        assertThat(lineage)
                .containsEntry("fingerprint", drift.fingerprint())
                .containsEntry("alertname", "FeatureDrift");

        // the same alert firing again is deduplicated; another one within the cooldown is not acted
        // on
        post(alert("fraud", "FeatureDrift", "amount", Instant.parse("2026-11-26T11:00:00Z")));
        post(alert("fraud", "FeatureDrift", "country", Instant.parse("2026-11-26T11:00:00Z")));
        post(alert("fraud", "LabelDelay", "country", Instant.parse("2026-11-26T11:00:00Z")));
        JsonNode triggers =
                api.get("/api/v1/retrain-triggers?model_name=fraud").json().get("triggers");
        assertThat(triggers.findValuesAsText("decision"))
                .containsExactly("cooldown", "duplicate", "requested");
        assertThat(api.get("/api/v1/retrain-runs?model_name=fraud").json().get("runs")).hasSize(1);

        // rollback moves champion back and republishes its baseline
        Answer back = api.post("/api/v1/models/fraud/rollback", "");
        assertThat(back.status()).as(back.body()).isEqualTo(200);
        assertThat(champion("fraud")).isEqualTo("1");
        assertThat(fraudKeysUntil(3, "fraud/1"))
                .containsSubsequence("fraud/1", "fraud/2", "fraud/1");
    }

    @Test
    void aCandidateFailingAGateIsRejectedAndTheChampionStays() {
        modelWithChampion("churn");
        putPolicy(
                "churn",
                policy(
                        "PerformanceDrop",
                        "automatic",
                        Map.of(),
                        Map.of("CANDIDATE_AUC", "0.85", "SEGMENT_GAP", "0.2")));
        post(alert("churn", "PerformanceDrop", "", Instant.parse("2026-11-26T10:00:00Z")));

        JsonNode run = awaitState("churn", "rejected");
        assertThat(states(run)).endsWith("validating", "rejected");
        assertThat(champion("churn")).isEqualTo("1");
        JsonNode gates = run.get("gates");
        Map<String, JsonNode> byGate = new java.util.HashMap<>();
        gates.forEach(g -> byGate.put(g.get("gate").asText(), g));
        assertThat(byGate.get("min_vs_champion").get("passed").asBoolean()).isFalse();
        assertThat(byGate.get("min_vs_champion").get("observed").asDouble()).isEqualTo(0.85);
        assertThat(byGate.get("max_segment_gap").get("passed").asBoolean()).isFalse();
        assertThat(byGate.get("max_segment_gap").get("observed").asDouble())
                .isCloseTo(0.2, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(byGate.get("max_value").get("passed").asBoolean()).isTrue();
        assertThat(
                        run.get("transitions")
                                .get(run.get("transitions").size() - 1)
                                .get("detail")
                                .asText())
                .contains("min_vs_champion roc_auc", "0.85");
    }

    @Test
    void manualApprovalWaitsForAnApprover() {
        modelWithChampion("ltv");
        putPolicy("ltv", policy("FeatureDrift", "manual", Map.of(), Map.of()));
        post(alert("ltv", "FeatureDrift", "age", Instant.parse("2026-11-26T10:00:00Z")));
        JsonNode run = awaitState("ltv", "awaiting_approval");
        long id = run.get("id").asLong();
        assertThat(champion("ltv")).isEqualTo("1");

        String operator = issue("ltv-operator", "operator");
        String approver = issue("ltv-approver", "approver");
        Answer denied = api.as(operator).post("/api/v1/retrain-runs/" + id + "/approve", "");
        assertThat(denied.status()).isEqualTo(403);
        Answer misplaced =
                api.as(approver)
                        .post("/api/v1/retrain-runs/" + id + "/approve", "{\"reason\": \"ok\"}");
        assertThat(misplaced.status()).isEqualTo(400);
        assertThat(misplaced.json().get("message").asText()).contains("unknown field 'reason'");
        Answer ok = api.as(approver).post("/api/v1/retrain-runs/" + id + "/approve", "");
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        assertThat(ok.json().get("state").asText()).isEqualTo("promoted");
        assertThat(states(ok.json())).endsWith("validated", "awaiting_approval", "promoted");
        assertThat(
                        ok.json()
                                .get("transitions")
                                .get(ok.json().get("transitions").size() - 1)
                                .get("detail")
                                .asText())
                .startsWith("approved by ltv-approver");
        // the approval's recorded cause is the approver; the run's own steps keep the alert
        List<String> causes = ok.json().get("transitions").findValuesAsText("cause");
        assertThat(causes.get(causes.size() - 1)).isEqualTo("token:ltv-approver");
        assertThat(causes.subList(0, causes.size() - 1)).containsOnly(run.get("cause").asText());
        Integer approvalCauses =
                server.jdbi()
                        .withHandle(
                                h ->
                                        h.createQuery(
                                                        "SELECT count(*) FROM retrain_transitions"
                                                                + " WHERE run_id = :id AND to_state"
                                                                + " = 'promoted' AND cause ="
                                                                + " 'token:ltv-approver'")
                                                .bind("id", id)
                                                .mapTo(Integer.class)
                                                .one());
        assertThat(approvalCauses).isEqualTo(1);
        assertThat(champion("ltv")).isEqualTo("2");

        Answer again =
                api.as(approver)
                        .post("/api/v1/retrain-runs/" + id + "/reject", "{\"reason\": \"late\"}");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.errorCode()).isEqualTo("INVALID_STATE");
        assertThat(again.json().get("message").asText()).contains("is promoted");
    }

    @Test
    void aRunThatWouldExceedTheGpuBudgetWaitsAndSaysWhy() {
        modelWithChampion("credit");
        ObjectNode p = policy("FeatureDrift", "automatic", Map.of(), Map.of());
        p.set("training", TestTrainer.choice("test-train-1gpu", Map.of()));
        p.put("gpu_hours_per_day", 0.5);
        putPolicy("credit", p);
        post(alert("credit", "FeatureDrift", "income", Instant.parse("2026-11-26T10:00:00Z")));
        await().atMost(Duration.ofSeconds(20))
                .until(() -> runOf("credit").get("waiting_reason").asText(""), r -> !r.isEmpty());
        JsonNode waiting = runOf("credit");
        assertThat(waiting.get("state").asText()).isEqualTo("requested");
        assertThat(waiting.get("waiting_reason").asText())
                .contains("GPU budget", "0.00 of 0.50 GPU-hours used today", "up to 1.00");

        p.put("gpu_hours_per_day", 4);
        putPolicy("credit", p);
        JsonNode run = awaitState("credit", "promoted");
        assertThat(run.get("waiting_reason").isNull()).isTrue();
        assertThat(run.get("gpu_hours").asDouble()).isLessThan(0.1);
    }

    @Test
    void fastFailuresAreChargedWhatTheyRanSoTheyDoNotExhaustTheBudget() {
        modelWithChampion("fastfail");
        ObjectNode p = policy("FeatureDrift", "automatic", Map.of("TRAINER_FAIL", "1"), Map.of());
        // each run may use 2 GPUs x 1 h = 2.0 GPU-hours of an 8-hour day: four reservations
        // would exhaust it, four fast failures must not
        p.set("training", TestTrainer.choice("test-train-2gpu", Map.of("TRAINER_FAIL", "1")));
        p.put("gpu_hours_per_day", 8);
        putPolicy("fastfail", p);
        String operator = issue("fastfail-operator", "operator");
        for (int i = 1; i <= 5; i++) {
            Answer created =
                    api.as(operator).post("/api/v1/retrain-runs", "{\"model_name\": \"fastfail\"}");
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            JsonNode failed = awaitState("fastfail", "failed");
            assertThat(failed.get("id").asLong()).isEqualTo(created.json().get("id").asLong());
            assertThat(failed.get("failure_reason").asText()).startsWith("training failed:");
            // charged 2 GPUs x the seconds the trainer ran, not the 2.0 reserved at launch
            assertThat(failed.get("gpu_hours").asDouble()).as("run %d", i).isLessThan(0.05);
            assertThat(failed.get("training_gpu_hours").asDouble())
                    .isEqualTo(failed.get("gpu_hours").asDouble());
            assertThat(failed.get("validation_gpu_hours").asDouble()).isZero();
        }
    }

    @Test
    void aFailedTrainingKeepsTheReasonAndTheLogTail() {
        modelWithChampion("spam");
        putPolicy(
                "spam", policy("FeatureDrift", "automatic", Map.of("TRAINER_FAIL", "1"), Map.of()));
        post(alert("spam", "FeatureDrift", "length", Instant.parse("2026-11-26T10:00:00Z")));
        JsonNode run = awaitState("spam", "failed");
        assertThat(run.get("failure_reason").asText())
                .contains("training failed: BackoffLimitExceeded");
        assertThat(run.get("log_tail").asText()).contains("loss exploded");
        assertThat(champion("spam")).isEqualTo("1");
    }

    @Test
    void aManualRunCanBeCancelledWhileTraining() {
        modelWithChampion("eta");
        putPolicy(
                "eta",
                policy("FeatureDrift", "automatic", Map.of("TRAINER_SLEEP_MS", "60000"), Map.of()));
        String operator = issue("eta-operator", "operator");
        Answer created = api.as(operator).post("/api/v1/retrain-runs", "{\"model_name\": \"eta\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        long id = created.json().get("id").asLong();
        assertThat(created.json().get("cause").asText()).isEqualTo("manual:eta-operator");
        Answer second = api.as(operator).post("/api/v1/retrain-runs", "{\"model_name\": \"eta\"}");
        assertThat(second.status()).isEqualTo(409);
        assertThat(second.json().get("message").asText())
                .contains("already has an active retrain run " + id);

        awaitState("eta", "training");
        Answer cancelled = api.as(operator).post("/api/v1/retrain-runs/" + id + "/cancel", "");
        assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
        assertThat(states(cancelled.json())).endsWith("training", "cancelled");
        assertThat(
                        api.get("/api/v1/retrain-runs?model_name=eta&state=cancelled")
                                .json()
                                .get("runs"))
                .hasSize(1);
    }

    @Test
    void badRequestsAreRefusedWithClearMessages() throws Exception {
        modelWithChampion("bad");
        Answer unknownField =
                api.send(
                        "PUT",
                        "/api/v1/models/bad/retrain-policy",
                        "{\"triggers\": [{}], \"cooldwn\": \"1h\"}");
        assertThat(unknownField.status()).isEqualTo(400);
        assertThat(unknownField.json().get("message").asText()).contains("unknown field 'cooldwn'");
        Answer badDuration =
                api.send(
                        "PUT",
                        "/api/v1/models/bad/retrain-policy",
                        policy("X", "automatic", Map.of(), Map.of())
                                .put("cooldown", "soon")
                                .toString());
        assertThat(badDuration.json().get("message").asText())
                .contains("'cooldown' must be a duration");
        Answer badGate = putBadPolicy("gates", "[{\"type\": \"vibes\", \"metric\": \"auc\"}]");
        assertThat(badGate.json().get("message").asText()).contains("gate type must be");
        assertThat(
                        api.send(
                                        "PUT",
                                        "/api/v1/models/nope/retrain-policy",
                                        policy("X", "automatic", Map.of(), Map.of()).toString())
                                .status())
                .isEqualTo(404);
        assertThat(api.get("/api/v1/models/bad/retrain-policy").status()).isEqualTo(404);
        String reader = issue("bad-reader", "reader");
        assertThat(
                        api.as(reader)
                                .send(
                                        "PUT",
                                        "/api/v1/models/bad/retrain-policy",
                                        policy("X", "automatic", Map.of(), Map.of()).toString())
                                .status())
                .isEqualTo(403);
        assertThat(api.as(null).get("/api/v1/retrain-runs").status()).isEqualTo(401);

        // every retraining body is read strictly: unknown or misplaced fields name themselves
        Answer nestedTypo =
                putBadPolicy("training", "{\"template\": \"test-train\", \"parameter\": {}}");
        assertThat(nestedTypo.status()).isEqualTo(400);
        assertThat(nestedTypo.json().get("message").asText())
                .contains("unknown field 'training.parameter'");
        Answer misplacedMax =
                putBadPolicy(
                        "gates",
                        "[{\"type\": \"min_vs_champion\", \"metric\": \"auc\", \"max\": 0.9}]");
        assertThat(misplacedMax.json().get("message").asText())
                .contains("unknown field 'gates[0].max'");
        assertThat(
                        api.post("/api/v1/retrain-runs", "{\"model\": \"bad\"}")
                                .json()
                                .get("message")
                                .asText())
                .contains("unknown field 'model'");
        assertThat(
                        api.post("/api/v1/retrain-runs/999999/reject", "{\"reasons\": \"late\"}")
                                .json()
                                .get("message")
                                .asText())
                .contains("unknown field 'reasons'");
        assertThat(
                        api.post("/api/v1/retrain-runs/999999/cancel", "{\"force\": true}")
                                .json()
                                .get("message")
                                .asText())
                .contains("unknown field 'force'");
        assertThat(
                        api.post("/api/v1/retrain-runs/999999/candidate", "{\"version\": \"2\"}")
                                .status())
                .as("a report with a person's token, even an admin's")
                .isEqualTo(403);

        Answer noPolicy = api.post("/api/v1/retrain-runs", "{\"model_name\": \"bad\"}");
        assertThat(noPolicy.status()).isEqualTo(400);
        assertThat(noPolicy.json().get("message").asText()).contains("has no retrain policy");
        assertThat(api.get("/api/v1/retrain-runs/abc").status()).isEqualTo(400);
        assertThat(api.get("/api/v1/retrain-runs/999999").status()).isEqualTo(404);
        assertThat(api.get("/api/v1/retrain-runs?state=sleeping").json().get("message").asText())
                .contains("state must be one of");
        assertThat(api.post("/api/v1/retrain-runs/999999/approve", "").status()).isEqualTo(404);
        assertThat(api.post("/api/v1/models/bad/rollback", "").json().get("message").asText())
                .contains("no 'previous' version");
    }

    @Test
    void onlyTheRunsOwnTokenReportsItAndItsBodiesAreReadStrictly() {
        modelWithChampion("own");
        modelWithChampion("other");
        putPolicy(
                "own",
                policy("FeatureDrift", "automatic", Map.of("TRAINER_SLEEP_MS", "60000"), Map.of()));
        Answer created = api.post("/api/v1/retrain-runs", "{\"model_name\": \"own\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        long id = created.json().get("id").asLong();
        awaitState("own", "training");
        // the trainer (asleep) holds the run's training token; the test mints one more the same way
        RunTokens runTokens = new RunTokens(server.jdbi(), java.time.Clock.systemUTC());
        String training = runTokens.issue(id, "training", "rr-" + id + "-training");
        String validation = runTokens.issue(id, "validation", "rr-" + id + "-training");
        String candidate = "/api/v1/retrain-runs/" + id + "/candidate";
        String good = "{\"version\": \"2\", \"metrics\": {\"roc_auc\": 0.9}}";

        // the attack: any other token reporting the run, operators and admins included
        String operator = issue("own-operator", "operator");
        for (String foreign : List.of(ADMIN, operator, validation)) {
            Answer refused = api.as(foreign).post(candidate, good);
            assertThat(refused.status()).as(refused.body()).isEqualTo(403);
            assertThat(refused.json().get("message").asText())
                    .contains("Only retrain run " + id + "'s own training token");
        }
        assertThat(api.as(training).post("/api/v1/retrain-runs/999999/candidate", good).status())
                .as("another run's report")
                .isEqualTo(403);
        assertThat(
                        api.as(training)
                                .post(
                                        "/api/v1/retrain-runs/" + id + "/validation-metrics",
                                        "{\"candidate\": {\"roc_auc\": 0.9}}")
                                .status())
                .as("the training token reporting validation metrics")
                .isEqualTo(403);
        // nor can a run's token do anything else
        assertThat(api.as(training).get("/api/v1/retrain-runs").status()).isEqualTo(403);
        assertThat(
                        api.as(training)
                                .get("/api/2.0/mlflow/registered-models/get?name=other")
                                .status())
                .isEqualTo(403);
        assertThat(
                        api.as(training)
                                .post(
                                        "/api/2.0/mlflow/model-versions/create",
                                        "{\"name\": \"own\"}")
                                .status())
                .as("a version that is not the run's candidate")
                .isEqualTo(403);

        // its own token: bodies are read strictly, unknown fields name themselves
        Answer candidateTypo =
                api.as(training)
                        .post(
                                candidate,
                                "{\"version\": \"2\", \"metrics\": {\"roc_auc\": 0.9}, \"run_id\": \"x\"}");
        assertThat(candidateTypo.status()).isEqualTo(400);
        assertThat(candidateTypo.json().get("message").asText()).contains("unknown field 'run_id'");
        Answer metricText =
                api.as(training)
                        .post(
                                candidate,
                                "{\"version\": \"2\", \"metrics\": {\"roc_auc\": \"high\"}}");
        assertThat(metricText.json().get("message").asText())
                .contains("'metrics.roc_auc' must be a number");
        Answer validationTypo =
                api.as(validation)
                        .post(
                                "/api/v1/retrain-runs/" + id + "/validation-metrics",
                                "{\"candidate\": {\"roc_auc\": 0.93, \"champion\": {\"roc_auc\": 0.9}}}");
        assertThat(validationTypo.status()).isEqualTo(400);
        assertThat(validationTypo.json().get("message").asText())
                .contains("'candidate.champion' must be a number");

        // the legitimate use: reading its model and creating its candidate
        assertThat(api.as(training).get("/api/2.0/mlflow/registered-models/get?name=own").status())
                .isEqualTo(200);
        Answer version =
                api.as(training)
                        .post(
                                "/api/2.0/mlflow/model-versions/create",
                                "{\"name\": \"own\", \"tags\": [{\"key\": \"run_id\", \"value\": \"rr-"
                                        + id
                                        + "-training\"}]}");
        assertThat(version.status()).as(version.body()).isEqualTo(200);
        assertThat(version.json().at("/model_version/user_id").asText())
                .isEqualTo("run:" + id + "/training");

        // the tokens expire with the run
        assertThat(api.post("/api/v1/retrain-runs/" + id + "/cancel", "").status()).isEqualTo(200);
        Answer expired = api.as(training).post(candidate, good);
        assertThat(expired.status()).isEqualTo(401);
        assertThat(expired.json().get("message").asText())
                .contains("a run's token expires when its run ends");
        long left =
                server.jdbi()
                        .withHandle(
                                h ->
                                        h.createQuery(
                                                        "SELECT count(*) FROM run_tokens WHERE run_id = :id")
                                                .bind("id", id)
                                                .mapTo(Long.class)
                                                .one());
        assertThat(left).isZero();
    }

    /** PUTs a valid policy for model {@code bad} with {@code field} replaced by {@code json}. */
    static Answer putBadPolicy(String field, String json) throws Exception {
        return api.send(
                "PUT",
                "/api/v1/models/bad/retrain-policy",
                policy("X", "automatic", Map.of(), Map.of())
                        .set(field, ApiClient.JSON.readTree(json))
                        .toString());
    }

    static String issue(String name, String role) {
        Answer a =
                api.post(
                        "/api/v1/tokens",
                        "{\"name\": \"" + name + "\", \"role\": \"" + role + "\"}");
        assertThat(a.status()).as(a.body()).isEqualTo(201);
        return a.json().get("token").asText();
    }
}
