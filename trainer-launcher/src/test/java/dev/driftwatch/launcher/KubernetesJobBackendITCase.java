package dev.driftwatch.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyRule;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The contract on the Kubernetes backend against the fabric8 mock server in CRUD mode (no
 * controllers run there, so the driver writes Job status the way the Job controller would), plus
 * the Job spec field by field, restart reconciliation and cancel.
 */
class KubernetesJobBackendITCase extends TrainingBackendContractTest {
    static final String NS = "ml-training";

    @RegisterExtension final KubernetesMockCluster k8s = new KubernetesMockCluster(NS);

    @Override
    TrainingBackend newBackend() {
        return new KubernetesJobBackend(k8s.client(), NS);
    }

    @Override
    RunDriver newDriver(Path controlDir) {
        return new JobController();
    }

    /** Writes what the Job controller and kubelet would: status conditions, a pod, its log. */
    final class JobController implements RunDriver {
        @Override
        public void start(String runId) {
            k8s.running(TrainingJobs.jobName(runId), Instant.now());
        }

        @Override
        public void succeed(String runId) {
            k8s.succeeded(TrainingJobs.jobName(runId), Instant.now());
        }

        @Override
        public void fail(String runId, int exitCode, String logLine) {
            k8s.failed(
                    TrainingJobs.jobName(runId),
                    exitCode == RunSpec.NON_RETRYABLE_EXIT_CODE
                            ? "PodFailurePolicy"
                            : "BackoffLimitExceeded",
                    "exit code " + exitCode,
                    Instant.now(),
                    "epoch 1 loss 0.41\n" + logLine + "\n");
        }
    }

    io.fabric8.kubernetes.client.dsl.ScalableResource<Job> job(String runId) {
        return k8s.client()
                .batch()
                .v1()
                .jobs()
                .inNamespace(NS)
                .withName(TrainingJobs.jobName(runId));
    }

    List<Job> jobs() {
        return k8s.client().batch().v1().jobs().inNamespace(NS).list().getItems();
    }

    @Test
    void theJobSpecCarriesEverythingTheRunNeeds() {
        String id = newRunId();
        RunSpec spec =
                controlledSpec(id)
                        .registry(
                                "http://registry.driftwatch:8080",
                                RegistryToken.fromSecret("driftwatch-trainer", "token"))
                        .dataWindow(
                                Instant.parse("2026-11-19T00:00:00Z"),
                                Instant.parse("2026-11-26T00:00:00Z"))
                        .gpus(2)
                        .cpu("8")
                        .memory("32Gi")
                        .deadline(Duration.ofHours(3))
                        .backoffLimit(2)
                        .ttlAfterFinished(Duration.ofHours(6))
                        .nodeSelector(Map.of("nvidia.com/gpu.product", "NVIDIA-H100-80GB-HBM3"))
                        .queueName("gpu-training")
                        .build();
        backend.launch(spec);

        Job job = job(id).get();
        assertThat(job.getMetadata().getName()).isEqualTo("dw-" + id);
        assertThat(job.getMetadata().getLabels())
                .containsEntry("app.kubernetes.io/managed-by", "driftwatch")
                .containsEntry("driftwatch.dev/model", "fraud")
                .containsEntry("driftwatch.dev/model-version", "3")
                .containsEntry("driftwatch.dev/run-id", id)
                .containsEntry("driftwatch.dev/run-kind", "training")
                .containsEntry("kueue.x-k8s.io/queue-name", "gpu-training");
        assertThat(job.getMetadata().getAnnotations()).containsEntry("driftwatch.dev/run-id", id);

        JobSpec js = job.getSpec();
        assertThat(js.getBackoffLimit()).isEqualTo(2);
        assertThat(js.getActiveDeadlineSeconds()).isEqualTo(3 * 3600L);
        assertThat(js.getTtlSecondsAfterFinished()).isEqualTo(6 * 3600);
        assertThat(js.getSuspend()).as("Kueue admits a suspended Job").isTrue();
        List<PodFailurePolicyRule> rules = js.getPodFailurePolicy().getRules();
        assertThat(rules).hasSize(2);
        assertThat(rules.get(0).getAction()).isEqualTo("FailJob");
        assertThat(rules.get(0).getOnExitCodes().getOperator()).isEqualTo("In");
        assertThat(rules.get(0).getOnExitCodes().getValues()).containsExactly(42);
        assertThat(rules.get(0).getOnExitCodes().getContainerName()).isEqualTo("trainer");
        assertThat(rules.get(1).getAction()).isEqualTo("Ignore");
        assertThat(rules.get(1).getOnPodConditions().get(0).getType())
                .isEqualTo("DisruptionTarget");

        var pod = js.getTemplate().getSpec();
        assertThat(js.getTemplate().getMetadata().getLabels())
                .containsEntry("driftwatch.dev/run-id", id)
                .doesNotContainKey("kueue.x-k8s.io/queue-name");
        assertThat(pod.getRestartPolicy()).isEqualTo("Never");
        assertThat(pod.getNodeSelector())
                .containsEntry("nvidia.com/gpu.product", "NVIDIA-H100-80GB-HBM3");
        assertThat(pod.getTolerations()).hasSize(1);
        assertThat(pod.getTolerations().get(0).getKey()).isEqualTo("nvidia.com/gpu");
        assertThat(pod.getTolerations().get(0).getOperator()).isEqualTo("Exists");
        assertThat(pod.getTolerations().get(0).getEffect()).isEqualTo("NoSchedule");

        var c = pod.getContainers().get(0);
        assertThat(c.getName()).isEqualTo("trainer");
        assertThat(c.getImage()).isEqualTo("ghcr.io/driftwatch/test-trainer:1");
        assertThat(c.getCommand()).isEqualTo(spec.command());
        assertThat(c.getResources().getLimits())
                .containsEntry("nvidia.com/gpu", new Quantity("2"))
                .containsEntry("cpu", new Quantity("8"))
                .containsEntry("memory", new Quantity("32Gi"));
        assertThat(c.getResources().getRequests())
                .containsEntry("cpu", new Quantity("8"))
                .doesNotContainKey("nvidia.com/gpu");
        Map<String, EnvVar> env =
                c.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, Function.identity()));
        assertThat(env.get(TrainerVariable.RUN_ID.envName()).getValue()).isEqualTo(id);
        assertThat(env.get(TrainerVariable.RUN_KIND.envName()).getValue()).isEqualTo("training");
        assertThat(env.get(TrainerVariable.MODEL_NAME.envName()).getValue()).isEqualTo("fraud");
        assertThat(env.get(TrainerVariable.REGISTRY_URL.envName()).getValue())
                .isEqualTo("http://registry.driftwatch:8080");
        assertThat(env.get(TrainerVariable.DATA_WINDOW_START.envName()).getValue())
                .isEqualTo("2026-11-19T00:00:00Z");
        assertThat(env.get(TrainerVariable.DATA_WINDOW_END.envName()).getValue())
                .isEqualTo("2026-11-26T00:00:00Z");
        EnvVar token = env.get(TrainerVariable.REGISTRY_TOKEN.envName());
        assertThat(token.getValue()).isNull();
        assertThat(token.getValueFrom().getSecretKeyRef().getName())
                .isEqualTo("driftwatch-trainer");
        assertThat(token.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("token");
    }

    @Test
    void aCpuOnlyRunHasNoGpuLimitNoTolerationAndIsNotSuspended() {
        String id = newRunId();
        backend.launch(controlledSpec(id).build());
        Job job = job(id).get();
        assertThat(job.getSpec().getSuspend()).isFalse();
        assertThat(job.getSpec().getTemplate().getSpec().getTolerations()).isEmpty();
        assertThat(
                        job.getSpec()
                                .getTemplate()
                                .getSpec()
                                .getContainers()
                                .get(0)
                                .getResources()
                                .getLimits())
                .doesNotContainKey("nvidia.com/gpu");
    }

    @Test
    void aRunIdThatIsNotADnsLabelGetsAStableDistinctName() {
        String a = TrainingJobs.jobName("RR_7.Training");
        assertThat(a).matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?").hasSizeLessThanOrEqualTo(63);
        assertThat(TrainingJobs.jobName("RR_7.Training")).isEqualTo(a);
        assertThat(TrainingJobs.jobName("rr-7-training")).isNotEqualTo(a);
        assertThat(TrainingJobs.jobName("rr-7.training")).isNotEqualTo(a);
        assertThat(TrainingJobs.jobName("x".repeat(100))).hasSizeLessThanOrEqualTo(63);
    }

    @Test
    void aRestartedBackendReconcilesFromTheJobsAndNeverCreatesASecondOne() {
        String id = newRunId();
        RunSpec spec = controlledSpec(id).build();
        backend.launch(spec);
        driver.start(id);
        awaitPhase(id, RunPhase.RUNNING);
        backend.close();

        // the registry restarts: a new backend on the same namespace
        backend = newBackend();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> backend.runs().stream().anyMatch(r -> r.runId().equals(id)));
        RunStatus found =
                backend.runs().stream().filter(r -> r.runId().equals(id)).findFirst().get();
        assertThat(found.phase()).isEqualTo(RunPhase.RUNNING);
        assertThat(found.modelName()).isEqualTo("fraud");
        backend.launch(spec);
        assertThat(jobs()).filteredOn(j -> j.getMetadata().getName().equals("dw-" + id)).hasSize(1);

        driver.succeed(id);
        awaitPhase(id, RunPhase.SUCCEEDED);
    }

    @Test
    void cancelDeletesTheJobWithBackgroundPropagation() throws Exception {
        String id = newRunId();
        backend.launch(controlledSpec(id).build());
        assertThat(job(id).get()).isNotNull();
        assertThat(backend.cancel(id)).isTrue();
        var delete = k8s.server().getLastRequest();
        assertThat(delete.getMethod()).isEqualTo("DELETE");
        assertThat(delete.getBody().readUtf8()).contains("\"propagationPolicy\":\"Background\"");
        assertThat(job(id).get()).isNull();
    }

    @Test
    void aRunsOwnTokenGoesIntoASecretOwnedByItsJobNeverIntoTheJobSpec() {
        String id = newRunId();
        String value = "dwr_the-runs-own-token-value";
        RunSpec spec =
                controlledSpec(id)
                        .registry("http://registry.driftwatch:8080", RegistryToken.of(value))
                        .build();
        backend.launch(spec);

        Job job = job(id).get();
        assertThat(io.fabric8.kubernetes.client.utils.Serialization.asJson(job))
                .doesNotContain(value);
        EnvVar token =
                job.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                        .filter(e -> e.getName().equals(TrainerVariable.REGISTRY_TOKEN.envName()))
                        .findFirst()
                        .orElseThrow();
        assertThat(token.getValue()).isNull();
        assertThat(token.getValueFrom().getSecretKeyRef().getName())
                .isEqualTo("dw-" + id + "-token");
        assertThat(token.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("token");

        var secret = k8s.client().secrets().inNamespace(NS).withName("dw-" + id + "-token").get();
        assertThat(secret).isNotNull();
        String stored =
                secret.getStringData() != null && secret.getStringData().containsKey("token")
                        ? secret.getStringData().get("token")
                        : new String(
                                java.util.Base64.getDecoder().decode(secret.getData().get("token")),
                                java.nio.charset.StandardCharsets.UTF_8);
        assertThat(stored).isEqualTo(value);
        assertThat(secret.getMetadata().getOwnerReferences()).hasSize(1);
        var owner = secret.getMetadata().getOwnerReferences().get(0);
        assertThat(owner.getKind()).isEqualTo("Job");
        assertThat(owner.getName()).isEqualTo("dw-" + id);
        assertThat(owner.getUid()).isEqualTo(job.getMetadata().getUid());

        // relaunching keeps the one Secret; cancel removes it with the Job
        backend.launch(spec);
        assertThat(k8s.client().secrets().inNamespace(NS).list().getItems())
                .filteredOn(x -> x.getMetadata().getName().equals("dw-" + id + "-token"))
                .hasSize(1);
        assertThat(backend.cancel(id)).isTrue();
        assertThat(k8s.client().secrets().inNamespace(NS).withName("dw-" + id + "-token").get())
                .isNull();
    }

    /**
     * The race the contract test once hit under load: {@code status} answered from the API server
     * (the informer did not have the Job yet) that the run was running, and the next call answered
     * from the informer's older copy that it was pending, without a start time.
     */
    @Test
    void aRunsStatusNeverGoesBackWhenTheInformersCopyIsOlder() {
        String id = newRunId();
        backend.launch(controlledSpec(id).gpus(2).build());
        Job pending = job(id).get();
        driver.start(id);
        Job running = job(id).get();
        KubernetesJobBackend k8s = (KubernetesJobBackend) backend;

        RunStatus fresh = k8s.observe(running);
        assertThat(fresh.phase()).isEqualTo(RunPhase.RUNNING);
        assertThat(fresh.startedAt()).isNotNull();
        RunStatus fromStaleCopy = k8s.observe(pending);
        assertThat(fromStaleCopy.phase()).isEqualTo(RunPhase.RUNNING);
        assertThat(fromStaleCopy.startedAt()).isEqualTo(fresh.startedAt());

        driver.fail(id, 3, "boom");
        RunStatus failed = k8s.observe(job(id).get());
        assertThat(failed.phase()).isEqualTo(RunPhase.FAILED);
        assertThat(k8s.observe(running).phase()).isEqualTo(RunPhase.FAILED);
    }
}
