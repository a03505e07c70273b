package dev.driftwatch.launcher;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each run as a batch/v1 Job (see {@link TrainingJobs#job}) in one namespace. Status comes
 * from an informer on the Jobs carrying the Driftwatch labels, so it is current without polling the
 * API server and a restarted registry finds the Jobs it launched before. The first time a failed
 * Job's status is asked for, the tail of its newest pod's log is read with one plain GET (no watch,
 * no waiting for the pod; bounded by the client's request timeout) and kept: pods go away with the
 * Job's TTL. The informer's event thread never does I/O.
 *
 * <p>A run's literal registry token goes into a Secret of its own ({@link
 * TrainingJobs#tokenSecret}), owned by the Job, never into the Job spec. Status never goes back:
 * the informer's copy of a Job may be older than one read from the API server a moment before, so a
 * run's status is never reported behind one already reported (a running run never becomes pending
 * again, a started one never loses its start time).
 *
 * <pre>{@code
 * KubernetesClient client = new KubernetesClientBuilder().build();
 * try (TrainingBackend backend = new KubernetesJobBackend(client, "ml-training")) {
 *     backend.launch(spec);
 * }
 * }</pre>
 */
public final class KubernetesJobBackend implements TrainingBackend {
    private static final Logger LOG = LoggerFactory.getLogger(KubernetesJobBackend.class);

    private final KubernetesClient client;
    private final String namespace;
    private final SharedIndexInformer<Job> informer;
    private final Map<String, String> logTails = new ConcurrentHashMap<>();
    private final Map<String, RunStatus> reported = new ConcurrentHashMap<>();

    public KubernetesJobBackend(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
        this.informer =
                client.batch()
                        .v1()
                        .jobs()
                        .inNamespace(namespace)
                        .withLabel(TrainingJobs.MANAGED_BY_LABEL, TrainingJobs.MANAGED_BY)
                        .inform(
                                new ResourceEventHandler<>() {
                                    @Override
                                    public void onAdd(Job job) {}

                                    @Override
                                    public void onUpdate(Job before, Job job) {}

                                    @Override
                                    public void onDelete(Job job, boolean unknownFinalState) {
                                        String runId = TrainingJobs.status(job).runId();
                                        logTails.remove(runId);
                                        reported.remove(runId);
                                    }
                                },
                                0);
    }

    @Override
    public RunStatus launch(RunSpec spec) {
        String name = TrainingJobs.jobName(spec.runId());
        Job existing = jobs().withName(name).get();
        if (existing == null) {
            try {
                existing = jobs().resource(TrainingJobs.job(spec, namespace)).create();
                LOG.info(
                        "created Job {}/{} for run {} of {}",
                        namespace,
                        name,
                        spec.runId(),
                        spec.modelName());
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw new LaunchException(
                            "could not create Job "
                                    + namespace
                                    + "/"
                                    + name
                                    + ": "
                                    + e.getMessage(),
                            e);
                }
                existing = jobs().withName(name).get();
            }
        }
        ensureTokenSecret(spec, existing);
        return observe(existing);
    }

    /** Creates the run's token Secret, owned by its Job, unless it exists. */
    private void ensureTokenSecret(RunSpec spec, Job job) {
        Secret secret = TrainingJobs.tokenSecret(spec, job);
        if (secret == null) {
            return;
        }
        var secrets = client.secrets().inNamespace(namespace);
        if (secrets.withName(secret.getMetadata().getName()).get() != null) {
            return;
        }
        try {
            secrets.resource(secret).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw new LaunchException(
                        "could not create the token Secret "
                                + namespace
                                + "/"
                                + secret.getMetadata().getName()
                                + " of run "
                                + spec.runId()
                                + ": "
                                + e.getMessage(),
                        e);
            }
        }
    }

    @Override
    public Optional<RunStatus> status(String runId) {
        String name = TrainingJobs.jobName(runId);
        Job job = informer.getStore().getByKey(namespace + "/" + name);
        if (job == null) {
            // a Job created a moment ago may not have reached the informer yet: ask the API server
            job = jobs().withName(name).get();
        }
        if (job == null) {
            reported.remove(runId);
            return Optional.empty();
        }
        return Optional.of(observe(job));
    }

    /** The run status a Job says, never behind the run's status reported before. */
    RunStatus observe(Job job) {
        return report(withLogTail(TrainingJobs.status(job)));
    }

    /**
     * {@code seen}, unless a status further on was reported for the run before (the informer's copy
     * may be older than the API server's answer read a moment ago); records what it returns.
     */
    private RunStatus report(RunStatus seen) {
        return reported.merge(
                seen.runId(),
                seen,
                (before, now) -> progress(now) < progress(before) ? before : now);
    }

    /** How far a run has got: pending, running, running with a start time, finished. */
    static int progress(RunStatus s) {
        if (s.finished()) {
            return 3;
        }
        if (s.phase() == RunPhase.RUNNING) {
            return s.startedAt() != null ? 2 : 1;
        }
        return 0;
    }

    @Override
    public boolean cancel(String runId) {
        String name = TrainingJobs.jobName(runId);
        try {
            boolean deleted =
                    !jobs().withName(name)
                            .withPropagationPolicy(DeletionPropagation.BACKGROUND)
                            .delete()
                            .isEmpty();
            logTails.remove(runId);
            reported.remove(runId);
            // the Job's garbage collection deletes it too; this does not wait for it
            client.secrets()
                    .inNamespace(namespace)
                    .withName(TrainingJobs.tokenSecretName(runId))
                    .delete();
            if (deleted) {
                LOG.info("deleted Job {}/{} (run {} cancelled)", namespace, name, runId);
            }
            return deleted;
        } catch (KubernetesClientException e) {
            throw new LaunchException(
                    "could not delete Job " + namespace + "/" + name + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<RunStatus> runs() {
        return informer.getStore().list().stream().map(this::observe).toList();
    }

    @Override
    public String name() {
        return "kubernetes";
    }

    @Override
    public void close() {
        informer.close();
    }

    private io.fabric8.kubernetes.client.dsl.NonNamespaceOperation<
                    Job,
                    io.fabric8.kubernetes.api.model.batch.v1.JobList,
                    io.fabric8.kubernetes.client.dsl.ScalableResource<Job>>
            jobs() {
        return client.batch().v1().jobs().inNamespace(namespace);
    }

    /**
     * A failed run's status with its log tail, read at the first ask and kept; no lock is held
     * while reading (two threads asking at once may both read; the first answer is kept).
     */
    private RunStatus withLogTail(RunStatus s) {
        if (s.phase() != RunPhase.FAILED) {
            return s;
        }
        String tail = logTails.get(s.runId());
        if (tail == null) {
            logTails.putIfAbsent(s.runId(), readLogTail(TrainingJobs.jobName(s.runId())));
            tail = logTails.get(s.runId());
        }
        return s.withLogTail(tail);
    }

    /** The last lines of the newest pod of the Job, or a note saying why there are none. */
    private String readLogTail(String jobName) {
        try {
            List<Pod> pods =
                    client.pods()
                            .inNamespace(namespace)
                            .withLabel("batch.kubernetes.io/job-name", jobName)
                            .list()
                            .getItems();
            if (pods.isEmpty()) {
                pods =
                        client.pods()
                                .inNamespace(namespace)
                                .withLabel("job-name", jobName)
                                .list()
                                .getItems();
            }
            Optional<Pod> newest =
                    pods.stream()
                            .max(
                                    Comparator.comparing(
                                            p ->
                                                    p.getMetadata().getCreationTimestamp() == null
                                                            ? ""
                                                            : p.getMetadata()
                                                                    .getCreationTimestamp()));
            if (newest.isEmpty()) {
                return "(no pod of Job " + jobName + " was found to read its log)";
            }
            // a plain GET of the log: the DSL's getLog() first waits for the pod with an informer
            // (a list and possibly a watch per call), which a finished or mocked pod never
            // satisfies
            String log = client.raw(logPath(newest.get().getMetadata().getName()));
            return LogTail.of(log);
        } catch (KubernetesClientException e) {
            return "(could not read the log of Job " + jobName + ": " + e.getMessage() + ")";
        }
    }

    /** The API path of the trainer container's last {@link LogTail#LINES} log lines. */
    private String logPath(String pod) {
        return "/api/v1/namespaces/"
                + URLEncoder.encode(namespace, StandardCharsets.UTF_8)
                + "/pods/"
                + URLEncoder.encode(pod, StandardCharsets.UTF_8)
                + "/log?pretty=false&container="
                + TrainingJobs.CONTAINER_NAME
                + "&tailLines="
                + LogTail.LINES;
    }
}
