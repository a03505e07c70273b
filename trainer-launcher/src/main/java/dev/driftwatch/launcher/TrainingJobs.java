package dev.driftwatch.launcher;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The batch/v1 Job of a run, and a Job's status read back as a {@link RunStatus}. The Job's name is
 * a function of the run id, so relaunching finds the same Job instead of creating a second one.
 */
public final class TrainingJobs {
    public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
    public static final String MANAGED_BY = "driftwatch";
    public static final String MODEL_LABEL = "driftwatch.dev/model";
    public static final String VERSION_LABEL = "driftwatch.dev/model-version";
    public static final String RUN_ID_LABEL = "driftwatch.dev/run-id";
    public static final String KIND_LABEL = "driftwatch.dev/run-kind";

    /** Kueue's queue label; with it the Job is created suspended and Kueue admits it. */
    public static final String KUEUE_QUEUE_LABEL = "kueue.x-k8s.io/queue-name";

    /** Exact run id and model name (labels may have been shortened to fit 63 characters). */
    public static final String RUN_ID_ANNOTATION = "driftwatch.dev/run-id";

    public static final String MODEL_ANNOTATION = "driftwatch.dev/model";
    public static final String GPU_RESOURCE = "nvidia.com/gpu";
    public static final String CONTAINER_NAME = "trainer";

    /** The key of a run's token Secret that holds the token. */
    public static final String TOKEN_KEY = "token";

    private TrainingJobs() {}

    /**
     * {@code dw-<run id>} in lower case; when the run id had to be changed to be a valid DNS label
     * (upper case, '.', '_', too long) a hash of the original is appended so two ids never share a
     * name.
     */
    public static String jobName(String runId) {
        String plain = "dw-" + runId;
        String cleaned = plain.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
        if (cleaned.equals(plain) && cleaned.length() <= 63) {
            return cleaned;
        }
        String hash = sha256(runId).substring(0, 10);
        String head = cleaned.substring(0, Math.min(cleaned.length(), 63 - 11));
        return head.replaceAll("-+$", "") + "-" + hash;
    }

    /** A label value: at most 63 characters of [A-Za-z0-9._-], starting and ending alphanumeric. */
    static String labelValue(String s) {
        String v = s.replaceAll("[^A-Za-z0-9._-]", "_");
        if (v.length() > 63) {
            v = v.substring(0, 52) + "_" + sha256(s).substring(0, 10);
        }
        return v.replaceAll("^[^A-Za-z0-9]+", "").replaceAll("[^A-Za-z0-9]+$", "");
    }

    /** The name of the Secret holding a run's own registry token: {@code <job name>-token}. */
    public static String tokenSecretName(String runId) {
        return jobName(runId) + "-token";
    }

    /**
     * The Secret that holds a run's literal registry token (key {@value #TOKEN_KEY}), owned by the
     * run's Job so that it goes when the Job goes; null when the run has no literal token.
     */
    public static Secret tokenSecret(RunSpec spec, Job owner) {
        if (spec.registryToken() == null || spec.registryToken().isSecretReference()) {
            return null;
        }
        return new SecretBuilder()
                .withNewMetadata()
                .withName(tokenSecretName(spec.runId()))
                .withNamespace(owner.getMetadata().getNamespace())
                .withLabels(labels(spec))
                .withAnnotations(Map.of(RUN_ID_ANNOTATION, spec.runId()))
                .addNewOwnerReference()
                .withApiVersion("batch/v1")
                .withKind("Job")
                .withName(owner.getMetadata().getName())
                .withUid(owner.getMetadata().getUid())
                .withBlockOwnerDeletion(false)
                .endOwnerReference()
                .endMetadata()
                .withType("Opaque")
                .withStringData(Map.of(TOKEN_KEY, spec.registryToken().value()))
                .build();
    }

    /** The labels every Job of this run carries (and its pods). */
    public static Map<String, String> labels(RunSpec spec) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(MANAGED_BY_LABEL, MANAGED_BY);
        labels.put(MODEL_LABEL, labelValue(spec.modelName()));
        labels.put(VERSION_LABEL, labelValue(spec.modelVersion()));
        labels.put(RUN_ID_LABEL, labelValue(spec.runId()));
        labels.put(KIND_LABEL, spec.kind().wireName());
        return labels;
    }

    /** The Job that runs {@code spec} in {@code namespace}. */
    public static Job job(RunSpec spec, String namespace) {
        Map<String, String> labels = labels(spec);
        Map<String, String> jobLabels = new LinkedHashMap<>(labels);
        if (spec.queueName() != null && !spec.queueName().isBlank()) {
            jobLabels.put(KUEUE_QUEUE_LABEL, spec.queueName());
        }
        List<EnvVar> env = new ArrayList<>();
        spec.environment().forEach((k, v) -> env.add(new EnvVar(k, v, null)));
        if (spec.registryToken() != null) {
            // never the value itself: anyone who may read Jobs would read the token
            RegistryToken token = spec.registryToken();
            env.add(
                    new EnvVarBuilder()
                            .withName(TrainerVariable.REGISTRY_TOKEN.envName())
                            .withNewValueFrom()
                            .withNewSecretKeyRef()
                            .withName(
                                    token.isSecretReference()
                                            ? token.secretName()
                                            : tokenSecretName(spec.runId()))
                            .withKey(token.isSecretReference() ? token.secretKey() : TOKEN_KEY)
                            .endSecretKeyRef()
                            .endValueFrom()
                            .build());
        }
        Map<String, Quantity> limits = new LinkedHashMap<>();
        Map<String, Quantity> requests = new LinkedHashMap<>();
        if (spec.cpu() != null) {
            limits.put("cpu", new Quantity(spec.cpu()));
            requests.put("cpu", new Quantity(spec.cpu()));
        }
        if (spec.memory() != null) {
            limits.put("memory", new Quantity(spec.memory()));
            requests.put("memory", new Quantity(spec.memory()));
        }
        if (spec.gpus() > 0) {
            limits.put(GPU_RESOURCE, new Quantity(String.valueOf(spec.gpus())));
        }
        JobBuilder b =
                new JobBuilder()
                        .withNewMetadata()
                        .withName(jobName(spec.runId()))
                        .withNamespace(namespace)
                        .withLabels(jobLabels)
                        .withAnnotations(
                                Map.of(
                                        RUN_ID_ANNOTATION,
                                        spec.runId(),
                                        MODEL_ANNOTATION,
                                        spec.modelName()))
                        .endMetadata();
        return b.withNewSpec()
                .withBackoffLimit(spec.backoffLimit())
                .withActiveDeadlineSeconds(spec.deadline().toSeconds())
                .withTtlSecondsAfterFinished((int) spec.ttlAfterFinished().toSeconds())
                .withSuspend(spec.queueName() != null && !spec.queueName().isBlank())
                .withNewPodFailurePolicy()
                .addNewRule()
                .withAction("FailJob")
                .withNewOnExitCodes()
                .withContainerName(CONTAINER_NAME)
                .withOperator("In")
                .withValues(RunSpec.NON_RETRYABLE_EXIT_CODE)
                .endOnExitCodes()
                .endRule()
                .addNewRule()
                .withAction("Ignore")
                .addNewOnPodCondition()
                .withType("DisruptionTarget")
                .withStatus("True")
                .endOnPodCondition()
                .endRule()
                .endPodFailurePolicy()
                .withNewTemplate()
                .withNewMetadata()
                .withLabels(labels)
                .endMetadata()
                .withNewSpec()
                .withRestartPolicy("Never")
                .withNodeSelector(spec.nodeSelector().isEmpty() ? null : spec.nodeSelector())
                .withTolerations(
                        spec.gpus() > 0
                                ? List.of(
                                        new io.fabric8.kubernetes.api.model.TolerationBuilder()
                                                .withKey(GPU_RESOURCE)
                                                .withOperator("Exists")
                                                .withEffect("NoSchedule")
                                                .build())
                                : List.of())
                .addNewContainer()
                .withName(CONTAINER_NAME)
                .withImage(spec.image())
                .withCommand(spec.command())
                .withEnv(env)
                .withNewResources()
                .withLimits(limits)
                .withRequests(requests)
                .endResources()
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }

    /** The run's status as the Job's conditions say; {@code logTail} is added by the caller. */
    public static RunStatus status(Job job) {
        Map<String, String> ann =
                job.getMetadata().getAnnotations() == null
                        ? Map.of()
                        : job.getMetadata().getAnnotations();
        Map<String, String> labels =
                job.getMetadata().getLabels() == null ? Map.of() : job.getMetadata().getLabels();
        String runId = ann.getOrDefault(RUN_ID_ANNOTATION, labels.getOrDefault(RUN_ID_LABEL, ""));
        String model = ann.getOrDefault(MODEL_ANNOTATION, labels.getOrDefault(MODEL_LABEL, ""));
        RunKind kind =
                RunKind.VALIDATION.wireName().equals(labels.get(KIND_LABEL))
                        ? RunKind.VALIDATION
                        : RunKind.TRAINING;
        int gpus = gpus(job);
        JobStatus s = job.getStatus();
        if (s == null) {
            return new RunStatus(
                    runId, model, kind, gpus, RunPhase.PENDING, "", "", null, null, "");
        }
        Instant started = time(s.getStartTime());
        for (JobCondition c :
                s.getConditions() == null ? List.<JobCondition>of() : s.getConditions()) {
            if (!"True".equals(c.getStatus())) {
                continue;
            }
            if ("Complete".equals(c.getType())) {
                Instant done = time(s.getCompletionTime());
                return new RunStatus(
                        runId,
                        model,
                        kind,
                        gpus,
                        RunPhase.SUCCEEDED,
                        "",
                        "",
                        started,
                        done != null ? done : time(c.getLastTransitionTime()),
                        "");
            }
            if ("Failed".equals(c.getType())) {
                return new RunStatus(
                        runId,
                        model,
                        kind,
                        gpus,
                        RunPhase.FAILED,
                        c.getReason() == null ? "Failed" : c.getReason(),
                        c.getMessage() == null ? "" : c.getMessage(),
                        started,
                        time(c.getLastTransitionTime()),
                        "");
            }
        }
        boolean running = (s.getActive() != null && s.getActive() > 0) || started != null;
        return new RunStatus(
                runId,
                model,
                kind,
                gpus,
                running ? RunPhase.RUNNING : RunPhase.PENDING,
                "",
                "",
                started,
                null,
                "");
    }

    /** The {@value #GPU_RESOURCE} limit of the Job's trainer container; 0 without one. */
    static int gpus(Job job) {
        if (job.getSpec() == null
                || job.getSpec().getTemplate() == null
                || job.getSpec().getTemplate().getSpec() == null) {
            return 0;
        }
        return job.getSpec().getTemplate().getSpec().getContainers().stream()
                .filter(c -> CONTAINER_NAME.equals(c.getName()))
                .findFirst()
                .map(c -> c.getResources() == null ? null : c.getResources().getLimits())
                .map(limits -> limits.get(GPU_RESOURCE))
                .map(q -> q.getNumericalAmount().intValue())
                .orElse(0);
    }

    private static Instant time(String s) {
        return s == null || s.isEmpty() ? null : Instant.parse(s);
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of()
                    .formatHex(
                            MessageDigest.getInstance("SHA-256")
                                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
