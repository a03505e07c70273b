package dev.driftwatch.cli.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.driftwatch.jobs.ReadOnlyRestMiniCluster;
import dev.driftwatch.local.ListenAddress;
import dev.driftwatch.testsupport.TestPorts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.junit.jupiter.api.Test;

/**
 * The Flink settings of the single-JVM {@code up} ({@link LocalFlink#secure} on the MiniCluster
 * that {@code LocalJobs} runs the jobs on, {@link ReadOnlyRestMiniCluster}): the web UI and the
 * REST API read, but a cancel ({@code PATCH /jobs/ID}), a stop, a submission, a savepoint and a
 * cluster shutdown answer 4xx and the job keeps running; the process's own {@link JobClient} still
 * cancels it.
 */
class ReadOnlyFlinkRestITCase {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(120);
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void theRestApiRefusesEveryActionAndTheJobsOwnClientStillCancels() throws Exception {
        Configuration config = new Configuration();
        LocalFlink.secure(config, ListenAddress.LOOPBACK);
        int port = TestPorts.free();
        config.set(RestOptions.PORT, port);
        config.setString("parallelism.default", "1");
        StreamExecutionEnvironment env = ReadOnlyRestMiniCluster.environment(config);
        // ten records a second, for as long as the test runs
        env.fromSource(
                        new DataGeneratorSource<>(
                                i -> i,
                                Long.MAX_VALUE,
                                RateLimiterStrategy.perSecond(10),
                                Types.LONG),
                        WatermarkStrategy.noWatermarks(),
                        "ten a second")
                .sinkTo(new DiscardingSink<>());
        JobClient job = env.executeAsync("read-only-rest");
        CompletableFuture<JobExecutionResult> result = job.getJobExecutionResult();
        String web = "http://127.0.0.1:" + port;
        String id = job.getJobID().toHexString();
        try {
            await().atMost(WAIT).ignoreExceptions().until(() -> state(web, id).equals("RUNNING"));
            // reading works: the overview, the configuration, the web UI's page
            assertThat(send("GET", web + "/jobs/overview").body()).contains(id);
            JsonNode features = JSON.readTree(send("GET", web + "/config").body()).get("features");
            assertThat(features.get("web-cancel").asBoolean()).isFalse();
            assertThat(features.get("web-submit").asBoolean()).isFalse();
            assertThat(send("GET", web + "/").statusCode()).isEqualTo(200);

            String[][] actions = {
                {"PATCH", "/jobs/" + id},
                {"PATCH", "/jobs/" + id + "?mode=cancel"},
                {"GET", "/jobs/" + id + "/yarn-cancel"},
                {"GET", "/jobs/" + id + "/yarn-stop"},
                {"POST", "/jobs/" + id + "/stop"},
                {"POST", "/jobs/" + id + "/savepoints"},
                {"POST", "/jobs/" + id + "/checkpoints"},
                {"PUT", "/jobs/" + id + "/resource-requirements"},
                {"POST", "/jobs"},
                {"POST", "/jars/upload"},
                {"DELETE", "/cluster"},
            };
            for (String[] a : actions) {
                HttpResponse<String> r = send(a[0], web + a[1]);
                System.out.printf("read-only REST: %s %s -> %d%n", a[0], a[1], r.statusCode());
                assertThat(r.statusCode())
                        .as(a[0] + " " + a[1] + " answered " + r.body())
                        .isBetween(400, 499);
            }
            // the job did not stop: still running, as seen by Flink itself and over REST
            assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
            assertThat(state(web, id)).isEqualTo("RUNNING");
        } finally {
            // what up does on SIGTERM or Ctrl-C: its own client cancels the job
            job.cancel().get();
        }
        await().atMost(WAIT).until(result::isDone);
        assertThat(result).as("cancelled by its own client").isCompletedExceptionally();
    }

    private String state(String web, String id) throws Exception {
        return JSON.readTree(send("GET", web + "/jobs/" + id).body()).get("state").asText();
    }

    private HttpResponse<String> send(String method, String url) throws Exception {
        HttpRequest.BodyPublisher body =
                method.equals("GET") || method.equals("DELETE")
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString("{}");
        return http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(60))
                        .header("Content-Type", "application/json")
                        .method(method, body)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
