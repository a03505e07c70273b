package dev.driftwatch.launcher;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A fabric8 Kubernetes mock API server in CRUD mode for one test, with clients that wait for it and
 * the writes the Job controller and kubelet would make (no controllers run in the mock).
 *
 * <p>Register it as an instance field ({@code @RegisterExtension final KubernetesMockCluster k8s =
 * new KubernetesMockCluster("ns")}): it starts before the test's {@code @BeforeEach} methods and
 * closes its clients and the server after the test's {@code @AfterEach} methods, whether the test
 * passed or failed. Its clients allow a minute per request (the default is 10 s): the mock server's
 * event loop can stall for seconds on a loaded machine. A failed pod's log is served before the pod
 * exists, so a backend that finds the pod always finds its log; tests wait for the state they
 * expect with Awaitility, never for a fixed time.
 */
public final class KubernetesMockCluster implements BeforeEachCallback, AfterEachCallback {
    /** How long one request of the clients may take, in milliseconds. */
    public static final int CLIENT_TIMEOUT_MS = 60_000;

    private final String namespace;
    private final List<KubernetesClient> clients = new ArrayList<>();
    private KubernetesMockServer server;
    private Config config;
    private KubernetesClient client;

    public KubernetesMockCluster(String namespace) {
        this.namespace = namespace;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        server =
                new KubernetesMockServer(
                        new Context(),
                        new MockWebServer(),
                        responses,
                        new KubernetesMixedDispatcher(responses),
                        false);
        server.init();
        try (KubernetesClient injected = server.createClient()) {
            config =
                    new ConfigBuilder(injected.getConfiguration())
                            .withRequestTimeout(CLIENT_TIMEOUT_MS)
                            .withConnectionTimeout(CLIENT_TIMEOUT_MS)
                            .build();
        }
        client = newClient(null);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        try {
            clients.forEach(KubernetesClient::close);
        } finally {
            clients.clear();
            server.destroy();
        }
    }

    /** The namespace the tests create their Jobs in. */
    public String namespace() {
        return namespace;
    }

    /** The mock server, for expectations and the requests it received. */
    public KubernetesMockServer server() {
        return server;
    }

    /** The test's client of the mock server; closed after the test. */
    public KubernetesClient client() {
        return client;
    }

    /**
     * Another client of the mock server that sends {@code userAgent} (null: fabric8's own), so a
     * test can tell its requests from the test's; closed after the test.
     */
    public KubernetesClient newClient(String userAgent) {
        ConfigBuilder c = new ConfigBuilder(config);
        if (userAgent != null) {
            c.withUserAgent(userAgent);
        }
        KubernetesClient k = new KubernetesClientBuilder().withConfig(c.build()).build();
        clients.add(k);
        return k;
    }

    /** The requests the server received since the last call, in order, without waiting for more. */
    public List<RecordedRequest> takeRequests() throws InterruptedException {
        List<RecordedRequest> taken = new ArrayList<>();
        RecordedRequest r;
        while ((r = server.takeRequest(0, TimeUnit.MILLISECONDS)) != null) {
            taken.add(r);
        }
        return taken;
    }

    /** The Job's pod runs since {@code start}: what the Job controller writes then. */
    public void running(String job, Instant start) {
        editStatus(
                job,
                s -> {
                    s.setStartTime(start.toString());
                    s.setActive(1);
                });
    }

    /** The Job completed at {@code end}. */
    public void succeeded(String job, Instant end) {
        ended(
                job,
                end,
                "SuccessCriteriaMet",
                "Complete",
                null,
                null,
                s -> {
                    s.setSucceeded(1);
                    s.setCompletionTime(end.toString());
                });
    }

    /**
     * The Job failed at {@code at} for {@code reason} ({@code message} may be null): its pod {@code
     * job-x7k2p}, whose trainer container's log is {@code log}, then the Job's status.
     */
    public void failed(String job, String reason, String message, Instant at, String log) {
        String pod = job + "-x7k2p";
        server.expect()
                .get()
                .withPath(
                        "/api/v1/namespaces/"
                                + namespace
                                + "/pods/"
                                + pod
                                + "/log?pretty=false&container="
                                + TrainingJobs.CONTAINER_NAME
                                + "&tailLines="
                                + LogTail.LINES)
                .andReturn(200, log)
                .always();
        client.pods()
                .inNamespace(namespace)
                .resource(
                        new PodBuilder()
                                .withNewMetadata()
                                .withName(pod)
                                .withNamespace(namespace)
                                .addToLabels("batch.kubernetes.io/job-name", job)
                                .withCreationTimestamp(at.toString())
                                .endMetadata()
                                .build())
                .create();
        ended(job, at, "FailureTarget", "Failed", reason, message, s -> s.setFailed(1));
    }

    /**
     * The Job's pod ended at {@code at}, in one status write: no pod active, a start time if it had
     * none, the two conditions the Job controller sets (the interim one and the final one) and
     * {@code outcome}'s fields.
     */
    private void ended(
            String job,
            Instant at,
            String interimCondition,
            String finalCondition,
            String reason,
            String message,
            Consumer<JobStatus> outcome) {
        String time = at.toString();
        editStatus(
                job,
                s -> {
                    if (s.getStartTime() == null) {
                        s.setStartTime(time);
                    }
                    s.setActive(0);
                    outcome.accept(s);
                    s.setConditions(
                            List.of(
                                    condition(interimCondition, reason, message, time),
                                    condition(finalCondition, reason, message, time)));
                });
    }

    private void editStatus(String job, Consumer<JobStatus> edit) {
        client.batch()
                .v1()
                .jobs()
                .inNamespace(namespace)
                .withName(job)
                .editStatus(
                        j -> {
                            if (j.getStatus() == null) {
                                j.setStatus(new JobStatus());
                            }
                            edit.accept(j.getStatus());
                            return j;
                        });
    }

    private static JobCondition condition(String type, String reason, String message, String at) {
        return new JobConditionBuilder()
                .withType(type)
                .withStatus("True")
                .withReason(reason)
                .withMessage(message)
                .withLastTransitionTime(at)
                .withLastProbeTime(at)
                .build();
    }
}
