package dev.driftwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.driftwatch.launcher.TrainerVariable;
import dev.driftwatch.launcher.TrainingJobs;
import dev.driftwatch.testsupport.TestPostgres;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code driftwatch registry} with each training backend, started through the command line on a
 * real PostgreSQL: {@code kubernetes} (configured by environment variables only, as the Deployment
 * in deploy/ does) creates the run's Job and token Secret in the configured namespace of the
 * fabric8 mock server (CRUD mode, the only stand-in), with the configured trainer URL; {@code
 * local} (by options) runs the template's command as a process; {@code none} refuses a run
 * requested by hand with 409. Neither the output nor the log of a start holds a token or the
 * database password.
 *
 * <p>The Kubernetes client is configured the standard way, here through fabric8's system properties
 * ({@code kubernetes.master}, no kubeconfig, no service account), restored after each test.
 */
@EnableKubernetesMockClient(crud = true)
class RegistryTrainingITCase {
    static final String ADMIN = "admin-token-" + UUID.randomUUID();
    static final String METRICS = "metrics-token-" + UUID.randomUUID();
    static final String NS = "ml-training";
    static final String TRAINER_URL = "http://driftwatch-registry.driftwatch.svc:8080";
    static final Duration WAIT = Duration.ofSeconds(60);
    static final List<String> KUBERNETES_PROPERTIES =
            List.of(
                    "kubernetes.master",
                    "kubernetes.trust.certificates",
                    "kubernetes.disable.hostname.verification",
                    "kubernetes.auth.tryKubeConfig",
                    "kubernetes.auth.tryServiceAccount",
                    "kubernetes.request.timeout",
                    "kubernetes.connection.timeout",
                    "kubernetes.request.retry.backoffLimit");

    private static final ObjectMapper JSON = new ObjectMapper();

    KubernetesMockServer server;
    KubernetesClient mockClient;

    @TempDir Path dir;

    private final HttpClient http = HttpClient.newHttpClient();
    private final Map<String, String> savedProperties = new HashMap<>();
    private final StringWriter logs = new StringWriter();
    private WriterAppender logCapture;
    private RegistryCommand.Running registry;

    /** A database of its own, owned by a role with a password of its own. */
    private TestPostgres.Connection db;

    @BeforeEach
    void setUp() throws Exception {
        TestPostgres.Connection admin = TestPostgres.connection();
        String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String role = "registry_" + suffix;
        String password = "db-password-" + suffix;
        try (Connection c = admin.dataSource().getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE ROLE " + role + " LOGIN PASSWORD '" + password + "'");
            s.execute("CREATE DATABASE " + role + " OWNER " + role);
        }
        String url = admin.url().replaceFirst("/[^/?]*(\\?|$)", "/" + role + "$1");
        db = new TestPostgres.Connection(url, role, password);

        for (String p : KUBERNETES_PROPERTIES) {
            savedProperties.put(p, System.getProperty(p));
        }
        System.setProperty(
                "kubernetes.master", mockClient.getConfiguration().getMasterUrl().toString());
        System.setProperty("kubernetes.trust.certificates", "true");
        System.setProperty("kubernetes.disable.hostname.verification", "true");
        System.setProperty("kubernetes.auth.tryKubeConfig", "false");
        System.setProperty("kubernetes.auth.tryServiceAccount", "false");
        // the mock server's event loop may stall for seconds on a loaded machine
        System.setProperty("kubernetes.request.timeout", "60000");
        System.setProperty("kubernetes.connection.timeout", "60000");

        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        logCapture =
                WriterAppender.newBuilder()
                        .setName("registry-training-capture")
                        .setTarget(logs)
                        .setLayout(PatternLayout.newBuilder().withPattern("%c - %m%n").build())
                        .build();
        logCapture.start();
        context.getConfiguration().getRootLogger().addAppender(logCapture, Level.ALL, null);
        context.updateLoggers();
    }

    @AfterEach
    void tearDown() {
        if (registry != null) {
            registry.close();
        }
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.getConfiguration().getRootLogger().removeAppender(logCapture.getName());
        context.updateLoggers();
        logCapture.stop();
        savedProperties.forEach(
                (k, v) -> {
                    if (v == null) {
                        System.clearProperty(k);
                    } else {
                        System.setProperty(k, v);
                    }
                });
    }

    /** Parses, checks and starts {@code registry} as the command line does; returns its output. */
    private String start(Map<String, String> env, String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "registry";
        System.arraycopy(args, 0, all, 1, args.length);
        RegistryCommand command =
                (RegistryCommand)
                        Driftwatch.commandLine(env)
                                .parseArgs(all)
                                .subcommand()
                                .commandSpec()
                                .userObject();
        command.validate();
        StringWriter out = new StringWriter();
        registry = command.start(new PrintWriter(out, true));
        return out.toString();
    }

    /** Templates as an admin configures them: {@code train} runs {@code command}. */
    private Path templates(String... command) throws IOException {
        Path f = dir.resolve("training-templates.json");
        Files.writeString(
                f,
                "{\"train\": {\"image\": \"ghcr.io/acme/fraud-trainer:1.4\", \"command\": "
                        + JSON.writeValueAsString(List.of(command))
                        + ", \"deadline\": \"10min\"},"
                        + " \"validate\": {\"image\": \"ghcr.io/acme/fraud-trainer:1.4\","
                        + " \"command\": [\"true\"], \"deadline\": \"10min\"}}");
        return f;
    }

    /** Model fraud, version 1 as champion, a policy naming the configured templates. */
    private void fraudWithPolicy() throws Exception {
        assertThat(
                        send(
                                "POST",
                                "/api/2.0/mlflow/registered-models/create",
                                "{\"name\": \"fraud\"}"))
                .extracting(HttpResponse::statusCode)
                .isEqualTo(200);
        assertThat(send("POST", "/api/2.0/mlflow/model-versions/create", "{\"name\": \"fraud\"}"))
                .extracting(HttpResponse::statusCode)
                .isEqualTo(200);
        HttpResponse<String> policy =
                send(
                        "PUT",
                        "/api/v1/models/fraud/retrain-policy",
                        """
                        {"triggers": [{"alertname": "FeatureDrift"}],
                         "training": {"template": "train"},
                         "validation": {"template": "validate"}}
                        """);
        assertThat(policy.statusCode()).as(policy.body()).isEqualTo(200);
    }

    /** Requests a run by hand; returns its id. */
    private long requestRun() throws Exception {
        HttpResponse<String> r =
                send("POST", "/api/v1/retrain-runs", "{\"model_name\": \"fraud\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return JSON.readTree(r.body()).get("id").asLong();
    }

    private JsonNode run(long id) throws Exception {
        return JSON.readTree(send("GET", "/api/v1/retrain-runs/" + id, null).body());
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(registry.server().url() + path))
                        .header("Authorization", "Bearer " + ADMIN)
                        .method(
                                method,
                                body == null
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** What the registry printed and logged holds none of the secrets it was given. */
    private void assertNoSecret(String output, String... more) {
        List<String> secrets = new ArrayList<>(List.of(ADMIN, METRICS, db.password()));
        secrets.addAll(List.of(more));
        for (String secret : secrets) {
            assertThat(output).as("the output").doesNotContain(secret);
            assertThat(logs.toString()).as("the log").doesNotContain(secret);
        }
    }

    @Test
    void kubernetesConfiguredByEnvironmentLaunchesAJobInItsNamespace() throws Exception {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("DRIFTWATCH_ADMIN_TOKEN", ADMIN);
        env.put("DRIFTWATCH_METRICS_TOKEN", METRICS);
        env.put("DRIFTWATCH_JDBC_URL", db.url());
        env.put("DRIFTWATCH_JDBC_USER", db.user());
        env.put("DRIFTWATCH_JDBC_PASSWORD", db.password());
        env.put("DRIFTWATCH_PORT", "0");
        env.put("DRIFTWATCH_TRAINING_BACKEND", "kubernetes");
        env.put("DRIFTWATCH_TRAINING_NAMESPACE", NS);
        env.put("DRIFTWATCH_TRAINER_REGISTRY_URL", TRAINER_URL);
        env.put("DRIFTWATCH_TRAINING_TEMPLATES", templates("python", "-m", "train").toString());
        String out = start(env);
        assertThat(out)
                .contains(
                        "driftwatch registry: training backend Kubernetes Jobs in namespace "
                                + NS
                                + ", trainers report to "
                                + TRAINER_URL
                                + ", 2 templates from");
        assertThat(logs.toString()).contains("retraining runs on the kubernetes backend");
        fraudWithPolicy();

        long id = requestRun();
        String runId = "rr-" + id + "-training";
        String name = TrainingJobs.jobName(runId);
        Job job =
                await().atMost(WAIT)
                        .until(
                                () ->
                                        mockClient
                                                .batch()
                                                .v1()
                                                .jobs()
                                                .inNamespace(NS)
                                                .withName(name)
                                                .get(),
                                Objects::nonNull);
        assertThat(mockClient.batch().v1().jobs().inNamespace("default").list().getItems())
                .as("nothing outside the configured namespace")
                .isEmpty();
        var container = job.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(container.getImage()).isEqualTo("ghcr.io/acme/fraud-trainer:1.4");
        assertThat(container.getCommand()).containsExactly("python", "-m", "train");
        Map<String, EnvVar> vars = new HashMap<>();
        container.getEnv().forEach(e -> vars.put(e.getName(), e));
        assertThat(vars.get(TrainerVariable.REGISTRY_URL.envName()).getValue())
                .isEqualTo(TRAINER_URL);
        assertThat(
                        vars.get(TrainerVariable.REGISTRY_TOKEN.envName())
                                .getValueFrom()
                                .getSecretKeyRef()
                                .getName())
                .isEqualTo(TrainingJobs.tokenSecretName(runId));
        Secret secret =
                await().atMost(WAIT)
                        .until(
                                () ->
                                        mockClient
                                                .secrets()
                                                .inNamespace(NS)
                                                .withName(TrainingJobs.tokenSecretName(runId))
                                                .get(),
                                Objects::nonNull);
        String runToken =
                secret.getStringData() != null
                                && secret.getStringData().containsKey(TrainingJobs.TOKEN_KEY)
                        ? secret.getStringData().get(TrainingJobs.TOKEN_KEY)
                        : new String(
                                Base64.getDecoder()
                                        .decode(secret.getData().get(TrainingJobs.TOKEN_KEY)),
                                StandardCharsets.UTF_8);
        await().atMost(WAIT).until(() -> run(id).get("state").asText(), s -> s.equals("launched"));
        JsonNode launched = run(id);
        assertThat(launched.get("backend").asText()).isEqualTo("kubernetes");
        assertThat(launched.get("training_run_id").asText()).isEqualTo(runId);
        assertNoSecret(out, runToken);

        // the configured templates cannot be changed through the API
        HttpResponse<String> change =
                send(
                        "PUT",
                        "/api/v1/training-templates/train",
                        "{\"image\": \"evil\", \"command\": [\"sh\"]}");
        assertThat(change.statusCode()).as(change.body()).isEqualTo(409);
    }

    @Test
    void localByOptionsRunsTheTemplatesCommandAsAProcess() throws Exception {
        Path runs = dir.resolve("runs");
        String out =
                start(
                        Map.of(
                                "DRIFTWATCH_ADMIN_TOKEN", ADMIN,
                                "DRIFTWATCH_METRICS_TOKEN", METRICS,
                                "DRIFTWATCH_JDBC_PASSWORD", db.password()),
                        "--jdbc-url",
                        db.url(),
                        "--jdbc-user",
                        db.user(),
                        "--port",
                        "0",
                        "--training-backend",
                        "local",
                        "--runs-dir",
                        runs.toString(),
                        "--training-templates",
                        templates("sh", "-c", "echo trainer reports to $DRIFTWATCH_REGISTRY_URL")
                                .toString());
        assertThat(out).contains("driftwatch registry: training backend local processes (logs in");
        fraudWithPolicy();

        long id = requestRun();
        Path log = runs.resolve("rr-" + id + "-training.log");
        await().atMost(WAIT)
                .until(
                        () ->
                                Files.exists(log)
                                        && Files.readString(log)
                                                .contains(
                                                        "trainer reports to "
                                                                + registry.server().url()));
        // the process may finish before the launch is recorded: wait for the record
        JsonNode r =
                await().atMost(WAIT)
                        .until(() -> run(id), n -> !n.path("backend").asText().isEmpty());
        assertThat(r.get("backend").asText()).as(r.toString()).isEqualTo("local");
        assertThat(r.get("training_run_id").asText()).isEqualTo("rr-" + id + "-training");
        assertNoSecret(out);
    }

    @Test
    void withoutABackendARunRequestedByHandIsRefused() throws Exception {
        String out =
                start(
                        Map.of(
                                "DRIFTWATCH_ADMIN_TOKEN", ADMIN,
                                "DRIFTWATCH_JDBC_URL", db.url(),
                                "DRIFTWATCH_JDBC_USER", db.user(),
                                "DRIFTWATCH_JDBC_PASSWORD", db.password(),
                                "DRIFTWATCH_METRICS_TOKEN", METRICS,
                                "DRIFTWATCH_TRAINING_TEMPLATES",
                                        templates("python", "-m", "train").toString()),
                        "--port",
                        "0");
        assertThat(out).contains("driftwatch registry: training backend none");
        fraudWithPolicy();

        HttpResponse<String> refused =
                send("POST", "/api/v1/retrain-runs", "{\"model_name\": \"fraud\"}");
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(JSON.readTree(refused.body()).get("message").asText())
                .contains("no training backend", "--training-backend local or kubernetes");
        assertThat(
                        JSON.readTree(send("GET", "/api/v1/retrain-runs", null).body())
                                .get("runs")
                                .size())
                .as("no run was recorded")
                .isZero();
        assertNoSecret(out);
    }

    @Test
    void anUnreachableApiServerStopsTheStartWithOneLine() throws Exception {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        System.setProperty("kubernetes.master", "https://127.0.0.1:" + closedPort);
        System.setProperty("kubernetes.request.retry.backoffLimit", "0");
        System.setProperty("kubernetes.connection.timeout", "5000");
        CliRun run =
                CliRun.of(
                        Map.of(
                                "DRIFTWATCH_ADMIN_TOKEN",
                                ADMIN,
                                "DRIFTWATCH_JDBC_PASSWORD",
                                db.password()),
                        "registry",
                        "--jdbc-url",
                        db.url(),
                        "--jdbc-user",
                        db.user(),
                        "--port",
                        "0",
                        "--training-backend",
                        "kubernetes",
                        "--training-namespace",
                        NS,
                        "--trainer-registry-url",
                        TRAINER_URL);
        assertThat(run.exitCode()).as(run.err()).isEqualTo(Driftwatch.EXIT_USAGE);
        assertThat(run.err())
                .startsWith(
                        "driftwatch registry: error: --training-backend kubernetes: cannot watch"
                                + " Jobs in namespace "
                                + NS
                                + " at https://127.0.0.1:"
                                + closedPort);
        assertThat(run.err().strip().lines()).hasSize(1);
        assertNoSecret(run.out() + run.err());
    }
}
