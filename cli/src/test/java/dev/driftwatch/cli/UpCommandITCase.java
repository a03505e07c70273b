package dev.driftwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.driftwatch.cli.local.LocalStack;
import dev.driftwatch.jobs.DriftJobArguments;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README's run command: {@code up} starts Kafka, PostgreSQL, the registry and the drift job with
 * the web UI, writes endpoints.json; a profile published and events produced with the CLI become
 * rows in drift_metrics.
 */
class UpCommandITCase {
    @TempDir Path dataDir;

    @Test
    void theLocalStackTurnsEventsIntoDriftRows() throws Exception {
        StringWriter log = new StringWriter();
        int webUi = freePort();
        try (LocalStack stack =
                LocalStack.start(
                        new LocalStack.Settings(
                                dataDir,
                                webUi,
                                0,
                                DriftJobArguments.parse(
                                        List.of("--window", "1min", "--out-of-orderness", "0s"))),
                        new PrintWriter(log, true))) {
            JsonNode endpoints =
                    new ObjectMapper()
                            .readTree(Files.readString(dataDir.resolve("endpoints.json")));
            assertThat(endpoints.fieldNames())
                    .toIterable()
                    .containsExactlyInAnyOrder(
                            "kafka_bootstrap_servers",
                            "jdbc_url",
                            "jdbc_user",
                            "jdbc_password",
                            "flink_web_ui",
                            "registry_url",
                            "admin_token");
            HttpClient http = HttpClient.newHttpClient();
            assertThat(get(http, endpoints.get("flink_web_ui").asText() + "/jobs/overview"))
                    .contains("\"name\":\"driftwatch\"", "RUNNING");
            assertThat(get(http, endpoints.get("registry_url").asText() + "/health")).isNotEmpty();

            String servers = endpoints.get("kafka_bootstrap_servers").asText();
            Path profile = dataDir.resolve("fraud7.json");
            assertThat(
                            CliRun.of(
                                            "profile",
                                            "--input",
                                            "../examples/reference.csv",
                                            "--output",
                                            profile.toString(),
                                            "--model",
                                            "fraud",
                                            "--version",
                                            "7")
                                    .exitCode())
                    .isZero();
            CliRun published =
                    CliRun.of(
                            "publish-profile",
                            "--file",
                            profile.toString(),
                            "--bootstrap-servers",
                            servers);
            assertThat(published.exitCode()).as(published.err()).isZero();
            Thread.sleep(2000); // the profile reaches the job before the events
            CliRun produced =
                    CliRun.of(
                            "produce",
                            "--topic",
                            "driftwatch.predictions",
                            "--file",
                            "../examples/events.jsonl",
                            "--bootstrap-servers",
                            servers);
            assertThat(produced.exitCode()).as(produced.err()).isZero();

            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            int rows = 0;
            while (System.nanoTime() < deadline && rows < 2) {
                rows = countPsiRows(endpoints);
                Thread.sleep(1000);
            }
            assertThat(rows).as("psi rows of amount for the two closed windows").isEqualTo(2);
        }
    }

    private static int countPsiRows(JsonNode endpoints) throws Exception {
        try (Connection c =
                        DriverManager.getConnection(
                                endpoints.get("jdbc_url").asText(),
                                endpoints.get("jdbc_user").asText(),
                                endpoints.get("jdbc_password").asText());
                ResultSet rs =
                        c.createStatement()
                                .executeQuery(
                                        "SELECT count(*) FROM drift_metrics WHERE model_name = 'fraud'"
                                                + " AND feature = 'amount' AND metric = 'psi'")) {
            rs.next();
            return rs.getInt(1);
        } catch (java.sql.SQLException e) {
            return 0; // the table appears when the job has migrated it
        }
    }

    private static String get(HttpClient http, String url) throws Exception {
        HttpResponse<String> r =
                http.send(
                        HttpRequest.newBuilder(URI.create(url)).build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(url).isEqualTo(200);
        return r.body();
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
