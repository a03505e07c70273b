package dev.driftwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.driftwatch.launcher.KubernetesJobBackend;
import dev.driftwatch.launcher.RegistryToken;
import dev.driftwatch.launcher.RunKind;
import dev.driftwatch.launcher.RunPhase;
import dev.driftwatch.launcher.RunSpec;
import dev.driftwatch.launcher.TrainingJobs;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What the registry's Kubernetes backend asks of the API server over a run's whole life (launch,
 * status, a failure with its log tail, cancel), recorded by the fabric8 mock server, is exactly
 * what {@link DeployManifestsTest#KUBERNETES_BACKEND_CALLS} lists and so what the Role in
 * deploy/base/registry-rbac.yaml grants: no call the Role would refuse, no grant nothing uses.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesBackendCallsITCase {
    static final String NS = "driftwatch-training";
    static final String AGENT = "driftwatch-registry-under-test";
    static final Duration WAIT = Duration.ofSeconds(60);

    /** {@code /api/v1/namespaces/NS/pods/NAME/log} and {@code /apis/batch/v1/...} alike. */
    static final Pattern PATH =
            Pattern.compile(
                    "/apis?/(?:(?<group>[^/]+)/)?v1/namespaces/(?<ns>[^/]+)/(?<resource>[^/]+)"
                            + "(?:/(?<name>[^/]+)(?:/(?<sub>[^/]+))?)?");

    KubernetesMockServer server;

    /** The test's own client: writes what the Job controller would (not recorded as calls). */
    KubernetesClient mockClient;

    /** The (group/resource, verb) pairs the backend's requests stand for. */
    private final Map<String, Set<String>> calls = new TreeMap<>();

    @Test
    void theBackendCallsExactlyWhatTheRoleGrants() throws Exception {
        KubernetesClient backendClient =
                new KubernetesClientBuilder()
                        .withConfig(
                                new ConfigBuilder(mockClient.getConfiguration())
                                        .withUserAgent(AGENT)
                                        .withRequestTimeout(60_000)
                                        .withConnectionTimeout(60_000)
                                        .build())
                        .build();
        String runId = "rr-1-training";
        String job = TrainingJobs.jobName(runId);
        try (KubernetesJobBackend backend = new KubernetesJobBackend(backendClient, NS)) {
            backend.launch(
                    RunSpec.builder(runId, "fraud", RunKind.TRAINING)
                            .modelVersion("1")
                            .image("ghcr.io/acme/fraud-trainer:1.4")
                            .command(List.of("python", "-m", "train"))
                            .registry(
                                    "http://driftwatch-registry.driftwatch.svc:8080",
                                    RegistryToken.of("dwr_a-token-of-this-run-only"))
                            .deadline(Duration.ofMinutes(10))
                            .build());
            backend.status(runId);
            fail(job);
            await().atMost(WAIT)
                    .until(
                            () -> backend.status(runId).orElseThrow(),
                            s -> s.phase() == RunPhase.FAILED);
            assertThat(backend.status(runId).orElseThrow().logTail()).contains("out of memory");
            assertThat(backend.cancel(runId)).isTrue();
            // the informer's watch may start a moment after its first list
            await().atMost(WAIT)
                    .until(
                            () -> {
                                record();
                                return calls.equals(DeployManifestsTest.KUBERNETES_BACKEND_CALLS);
                            });
        } finally {
            backendClient.close();
        }
        record();
        assertThat(calls).isEqualTo(DeployManifestsTest.KUBERNETES_BACKEND_CALLS);
    }

    /** Adds the backend's requests the server received since the last call. */
    private void record() throws InterruptedException {
        RecordedRequest r;
        while ((r = server.takeRequest(10, TimeUnit.MILLISECONDS)) != null) {
            String agent = r.getHeader("User-Agent");
            if (agent == null || !agent.startsWith(AGENT)) {
                continue;
            }
            URI uri = URI.create(r.getPath());
            Matcher m = PATH.matcher(uri.getPath());
            assertThat(m.matches()).as(r.getMethod() + " " + r.getPath()).isTrue();
            assertThat(m.group("ns")).as(r.getPath()).isEqualTo(NS);
            String resource =
                    (m.group("group") == null ? "" : m.group("group"))
                            + "/"
                            + m.group("resource")
                            + (m.group("sub") == null ? "" : "/" + m.group("sub"));
            boolean named = m.group("name") != null;
            String query = uri.getQuery() == null ? "" : uri.getQuery();
            String verb =
                    switch (r.getMethod()) {
                        case "GET" ->
                                named ? "get" : query.contains("watch=true") ? "watch" : "list";
                        case "POST" -> "create";
                        case "PUT" -> "update";
                        case "PATCH" -> "patch";
                        case "DELETE" -> named ? "delete" : "deletecollection";
                        default -> r.getMethod();
                    };
            calls.computeIfAbsent(resource, k -> new TreeSet<>()).add(verb);
        }
    }

    /** What the Job controller and kubelet write when the run's pod fails: a pod, its log. */
    private void fail(String job) {
        String pod = job + "-x7k2p";
        mockClient
                .pods()
                .inNamespace(NS)
                .resource(
                        new PodBuilder()
                                .withNewMetadata()
                                .withName(pod)
                                .withNamespace(NS)
                                .addToLabels("batch.kubernetes.io/job-name", job)
                                .withCreationTimestamp(Instant.now().toString())
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
                .andReturn(200, "epoch 3\nout of memory\n")
                .always();
        String now = Instant.now().toString();
        mockClient
                .batch()
                .v1()
                .jobs()
                .inNamespace(NS)
                .withName(job)
                .editStatus(
                        j -> {
                            JobStatus s = new JobStatus();
                            s.setStartTime(now);
                            s.setFailed(1);
                            s.setConditions(
                                    List.of(
                                            new JobConditionBuilder()
                                                    .withType("Failed")
                                                    .withStatus("True")
                                                    .withReason("BackoffLimitExceeded")
                                                    .withLastTransitionTime(now)
                                                    .build()));
                            j.setStatus(s);
                            return j;
                        });
    }
}
