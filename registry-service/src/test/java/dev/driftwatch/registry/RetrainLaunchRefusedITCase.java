package dev.driftwatch.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.driftwatch.launcher.LaunchException;
import dev.driftwatch.launcher.RunSpec;
import dev.driftwatch.launcher.RunStatus;
import dev.driftwatch.launcher.TrainingBackend;
import dev.driftwatch.registry.ApiClient.Answer;
import dev.driftwatch.registry.retrain.RetrainSettings;
import dev.driftwatch.testsupport.TestPostgres;
import dev.driftwatch.testsupport.TestProfiles;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A training backend that refuses every launch (a quota, an unreachable cluster): the run is tried
 * again at each step and fails after three refusals in a row with {@code LaunchFailed} and the
 * backend's reason.
 */
class RetrainLaunchRefusedITCase {
    static final String ADMIN = "admin-token-for-launch-refusals";

    /** A backend that refuses every launch with the same reason and counts the attempts. */
    static final class RefusingBackend implements TrainingBackend {
        final AtomicInteger launches = new AtomicInteger();

        @Override
        public RunStatus launch(RunSpec spec) {
            launches.incrementAndGet();
            throw new LaunchException("exceeded quota: requests.cpu=8 of 8 in namespace ml");
        }

        @Override
        public Optional<RunStatus> status(String runId) {
            return Optional.empty();
        }

        @Override
        public boolean cancel(String runId) {
            return false;
        }

        @Override
        public List<RunStatus> runs() {
            return List.of();
        }

        @Override
        public String name() {
            return "refusing";
        }

        @Override
        public void close() {}
    }

    @Test
    void aLaunchTheBackendKeepsRefusingFailsTheRunWithTheBackendsReason() {
        RefusingBackend backend = new RefusingBackend();
        try (RegistryServer server =
                RegistryServer.start(
                        RegistryConfig.defaults()
                                .withHost("127.0.0.1")
                                .withPort(0)
                                .withAdminToken(ADMIN),
                        TestPostgres.freshDatabase(),
                        RetrainSettings.with(backend)
                                .withTemplates(TestTrainer.templates())
                                .withPollInterval(Duration.ofMillis(100)))) {
            ApiClient api = new ApiClient(server.url(), ADMIN);
            String model = "refused";
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
                                            "/api/v1/models/"
                                                    + model
                                                    + "/versions/1/reference-profile",
                                            TestProfiles.json(model, "1"))
                                    .status())
                    .isEqualTo(200);
            api.post(
                    "/api/2.0/mlflow/registered-models/alias",
                    "{\"name\": \"" + model + "\", \"alias\": \"champion\", \"version\": \"1\"}");
            ObjectNode policy = ApiClient.JSON.createObjectNode();
            ObjectNode trigger = policy.putArray("triggers").addObject();
            trigger.put("alertname", "FeatureDrift");
            trigger.putArray("severities").add("critical");
            policy.put("cooldown", "1h");
            policy.put("approval", "automatic");
            policy.put("data_window", "7d");
            policy.set("training", TestTrainer.choice("test-train", Map.of()));
            policy.set("validation", TestTrainer.choice("test-validate", Map.of()));
            policy.putArray("gates")
                    .addObject()
                    .put("type", "max_value")
                    .put("metric", "latency_p99_ms")
                    .put("max", 50);
            Answer put =
                    api.send(
                            "PUT",
                            "/api/v1/models/" + model + "/retrain-policy",
                            policy.toString());
            assertThat(put.status()).as(put.body()).isEqualTo(200);

            Answer created =
                    api.post("/api/v1/retrain-runs", "{\"model_name\": \"" + model + "\"}");
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            long id = created.json().get("id").asLong();

            await().atMost(Duration.ofSeconds(60))
                    .until(
                            () ->
                                    api.get("/api/v1/retrain-runs/" + id)
                                            .json()
                                            .get("state")
                                            .asText()
                                            .equals("failed"));
            JsonNode run = api.get("/api/v1/retrain-runs/" + id).json();
            assertThat(run.get("failure_reason").asText())
                    .startsWith("LaunchFailed: the refusing backend refused the training run 3")
                    .endsWith("exceeded quota: requests.cpu=8 of 8 in namespace ml");
            assertThat(backend.launches.get()).isEqualTo(3);
            assertThat(api.get("/api/v1/retrain-runs?model_name=" + model).json().get("runs"))
                    .hasSize(1);
        }
    }
}
