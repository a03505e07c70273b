package dev.driftwatch.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.driftwatch.core.alert.Alert;
import dev.driftwatch.launcher.KubernetesJobBackend;
import dev.driftwatch.launcher.KubernetesMockCluster;
import dev.driftwatch.launcher.TrainerVariable;
import dev.driftwatch.launcher.TrainingJobs;
import dev.driftwatch.registry.ApiClient.Answer;
import dev.driftwatch.registry.profile.ReferenceProfilePublisher;
import dev.driftwatch.registry.retrain.RetrainSettings;
import dev.driftwatch.testsupport.TestPostgres;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The retraining loop on the Kubernetes backend: the registry (real PostgreSQL and HTTP) creates
 * Jobs in the fabric8 mock server (CRUD mode, no controllers), the test writes Job status as the
 * Job controller would and acts as the trainer over HTTP; the run's state follows, and the run is
 * charged the GPU-hours its Jobs' start and end times say.
 *
 * <p>Built to hold on a loaded machine: the clients wait up to a minute for the mock server ({@link
 * KubernetesMockCluster}), every wait is for a condition, and the backend reads a failed pod's log
 * with one plain GET (no watch that the CRUD mock server would keep open).
 */
class RetrainKubernetesITCase {
    static final String ADMIN = "admin-token-for-retrain-k8s";
    static final String NS = "ml-training";
    static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension final KubernetesMockCluster k8s = new KubernetesMockCluster(NS);

    /** The mock server's client; the test and the registry use it. */
    KubernetesClient client;

    DataSource db;
    RegistryServer registry;
    ApiClient api;

    @BeforeEach
    void start() {
        client = k8s.client();
        db = TestPostgres.freshDatabase();
        startRegistry();
        api.post("/api/2.0/mlflow/registered-models/create", "{\"name\": \"fraud\"}");
        api.post("/api/2.0/mlflow/model-versions/create", "{\"name\": \"fraud\"}");
        api.post(
                "/api/2.0/mlflow/registered-models/alias",
                "{\"name\": \"fraud\", \"alias\": \"champion\", \"version\": \"1\"}");
        // an admin sets what runs execute; the policy names the templates
        Answer train =
                api.send(
                        "PUT",
                        "/api/v1/training-templates/fraud-train",
                        """
                        {"image": "ghcr.io/acme/fraud-trainer:1.4",
                         "command": ["python", "-m", "train"], "gpus": 1,
                         "cpu": "4", "memory": "16Gi", "deadline": "2h",
                         "backoff_limit": 1, "queue": "gpu-training",
                         "node_selector": {"nvidia.com/gpu.present": "true"},
                         "parameters": {"EPOCHS": {"default": "20", "pattern": "[0-9]{1,4}"}}}
                        """);
        assertThat(train.status()).as(train.body()).isEqualTo(200);
        Answer validate =
                api.send(
                        "PUT",
                        "/api/v1/training-templates/fraud-validate",
                        """
                        {"image": "ghcr.io/acme/fraud-trainer:1.4",
                         "command": ["python", "-m", "validate"], "deadline": "30min"}
                        """);
        assertThat(validate.status()).as(validate.body()).isEqualTo(200);
        Answer p =
                api.send(
                        "PUT",
                        "/api/v1/models/fraud/retrain-policy",
                        """
                        {"triggers": [{"alertname": "FeatureDrift"}],
                         "training": {"template": "fraud-train", "parameters": {"EPOCHS": "30"}},
                         "validation": {"template": "fraud-validate"},
                         "gates": [{"type": "min_vs_champion", "metric": "roc_auc",
                                    "tolerance": 0.01}]}
                        """);
        assertThat(p.status()).as(p.body()).isEqualTo(200);
    }

    void startRegistry() {
        registry =
                RegistryServer.start(
                        RegistryConfig.defaults()
                                .withHost("127.0.0.1")
                                .withPort(0)
                                .withAdminToken(ADMIN),
                        db,
                        ReferenceProfilePublisher.NONE,
                        Clock.systemUTC(),
                        RetrainSettings.with(new KubernetesJobBackend(client, NS))
                                .withTrainerRegistryUrl("http://registry.driftwatch:8080")
                                .withPollInterval(Duration.ofMillis(100)));
        api = new ApiClient(registry.url(), ADMIN);
    }

    @AfterEach
    void stop() {
        if (registry != null) {
            registry.close();
        }
    }

    long fireAlert() {
        Alert a =
                Alert.firing(
                        Map.of(
                                "alertname", "FeatureDrift",
                                "severity", "critical",
                                "model_name", "fraud",
                                "metric", "psi",
                                "feature", "amount"),
                        Map.of(),
                        Instant.parse("2026-11-26T10:00:00Z"),
                        "");
        assertThat(api.post("/api/v1/alerts", a.toJson()).status()).isEqualTo(200);
        return api.get("/api/v1/retrain-runs?model_name=fraud").json().at("/runs/0/id").asLong();
    }

    Job awaitJob(String name) {
        await().atMost(WAIT)
                .until(
                        () ->
                                client.batch().v1().jobs().inNamespace(NS).withName(name).get()
                                        != null);
        return client.batch().v1().jobs().inNamespace(NS).withName(name).get();
    }

    JsonNode awaitState(long id, String state) {
        await().atMost(WAIT)
                .pollInterval(Duration.ofMillis(50))
                .until(
                        () -> api.get("/api/v1/retrain-runs/" + id).json().get("state").asText(),
                        s -> s.equals(state));
        return api.get("/api/v1/retrain-runs/" + id).json();
    }

    /** The token the backend gave a run's part, read from the part's Secret. */
    ApiClient trainer(String backendRunId) {
        Secret s =
                await().atMost(WAIT)
                        .until(
                                () ->
                                        client.secrets()
                                                .inNamespace(NS)
                                                .withName(
                                                        TrainingJobs.tokenSecretName(backendRunId))
                                                .get(),
                                java.util.Objects::nonNull);
        String token =
                s.getStringData() != null && s.getStringData().containsKey(TrainingJobs.TOKEN_KEY)
                        ? s.getStringData().get(TrainingJobs.TOKEN_KEY)
                        : new String(
                                java.util.Base64.getDecoder()
                                        .decode(s.getData().get(TrainingJobs.TOKEN_KEY)),
                                java.nio.charset.StandardCharsets.UTF_8);
        return api.as(token);
    }

    /**
     * What the trainer does over HTTP, with its run's token: registers the candidate, reports it.
     */
    void trainerReports(long id, String trainingRunId) {
        ApiClient trainer = trainer(trainingRunId);
        Answer v =
                trainer.post(
                        "/api/2.0/mlflow/model-versions/create",
                        "{\"name\": \"fraud\", \"tags\": [{\"key\": \"run_id\", \"value\": \""
                                + trainingRunId
                                + "\"}]}");
        assertThat(v.status()).as(v.body()).isEqualTo(200);
        String version = v.json().at("/model_version/version").asText();
        Answer c =
                trainer.post(
                        "/api/v1/retrain-runs/" + id + "/candidate",
                        "{\"version\": \"" + version + "\", \"metrics\": {\"roc_auc\": 0.94}}");
        assertThat(c.status()).as(c.body()).isEqualTo(200);
    }

    @Test
    void jobStatusDrivesTheRunFromAlertToPromotion() {
        long id = fireAlert();
        String trainingJob = "dw-rr-" + id + "-training";
        Job job = awaitJob(trainingJob);
        JsonNode launched = awaitState(id, "launched");
        assertThat(launched.get("training_run_id").asText()).isEqualTo("rr-" + id + "-training");
        assertThat(launched.get("backend").asText()).isEqualTo("kubernetes");
        assertThat(launched.get("gpu_hours").asDouble()).isEqualTo(2.0);
        assertThat(job.getMetadata().getLabels())
                .containsEntry("driftwatch.dev/model", "fraud")
                .containsEntry("driftwatch.dev/model-version", "1")
                .containsEntry("kueue.x-k8s.io/queue-name", "gpu-training");
        var container = job.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(container.getResources().getLimits())
                .containsEntry("nvidia.com/gpu", new Quantity("1"));
        Map<String, EnvVar> env = new java.util.HashMap<>();
        container.getEnv().forEach(e -> env.put(e.getName(), e));
        assertThat(env.get(TrainerVariable.REGISTRY_URL.envName()).getValue())
                .isEqualTo("http://registry.driftwatch:8080");
        assertThat(
                        env.get(TrainerVariable.REGISTRY_TOKEN.envName())
                                .getValueFrom()
                                .getSecretKeyRef()
                                .getName())
                .as("the run's own token, in a Secret of its own")
                .isEqualTo(TrainingJobs.tokenSecretName("rr-" + id + "-training"));
        assertThat(env.get("EPOCHS").getValue()).as("the policy's parameter").isEqualTo("30");
        assertThat(env.get(TrainerVariable.RETRAIN_RUN.envName()).getValue())
                .isEqualTo(String.valueOf(id));
        assertThat(env.get(TrainerVariable.DATA_WINDOW_START.envName()).getValue()).isNotEmpty();

        // the Job ran one hour on its one GPU: the training part is charged 1.0 of its 2.0
        Instant t0 = Instant.parse("2026-11-26T10:00:00Z");
        k8s.running(trainingJob, t0);
        awaitState(id, "training");
        trainerReports(id, "rr-" + id + "-training");
        k8s.succeeded(trainingJob, t0.plus(Duration.ofHours(1)));

        String validationJob = "dw-rr-" + id + "-validation";
        Job v = awaitJob(validationJob);
        assertThat(v.getMetadata().getLabels())
                .containsEntry("driftwatch.dev/run-kind", "validation");
        JsonNode validating = awaitState(id, "validating");
        assertThat(validating.get("training_gpu_hours").asDouble()).isEqualTo(1.0);
        assertThat(validating.get("gpu_hours").asDouble()).isEqualTo(1.0);

        // a report with the champion's value in the wrong place is refused, naming the field
        ApiClient validator = trainer("rr-" + id + "-validation");
        Answer misplaced =
                validator.post(
                        "/api/v1/retrain-runs/" + id + "/validation-metrics",
                        "{\"candidate\": {\"roc_auc\": 0.94}, \"metrics\": {\"champion\":"
                                + " {\"roc_auc\": 0.91}}}");
        assertThat(misplaced.status()).isEqualTo(400);
        assertThat(misplaced.json().get("message").asText()).contains("unknown field 'metrics'");
        Answer nested =
                validator.post(
                        "/api/v1/retrain-runs/" + id + "/validation-metrics",
                        "{\"candidate\": {\"roc_auc\": 0.94, \"champion\": {\"roc_auc\":"
                                + " 0.91}}}");
        assertThat(nested.status()).isEqualTo(400);
        assertThat(nested.json().get("message").asText())
                .contains("'candidate.champion' must be a number");
        // the run has a champion and a min_vs_champion gate: the champion's value is required
        Answer noChampion =
                validator.post(
                        "/api/v1/retrain-runs/" + id + "/validation-metrics",
                        "{\"candidate\": {\"roc_auc\": 0.94}}");
        assertThat(noChampion.status()).isEqualTo(400);
        assertThat(noChampion.json().get("message").asText())
                .contains("'champion.roc_auc' is missing");
        assertThat(api.get("/api/v1/retrain-runs/" + id).json().get("validation_metrics").isNull())
                .as("nothing refused was stored")
                .isTrue();
        Answer m =
                validator.post(
                        "/api/v1/retrain-runs/" + id + "/validation-metrics",
                        "{\"candidate\": {\"roc_auc\": 0.94}, \"champion\": {\"roc_auc\": 0.91}}");
        assertThat(m.status()).as(m.body()).isEqualTo(200);
        k8s.succeeded(validationJob, Instant.now());

        JsonNode promoted = awaitState(id, "promoted");
        assertThat(promoted.get("gpu_hours").asDouble()).isEqualTo(1.0);
        assertThat(promoted.get("validation_gpu_hours").asDouble()).isZero();
        assertThat(promoted.get("transitions").findValuesAsText("to"))
                .containsExactly(
                        "requested",
                        "launched",
                        "training",
                        "trained",
                        "validating",
                        "validated",
                        "promoted");
        assertThat(
                        api.get("/api/2.0/mlflow/registered-models/alias?name=fraud&alias=champion")
                                .json()
                                .at("/model_version/version")
                                .asText())
                .isEqualTo("2");
    }

    @Test
    void aFailedJobFailsTheRunWithItsReasonAndThePodLogTail() {
        long id = fireAlert();
        String trainingJob = "dw-rr-" + id + "-training";
        awaitJob(trainingJob);
        Instant started = Instant.parse("2026-11-26T10:00:00Z");
        k8s.running(trainingJob, started);
        awaitState(id, "training");
        // it failed 30 minutes after it started
        k8s.failed(
                trainingJob,
                "DeadlineExceeded",
                null,
                started.plus(Duration.ofMinutes(30)),
                "epoch 41\nstill training when the deadline hit\n");
        JsonNode failed = awaitState(id, "failed");
        assertThat(failed.get("failure_reason").asText())
                .startsWith("training failed: DeadlineExceeded");
        assertThat(failed.get("log_tail").asText())
                .contains("still training when the deadline hit");
        // charged what ran (1 GPU x 30 min), not the reservation (1 GPU x 2 h); validation never
        // ran
        assertThat(failed.get("gpu_hours").asDouble()).isEqualTo(0.5);
        assertThat(failed.get("training_gpu_hours").asDouble()).isEqualTo(0.5);
        assertThat(failed.get("validation_gpu_hours").asDouble()).isZero();
    }

    @Test
    void aRestartedRegistryReconcilesFromTheJobsWithoutASecondJob() {
        long id = fireAlert();
        String trainingJob = "dw-rr-" + id + "-training";
        awaitJob(trainingJob);
        k8s.running(trainingJob, Instant.now());
        awaitState(id, "training");
        registry.close();

        startRegistry();
        trainerReports(id, "rr-" + id + "-training");
        k8s.succeeded(trainingJob, Instant.now());
        awaitState(id, "validating");
        assertThat(
                        client.batch().v1().jobs().inNamespace(NS).list().getItems().stream()
                                .map(j -> j.getMetadata().getName())
                                .toList())
                .containsExactlyInAnyOrder(trainingJob, "dw-rr-" + id + "-validation");
    }

    @Test
    void cancellingARunDeletesItsJob() {
        long id = fireAlert();
        String trainingJob = "dw-rr-" + id + "-training";
        awaitJob(trainingJob);
        awaitState(id, "launched");
        Answer c = api.post("/api/v1/retrain-runs/" + id + "/cancel", "");
        assertThat(c.status()).as(c.body()).isEqualTo(200);
        assertThat(c.json().get("state").asText()).isEqualTo("cancelled");
        // the Job never started: nothing is charged, the reservation is released
        assertThat(c.json().get("gpu_hours").asDouble()).isZero();
        List<String> causes = c.json().get("transitions").findValuesAsText("cause");
        assertThat(causes.get(causes.size() - 1)).startsWith("token:");
        assertThat(client.batch().v1().jobs().inNamespace(NS).withName(trainingJob).get()).isNull();
    }
}
