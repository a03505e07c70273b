package dev.driftwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.driftwatch.launcher.KubernetesJobBackend;
import dev.driftwatch.launcher.KubernetesMockCluster;
import dev.driftwatch.launcher.RegistryToken;
import dev.driftwatch.launcher.RunKind;
import dev.driftwatch.launcher.RunPhase;
import dev.driftwatch.launcher.RunSpec;
import dev.driftwatch.launcher.TrainingJobs;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the registry's Kubernetes backend asks of the API server over a run's whole life (launch,
 * status, a failure with its log tail, cancel), recorded by the fabric8 mock server, is exactly
 * what {@link DeployManifestsTest#KUBERNETES_BACKEND_CALLS} lists and so what the Role in
 * deploy/base/registry-rbac.yaml grants: no call the Role would refuse, no grant nothing uses.
 */
class KubernetesBackendCallsITCase {
    static final String NS = "driftwatch-training";
    static final String AGENT = "driftwatch-registry-under-test";
    static final Duration WAIT = Duration.ofSeconds(60);

    /** {@code /api/v1/namespaces/NS/pods/NAME/log} and {@code /apis/batch/v1/...} alike. */
    static final Pattern PATH =
            Pattern.compile(
                    "/apis?/(?:(?<group>[^/]+)/)?v1/namespaces/(?<ns>[^/]+)/(?<resource>[^/]+)"
                            + "(?:/(?<name>[^/]+)(?:/(?<sub>[^/]+))?)?");

    /** Its own client writes what the Job controller would (not recorded as calls). */
    @RegisterExtension final KubernetesMockCluster k8s = new KubernetesMockCluster(NS);

    /** The (group/resource, verb) pairs the backend's requests stand for. */
    private final Map<String, Set<String>> calls = new TreeMap<>();

    @Test
    void theBackendCallsExactlyWhatTheRoleGrants() throws Exception {
        KubernetesClient backendClient = k8s.newClient(AGENT);
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
            k8s.failed(
                    job, "BackoffLimitExceeded", null, Instant.now(), "epoch 3\nout of memory\n");
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
        }
        record();
        assertThat(calls).isEqualTo(DeployManifestsTest.KUBERNETES_BACKEND_CALLS);
    }

    /** Adds the backend's requests the server received since the last call. */
    private void record() throws InterruptedException {
        for (RecordedRequest r : k8s.takeRequests()) {
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
}
