package dev.driftwatch.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.driftwatch.core.alert.Alert;
import dev.driftwatch.launcher.KubernetesJobBackend;
import dev.driftwatch.launcher.RegistryToken;
import dev.driftwatch.registry.ApiClient.Answer;
import dev.driftwatch.registry.profile.ReferenceProfilePublisher;
import dev.driftwatch.registry.retrain.RetrainSettings;
import dev.driftwatch.testsupport.TestPostgres;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The retraining loop on the Kubernetes backend: the registry (real PostgreSQL and HTTP) creates
 * Jobs in the fabric8 mock server (CRUD mode, no controllers), the test writes Job status as the
 * Job controller would and acts as the trainer over HTTP; the run's state follows.
 */
@EnableKubernetesMockClient(crud = true)
class RetrainKubernetesITCase {
    static final String ADMIN = "admin-token-for-retrain-k8s";
    static final String NS = "ml-training";

    KubernetesMockServer server;
    KubernetesClient client;
    DataSource db;
    RegistryServer registry;
    ApiClient api;

    @BeforeEach
    void start() {
        db = TestPostgres.freshDatabase();
        startRegistry();
        api.post("/api/2.0/mlflow/registered-models/create", "{\"name\": \"fraud\"}");
        api.post("/api/2.0/mlflow/model-versions/create", "{\"name\": \"fraud\"}");
        api.post(
                "/api/2.0/mlflow/registered-models/alias",
                "{\"name\": \"fraud\", \"alias\": \"champion\", \"version\": \"1\"}");
        Answer p =
                api.send(
                        "PUT",
                        "/api/v1/models/fraud/retrain-policy",
                        """
                        {"triggers": [{"alertname": "FeatureDrift"}],
                         "training": {"image": "ghcr.io/acme/fraud-trainer:1.4",
                                      "command": ["python", "-m", "train"], "gpus": 1,
                                      "cpu": "4", "memory": "16Gi", "deadline": "2h",
                                      "backoff_limit": 1, "queue": "gpu-training",
                                      "node_selector": {"nvidia.com/gpu.present": "true"}},
                         "validation": {"image": "ghcr.io/acme/fraud-trainer:1.4",
                                        "command": ["python", "-m", "validate"],
                                        "deadline": "30min"},
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
                                .withTrainerAccess(
                                        "http://registry.driftwatch:8080",
                                        RegistryToken.fromSecret("driftwatch-trainer", "token"))
                                .withPollInterval(Duration.ofMillis(100)));
        api = new ApiClient(registry.url(), ADMIN);
    }

    @AfterEach
    void stop() {
        registry.close();
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
        await().atMost(Duration.ofSeconds(20))
                .until(
                        () ->
                                client.batch().v1().jobs().inNamespace(NS).withName(name).get()
                                        != null);
        return client.batch().v1().jobs().inNamespace(NS).withName(name).get();
    }

    JsonNode awaitState(long id, String state) {
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(50))
                .until(
                        () -> api.get("/api/v1/retrain-runs/" + id).json().get("state").asText(),
                        s -> s.equals(state));
        return api.get("/api/v1/retrain-runs/" + id).json();
    }

    void running(String job) {
        client.batch()
                .v1()
                .jobs()
                .inNamespace(NS)
                .withName(job)
                .editStatus(
                        j -> {
                            j.setStatus(new JobStatus());
                            j.getStatus().setStartTime(Instant.now().toString());
                            j.getStatus().setActive(1);
                            return j;
                        });
    }

    void complete(String job) {
        String now = Instant.now().toString();
        client.batch()
                .v1()
                .jobs()
                .inNamespace(NS)
                .withName(job)
                .editStatus(
                        j -> {
                            JobStatus s = j.getStatus() == null ? new JobStatus() : j.getStatus();
                            if (s.getStartTime() == null) {
                                s.setStartTime(now);
                            }
                            s.setActive(0);
                            s.setSucceeded(1);
                            s.setCompletionTime(now);
                            s.setConditions(
                                    List.of(
                                            condition("SuccessCriteriaMet", null, now),
                                            condition("Complete", null, now)));
                            j.setStatus(s);
                            return j;
                        });
    }

    static io.fabric8.kubernetes.api.model.batch.v1.JobCondition condition(
            String type, String reason, String at) {
        return new JobConditionBuilder()
                .withType(type)
                .withStatus("True")
                .withReason(reason)
                .withLastTransitionTime(at)
                .withLastProbeTime(at)
                .build();
    }

    /** What the trainer does over HTTP: registers the candidate and reports it. */
    void trainerReports(long id, String trainingRunId) {
        Answer v =
                api.post(
                        "/api/2.0/mlflow/model-versions/create",
                        "{\"name\": \"fraud\", \"tags\": [{\"key\": \"run_id\", \"value\": \""
                                + trainingRunId
                                + "\"}]}");
        String version = v.json().at("/model_version/version").asText();
        Answer c =
                api.post(
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
        assertThat(env.get("DRIFTWATCH_REGISTRY_URL").getValue())
                .isEqualTo("http://registry.driftwatch:8080");
        assertThat(env.get("DRIFTWATCH_REGISTRY_TOKEN").getValueFrom().getSecretKeyRef().getName())
                .isEqualTo("driftwatch-trainer");
        assertThat(env.get("DRIFTWATCH_RETRAIN_RUN").getValue()).isEqualTo(String.valueOf(id));
        assertThat(env.get("DRIFTWATCH_DATA_WINDOW_START").getValue()).isNotEmpty();

        running(trainingJob);
        awaitState(id, "training");
        trainerReports(id, "rr-" + id + "-training");
        complete(trainingJob);

        String validationJob = "dw-rr-" + id + "-validation";
        Job v = awaitJob(validationJob);
        assertThat(v.getMetadata().getLabels())
                .containsEntry("driftwatch.dev/run-kind", "validation");
        awaitState(id, "validating");
        Answer m =
                api.post(
                        "/api/v1/retrain-runs/" + id + "/validation-metrics",
                        "{\"candidate\": {\"roc_auc\": 0.94}, \"champion\": {\"roc_auc\": 0.91}}");
        assertThat(m.status()).as(m.body()).isEqualTo(200);
        complete(validationJob);

        JsonNode promoted = awaitState(id, "promoted");
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
        running(trainingJob);
        awaitState(id, "training");
        String pod = trainingJob + "-abcde";
        client.pods()
                .inNamespace(NS)
                .resource(
                        new PodBuilder()
                                .withNewMetadata()
                                .withName(pod)
                                .withNamespace(NS)
                                .addToLabels("batch.kubernetes.io/job-name", trainingJob)
                                .endMetadata()
                                .build())
                .create();
        server.expect()
                .get()
                .withPath(
                        "/api/v1/namespaces/"
                                + NS
                                + "/pods/"
                                + pod
                                + "/log?pretty=false&container=trainer&tailLines=50")
                .andReturn(200, "epoch 41\nstill training when the deadline hit\n")
                .always();
        String now = Instant.now().toString();
        client.batch()
                .v1()
                .jobs()
                .inNamespace(NS)
                .withName(trainingJob)
                .editStatus(
                        j -> {
                            j.getStatus().setActive(0);
                            j.getStatus().setFailed(1);
                            j.getStatus()
                                    .setConditions(
                                            List.of(
                                                    condition(
                                                            "FailureTarget",
                                                            "DeadlineExceeded",
                                                            now),
                                                    condition("Failed", "DeadlineExceeded", now)));
                            return j;
                        });
        JsonNode failed = awaitState(id, "failed");
        assertThat(failed.get("failure_reason").asText())
                .startsWith("training failed: DeadlineExceeded");
        assertThat(failed.get("log_tail").asText())
                .contains("still training when the deadline hit");
    }

    @Test
    void aRestartedRegistryReconcilesFromTheJobsWithoutASecondJob() {
        long id = fireAlert();
        String trainingJob = "dw-rr-" + id + "-training";
        awaitJob(trainingJob);
        running(trainingJob);
        awaitState(id, "training");
        registry.close();

        startRegistry();
        trainerReports(id, "rr-" + id + "-training");
        complete(trainingJob);
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
        assertThat(client.batch().v1().jobs().inNamespace(NS).withName(trainingJob).get()).isNull();
    }
}
