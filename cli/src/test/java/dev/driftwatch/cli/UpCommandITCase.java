package dev.driftwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.driftwatch.cli.local.Endpoints;
import dev.driftwatch.cli.local.LocalStack;
import dev.driftwatch.testsupport.TestPorts;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quickstart as written: {@code up} with its options starts Kafka, PostgreSQL, the registry and
 * the jobs with the web UI and writes endpoints.json (owner-only); the documented profile, publish
 * and produce steps (restamped example events and labels) become drift and performance rows and an
 * alert; then every query of the SQL cookbook runs on that data, the drift, performance and alert
 * queries returning rows.
 */
class UpCommandITCase {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Cookbook queries (by their first comment line) that must find the quickstart's data. */
    private static final Set<String> MUST_RETURN_ROWS =
            Set.of(
                    "-- most drifted features today",
                    "-- one feature's drift over time",
                    "-- drift over time at a coarser grain",
                    "-- dataset drift",
                    "-- performance vs label coverage",
                    "-- windows whose labels are still arriving",
                    "-- performance next to dataset drift",
                    "-- alert history of a model");

    @TempDir Path dataDir;
    @TempDir Path work;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void theQuickstartAndTheSqlCookbookWorkAsWritten() throws Exception {
        List<String> steps = new ArrayList<>();
        for (String heading :
                List.of(
                        "## 1. Start the stack",
                        "## 2. Give the model a baseline",
                        "## 3. Send traffic",
                        "## 4. Query")) {
            steps.add(DocSteps.blocks("docs/quickstart.md", heading, "bash").get(0));
        }
        awaitNotJustAfterMidnight();
        try (LocalStack stack = startAsDocumented(steps.get(0))) {
            Endpoints endpoints = stack.endpoints();
            Path file = dataDir.resolve("endpoints.json");
            assertThat(Files.getPosixFilePermissions(file))
                    .as("endpoints.json holds the admin token and the database password")
                    .isEqualTo(PosixFilePermissions.fromString("rw-------"));
            assertThat(JSON.readTree(file.toFile()).fieldNames())
                    .toIterable()
                    .containsExactlyInAnyOrder(
                            "kafka_bootstrap_servers",
                            "jdbc_url",
                            "jdbc_user",
                            "jdbc_password",
                            "flink_web_ui",
                            "registry_url",
                            "admin_token",
                            "ingest_url",
                            "ingest_token");
            assertThat(get(endpoints.flinkWebUi() + "/jobs/overview"))
                    .contains("\"name\":\"driftwatch\"", "RUNNING");
            assertThat(get(endpoints.registryUrl() + "/health")).isNotEmpty();
            assertThat(endpoints.ingestUrl()).startsWith("http://127.0.0.1:");
            assertThat(get(endpoints.ingestUrl() + "health")).contains("ok");
            assertThat(postEvent(endpoints.ingestUrl(), null)).isEqualTo(401);
            assertThat(postEvent(endpoints.ingestUrl(), endpoints.ingestToken())).isEqualTo(202);
            nothingListensBeyondLoopbackAndTheWebUiIsReadOnly(stack);

            Files.createSymbolicLink(work.resolve("data"), dataDir);
            Files.createSymbolicLink(work.resolve("examples"), DocSteps.ROOT.resolve("examples"));
            String baseline = DocSteps.run(withWorkDir(steps.get(1)), work, Map.of());
            assertThat(baseline).contains("published reference profile fraud/7");
            awaitProfileRead(endpoints);
            String kafka =
                    steps.get(1).lines().filter(l -> l.startsWith("B=")).findFirst().orElseThrow();
            String sent = DocSteps.run(withWorkDir(kafka + "\n" + steps.get(2)), work, Map.of());
            assertThat(sent)
                    .contains(
                            "sent 1000 messages to driftwatch.predictions",
                            "sent 1000 messages to driftwatch.labels");

            try (Connection db =
                    DriverManager.getConnection(
                            endpoints.jdbcUrl(), endpoints.jdbcUser(), endpoints.jdbcPassword())) {
                await("drift rows of the closed windows, performance rows and the alert")
                        .atMost(Duration.ofMinutes(3))
                        .pollInterval(Duration.ofSeconds(1))
                        .ignoreExceptions()
                        .until(
                                () ->
                                        count(
                                                                db,
                                                                "SELECT count(*) FROM drift_metrics WHERE"
                                                                        + " model_name = 'fraud' AND feature ="
                                                                        + " 'amount' AND metric = 'psi'")
                                                        >= 2
                                                && count(
                                                                db,
                                                                "SELECT count(*) FROM performance_metrics"
                                                                        + " WHERE model_name = 'fraud' AND metric"
                                                                        + " = 'roc_auc'")
                                                        >= 1
                                                && count(
                                                                db,
                                                                "SELECT count(*) FROM alerts WHERE"
                                                                        + " model_name = 'fraud'")
                                                        >= 1);
                assertThat(rows(db, quickstartQuery(steps.get(3)))).isPositive();
                runTheCookbook(db);
            }
        }
    }

    /**
     * Every listening socket of this JVM and of its PostgreSQL server is on loopback, each part
     * listens where it says, and the Flink REST API refuses jar uploads and submission and reports
     * the web UI's cancel button off.
     */
    private void nothingListensBeyondLoopbackAndTheWebUiIsReadOnly(LocalStack stack)
            throws Exception {
        long postgres =
                Long.parseLong(
                        Files.readAllLines(dataDir.resolve("postgres/postmaster.pid"))
                                .get(0)
                                .strip());
        List<ListeningSockets.Socket> sockets = ListeningSockets.ofThisProcessAnd(postgres);
        assertThat(sockets).as("listening sockets").isNotEmpty();
        System.out.println("up: listening sockets " + sockets + ", parts " + stack.listeners());
        assertThat(sockets)
                .as("every listening socket of the stack is on loopback")
                .allMatch(ListeningSockets.Socket::isLoopback);
        Set<Integer> ports = new java.util.HashSet<>();
        sockets.forEach(s -> ports.add(s.port()));
        assertThat(stack.listeners())
                .extracting(LocalStack.Listener::part)
                .hasSize(5)
                .contains("Kafka broker", "registry", "ingest endpoint");
        for (LocalStack.Listener l : stack.listeners()) {
            assertThat(l.address()).as(l.part()).startsWith("127.0.0.1:");
            int port = Integer.parseInt(l.address().substring(l.address().lastIndexOf(':') + 1));
            assertThat(ports).as(l.part() + " listens").contains(port);
        }
        java.util.Properties kafka = new java.util.Properties();
        try (var in = Files.newBufferedReader(dataDir.resolve("kafka/server.properties"))) {
            kafka.load(in);
        }
        assertThat(kafka.getProperty("listeners"))
                .as("Kafka's broker and controller listeners")
                .matches("PLAINTEXT://127\\.0\\.0\\.1:\\d+,CONTROLLER://127\\.0\\.0\\.1:\\d+");

        String web = stack.endpoints().flinkWebUi();
        assertThat(web).startsWith("http://127.0.0.1:");
        JsonNode features = JSON.readTree(get(web + "/config")).path("features");
        assertThat(features.path("web-submit").asBoolean(true)).as("web-submit").isFalse();
        assertThat(features.path("web-cancel").asBoolean(true)).as("web-cancel").isFalse();
        HttpResponse<String> jars =
                http.send(
                        HttpRequest.newBuilder(URI.create(web + "/jars")).build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(jars.statusCode()).as("GET /jars").isNotEqualTo(200);
        String boundary = "driftwatch-test-boundary";
        HttpResponse<String> upload =
                http.send(
                        HttpRequest.newBuilder(URI.create(web + "/jars/upload"))
                                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                                .POST(
                                        HttpRequest.BodyPublishers.ofString(
                                                "--"
                                                        + boundary
                                                        + "\r\nContent-Disposition: form-data;"
                                                        + " name=\"jarfile\"; filename=\"x.jar\"\r\n"
                                                        + "Content-Type: application/x-java-archive"
                                                        + "\r\n\r\nPK\r\n--"
                                                        + boundary
                                                        + "--\r\n"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(upload.statusCode()).as("POST /jars/upload").isGreaterThanOrEqualTo(400);
        // the REST API cannot cancel the job (PATCH /jobs/ID): it answers 4xx, the job runs on
        String jobId = JSON.readTree(get(web + "/jobs/overview")).at("/jobs/0/jid").asText();
        HttpResponse<String> cancel =
                http.send(
                        HttpRequest.newBuilder(URI.create(web + "/jobs/" + jobId + "?mode=cancel"))
                                .method("PATCH", HttpRequest.BodyPublishers.noBody())
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(cancel.statusCode()).as("PATCH /jobs/ID").isBetween(400, 499);
        assertThat(JSON.readTree(get(web + "/jobs/" + jobId)).get("state").asText())
                .isEqualTo("RUNNING");
        assertThat(get(web + "/jobs/overview")).contains("RUNNING");
    }

    /**
     * Starts the stack with the options of the quickstart's {@code up} line, in a test directory.
     */
    private LocalStack startAsDocumented(String upStep) throws Exception {
        List<String> args = new ArrayList<>(Arrays.asList(upStep.strip().split("\\s+")));
        assertThat(args.subList(0, 2)).containsExactly("bin/driftwatch", "up");
        args = new ArrayList<>(args.subList(1, args.size()));
        args.addAll(
                List.of(
                        "--data-dir",
                        dataDir.toString(),
                        "--web-ui-port",
                        Integer.toString(TestPorts.free()),
                        "--registry-port",
                        "0"));
        UpCommand up =
                (UpCommand)
                        Driftwatch.commandLine()
                                .parseArgs(args.toArray(String[]::new))
                                .subcommand()
                                .commandSpec()
                                .userObject();
        up.stack.validate();
        return LocalStack.start(
                up.stack.settings(JobOptions.parse(up.jobArgs)),
                new PrintWriter(new StringWriter(), true));
    }

    /** The documented paths, with /tmp/ in this test's directory. */
    private String withWorkDir(String step) {
        return step.replace("/tmp/", work + "/");
    }

    /** The quickstart's SQL (the psql -c argument), run here over JDBC. */
    private static String quickstartQuery(String step) {
        Matcher m = Pattern.compile("(?s)-c \"(SELECT .*?)\"").matcher(step);
        assertThat(m.find()).as(step).isTrue();
        return m.group(1);
    }

    private static void runTheCookbook(Connection db) throws Exception {
        List<String> run = new ArrayList<>();
        for (String heading :
                List.of("## Drift", "## Performance", "## Alerts", "## Retraining and lineage")) {
            for (String block : DocSteps.blocks("docs/sql-cookbook.md", heading, "sql")) {
                for (String statement : block.split(";\\s*\\n")) {
                    if (statement.isBlank()) {
                        continue;
                    }
                    String title = statement.strip().lines().findFirst().orElse("");
                    int n = rows(db, statement);
                    if (MUST_RETURN_ROWS.stream().anyMatch(title::startsWith)) {
                        assertThat(n).as("rows of%n%s", statement).isPositive();
                        run.add(title);
                    }
                }
            }
        }
        assertThat(run).as("every query that must find rows ran").hasSize(MUST_RETURN_ROWS.size());
    }

    private static int rows(Connection db, String sql) throws Exception {
        try (Statement st = db.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            int n = 0;
            while (rs.next()) {
                n++;
            }
            return n;
        }
    }

    private static long count(Connection db, String sql) throws Exception {
        try (Statement st = db.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The drift job has read the published profile (its source sent it on), per the web UI. */
    private void awaitProfileRead(Endpoints endpoints) {
        await("the drift job read the reference profile")
                .atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(500))
                .ignoreExceptions()
                .until(
                        () -> {
                            String jid =
                                    JSON.readTree(get(endpoints.flinkWebUi() + "/jobs/overview"))
                                            .path("jobs")
                                            .get(0)
                                            .path("jid")
                                            .asText();
                            JsonNode job =
                                    JSON.readTree(get(endpoints.flinkWebUi() + "/jobs/" + jid));
                            boolean any = false;
                            for (JsonNode v : job.path("vertices")) {
                                if (v.path("name").asText().contains("reference profiles")) {
                                    any = true;
                                    if (v.path("metrics").path("write-records").asLong() < 1) {
                                        return false;
                                    }
                                }
                            }
                            return any;
                        });
    }

    /**
     * "Today" starts at midnight UTC: the restamped events span the last 2.5 minutes, so right
     * after midnight some of them would be yesterday's. Waits that out (only in the first 3 minutes
     * of a day).
     */
    private static void awaitNotJustAfterMidnight() {
        await("3 minutes past midnight UTC")
                .atMost(Duration.ofMinutes(4))
                .pollInterval(Duration.ofSeconds(5))
                .until(() -> LocalTime.now(ZoneOffset.UTC).isAfter(LocalTime.of(0, 3)));
    }

    /** Posts one KServe-shaped CloudEvent in binary mode; returns the status. */
    private int postEvent(String url, String token) throws Exception {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(url))
                        .header("Content-Type", "application/json")
                        .header("ce-specversion", "1.0")
                        .header("ce-id", "up-check-1")
                        .header("ce-source", "http://localhost:9081/")
                        .header("ce-type", "org.kubeflow.serving.inference.request")
                        .header("ce-inferenceservicename", "up-check")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"instances\": [[1.0]]}"));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private String get(String url) throws Exception {
        HttpResponse<String> r =
                http.send(
                        HttpRequest.newBuilder(URI.create(url)).build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(url).isEqualTo(200);
        return r.body();
    }
}
