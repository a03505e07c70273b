package dev.driftwatch.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The HTTP endpoint on a real server and a free port, with a fake log in place of Kafka. */
class IngestAppTest {
    static final String TOKEN = "test-token-0123456789";
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private IngestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private IngestConfig config() {
        return IngestConfig.defaults()
                .withPort(0)
                .withKafka("unused:9092")
                .withTokens(List.of(TOKEN))
                .withMaxRequestBytes(4096)
                .withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(200));
    }

    private RecordingLog start(IngestConfig config, RecordingLog log) {
        server = IngestServer.start(config, log);
        return log;
    }

    static HttpRequest.Builder kserveRequest(String url, String id, String body) {
        return HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("ce-specversion", "1.0")
                .header("ce-id", id)
                .header("ce-source", "http://localhost:9081/")
                .header("ce-type", "org.kubeflow.serving.inference.request")
                .header("ce-time", "2026-11-26T10:15:00.123456789Z")
                .header("ce-inferenceservicename", "fraud")
                .header("ce-namespace", "models")
                .header("ce-component", "predictor")
                .header("ce-endpoint", "default")
                .header("ce-metadata", "{\"X-Request-Id\":[\"req-7f3a\"]}")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder authorized(HttpRequest.Builder r) {
        return r.header("Authorization", "Bearer " + TOKEN);
    }

    @Test
    void binaryModeEventIsAppendedWithItsAttributes() throws Exception {
        RecordingLog log = start(config(), new RecordingLog());
        String body = "{\"instances\": [[6.8, 2.8, 4.8, 1.4]]}";
        HttpResponse<String> r = send(authorized(kserveRequest(server.url(), "req-7f3a", body)));
        assertThat(r.statusCode()).isEqualTo(202);
        assertThat(r.body()).isEqualTo("{\"accepted\":1}");
        CloudEvent e = log.appended().get(0);
        assertThat(e.id()).isEqualTo("req-7f3a");
        assertThat(new String(e.data(), StandardCharsets.UTF_8)).isEqualTo(body);
        assertThat(e.dataContentType()).isEqualTo("application/json");
        assertThat(e.attributes())
                .containsEntry("specversion", "1.0")
                .containsEntry("type", "org.kubeflow.serving.inference.request")
                .containsEntry("inferenceservicename", "fraud")
                .containsEntry("endpoint", "default")
                .containsEntry("metadata", "{\"X-Request-Id\":[\"req-7f3a\"]}")
                .doesNotContainKey("datacontenttype");
    }

    @Test
    void percentEncodedHeaderValuesAreDecoded() throws Exception {
        RecordingLog log = start(config(), new RecordingLog());
        HttpResponse<String> r =
                send(
                        authorized(kserveRequest(server.url(), "r1", "{}"))
                                .setHeader("ce-source", "urn:z%C3%BCrich%20models"));
        assertThat(r.statusCode()).isEqualTo(202);
        assertThat(log.appended().get(0).attributes()).containsEntry("source", "urn:zürich models");
        assertThat(
                        send(authorized(kserveRequest(server.url(), "r2", "{}"))
                                        .setHeader("ce-source", "bad%zz"))
                                .statusCode())
                .isEqualTo(400);
    }

    @Test
    void answersOnlyAfterTheLogAcknowledged() throws Exception {
        RecordingLog log = start(config(), new RecordingLog().holding());
        CompletableFuture<HttpResponse<String>> response =
                http.sendAsync(
                        authorized(kserveRequest(server.url(), "r1", "{}")).build(),
                        HttpResponse.BodyHandlers.ofString());
        await().atMost(10, TimeUnit.SECONDS).until(() -> log.pending().size() == 1);
        // the event reached the log but is not acknowledged: no answer yet
        assertThat(response).isNotDone();
        log.pending().get(0).complete(null);
        assertThat(response.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(202);
    }

    @Test
    void logFailuresBecome503WithRetryAfterOr413() throws Exception {
        RecordingLog log = start(config(), new RecordingLog());
        log.answering(
                e ->
                        CompletableFuture.failedFuture(
                                new LogWriteException(
                                        LogWriteException.Kind.UNAVAILABLE,
                                        "the inference log is unavailable")));
        HttpResponse<String> r = send(authorized(kserveRequest(server.url(), "r1", "{}")));
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(r.body()).contains("unavailable, retry later");

        log.answering(
                e ->
                        CompletableFuture.failedFuture(
                                new LogWriteException(
                                        LogWriteException.Kind.TOO_LARGE,
                                        "too large for the log")));
        assertThat(send(authorized(kserveRequest(server.url(), "r2", "{}"))).statusCode())
                .isEqualTo(413);
    }

    @Test
    void aLogThatNeverAnswersGives503AfterTheTimeoutNotAHang() throws Exception {
        start(config(), new RecordingLog().holding());
        long t0 = System.nanoTime();
        HttpResponse<String> r = send(authorized(kserveRequest(server.url(), "r1", "{}")));
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("Retry-After")).isPresent();
        assertThat(r.body()).contains("did not acknowledge in time");
        // the ack timeout (2 s) plus the safety margin (2 s): not the client's 30 s
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void tooManyRequestsInFlightAreRefusedAtOnce() throws Exception {
        RecordingLog log =
                start(config().withInFlightLimits(1, 4096), new RecordingLog().holding());
        CompletableFuture<HttpResponse<String>> first =
                http.sendAsync(
                        authorized(kserveRequest(server.url(), "r1", "{}")).build(),
                        HttpResponse.BodyHandlers.ofString());
        await().atMost(10, TimeUnit.SECONDS).until(() -> log.pending().size() == 1);
        HttpResponse<String> second = send(authorized(kserveRequest(server.url(), "r2", "{}")));
        assertThat(second.statusCode()).isEqualTo(503);
        assertThat(second.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(second.body()).contains("too many requests in flight");
        log.pending().get(0).complete(null);
        assertThat(first.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(202);
        // the permit is returned: the next request goes through
        log.answering(e -> CompletableFuture.completedFuture(null));
        assertThat(send(authorized(kserveRequest(server.url(), "r3", "{}"))).statusCode())
                .isEqualTo(202);
    }

    @Test
    void inFlightBytesAreBounded() throws Exception {
        RecordingLog log =
                start(config().withInFlightLimits(100, 4096), new RecordingLog().holding());
        String big = "{\"pad\": \"" + "x".repeat(3000) + "\"}";
        CompletableFuture<HttpResponse<String>> first =
                http.sendAsync(
                        authorized(kserveRequest(server.url(), "r1", big)).build(),
                        HttpResponse.BodyHandlers.ofString());
        await().atMost(10, TimeUnit.SECONDS).until(() -> log.pending().size() == 1);
        assertThat(send(authorized(kserveRequest(server.url(), "r2", big))).statusCode())
                .isEqualTo(503);
        log.pending().get(0).complete(null);
        assertThat(first.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(202);
    }

    @Test
    void requestsBeyondTheSizeLimitGet413WithOrWithoutContentLength() throws Exception {
        RecordingLog log = start(config(), new RecordingLog());
        String big = "x".repeat(5000);
        HttpResponse<String> declared = send(authorized(kserveRequest(server.url(), "r1", big)));
        assertThat(declared.statusCode()).isEqualTo(413);
        assertThat(declared.body()).contains("larger than the limit of 4096 bytes");
        // chunked: no Content-Length, the limit holds while reading
        HttpRequest.Builder chunked =
                authorized(kserveRequest(server.url(), "r2", ""))
                        .POST(
                                HttpRequest.BodyPublishers.ofInputStream(
                                        () ->
                                                new java.io.ByteArrayInputStream(
                                                        big.getBytes(StandardCharsets.UTF_8))));
        assertThat(send(chunked).statusCode()).isEqualTo(413);
        assertThat(log.appended()).isEmpty();
    }

    @Test
    void tokenIsRequired() throws Exception {
        RecordingLog log = start(config(), new RecordingLog());
        HttpResponse<String> none = send(kserveRequest(server.url(), "r1", "{}"));
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(v -> assertThat(v).contains("Bearer"));
        assertThat(none.body()).contains("needs a token");
        assertThat(
                        send(kserveRequest(server.url(), "r1", "{}")
                                        .header("Authorization", "Bearer wrong-token-0123456789"))
                                .statusCode())
                .isEqualTo(401);
        String basic =
                Base64.getEncoder()
                        .encodeToString(("ingest:" + TOKEN).getBytes(StandardCharsets.UTF_8));
        assertThat(
                        send(kserveRequest(server.url(), "r2", "{}")
                                        .header("Authorization", "Basic " + basic))
                                .statusCode())
                .isEqualTo(202);
        assertThat(log.appended()).extracting(CloudEvent::id).containsExactly("r2");
        // health needs no token
        HttpResponse<String> health =
                http.send(
                        HttpRequest.newBuilder(URI.create(server.url() + "health")).build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("{\"status\":\"ok\"}");
    }

    @Test
    void badCloudEventsGet400WithAReason() throws Exception {
        RecordingLog log = start(config(), new RecordingLog());
        assertBad(
                HttpRequest.newBuilder(URI.create(server.url()))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{}")),
                400,
                "not a CloudEvent: no ce-specversion header");
        assertBad(
                kserveRequest(server.url(), "r1", "{}").setHeader("ce-specversion", "0.3"),
                400,
                "unsupported specversion '0.3'");
        assertBad(
                kserveRequest(server.url(), "r1", "{}").setHeader("ce-type", ""),
                400,
                "missing required attribute 'type'");
        assertBad(
                kserveRequest(server.url(), "r1", "{}").setHeader("ce-time", "yesterday"),
                400,
                "attribute 'time' is not an RFC 3339 timestamp");
        assertBad(
                kserveRequest(server.url(), "r1", "{}").setHeader("ce-source", "a%00b"),
                400,
                "attribute 'source' contains the control character U+0000");
        assertBad(
                kserveRequest(server.url(), "r1", "{}").header("ce-model_name", "x"),
                400,
                "invalid attribute name 'model_name'");
        assertBad(
                structured("{\"specversion\": \"1.0\", \"id\": \"x\", \"source\": \"s\"}"),
                400,
                "missing required attribute 'type'");
        assertBad(structured("{\"specversion\": \"1.0\", "), 400, "malformed JSON");
        assertBad(
                structured(
                        "{\"specversion\": \"1.0\", \"id\": \"x\", \"source\": \"s\", \"type\":"
                                + " \"t\", \"data\": {}, \"data_base64\": \"AA==\"}"),
                400,
                "either data or data_base64");
        assertBad(
                structured(
                        "{\"specversion\": \"1.0\", \"id\": \"x\", \"source\": \"s\", \"type\":"
                                + " \"t\", \"ext\": {\"nested\": 1}}"),
                400,
                "attribute 'ext' must be a string, number or boolean");
        assertBad(
                authorized(
                        HttpRequest.newBuilder(URI.create(server.url()))
                                .header("Content-Type", "application/cloudevents+avro")
                                .POST(HttpRequest.BodyPublishers.ofString("x"))),
                415,
                "unsupported CloudEvents format");
        assertThat(log.appended()).isEmpty();
        HttpResponse<String> get =
                http.send(
                        authorized(HttpRequest.newBuilder(URI.create(server.url()))).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(get.body()).contains("\"error\"");
    }

    private HttpRequest.Builder structured(String body) {
        return HttpRequest.newBuilder(URI.create(server.url()))
                .header("Content-Type", "application/cloudevents+json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private void assertBad(HttpRequest.Builder request, int status, String reason)
            throws Exception {
        HttpResponse<String> r = send(authorized(request));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(r.body()).startsWith("{\"error\":").contains(reason);
    }

    @Test
    void structuredAndBatchModeKeepTheDataBytes() throws Exception {
        RecordingLog log = start(config(), new RecordingLog());
        String data =
                "{\"outputs\": [ {\"name\": \"predict\", \"shape\": [1], \"datatype\": \"INT64\", \"data\": [1]} ]}";
        HttpResponse<String> r =
                send(
                        authorized(
                                structured(
                                        "{\"specversion\": \"1.0\", \"id\": \"r1\", \"source\":"
                                                + " \"http://localhost:9081/\", \"type\":"
                                                + " \"org.kubeflow.serving.inference.response\","
                                                + " \"datacontenttype\": \"application/json\","
                                                + " \"inferenceservicename\": \"fraud\","
                                                + " \"retries\": 3, \"sampled\": true, \"data\": "
                                                + data
                                                + "}")));
        assertThat(r.statusCode()).isEqualTo(202);
        CloudEvent e = log.appended().get(0);
        assertThat(new String(e.data(), StandardCharsets.UTF_8)).isEqualTo(data);
        assertThat(e.dataContentType()).isEqualTo("application/json");
        assertThat(e.attributes())
                .containsEntry("inferenceservicename", "fraud")
                .containsEntry("retries", "3")
                .containsEntry("sampled", "true");

        HttpResponse<String> batch =
                send(
                        authorized(
                                HttpRequest.newBuilder(URI.create(server.url()))
                                        .header(
                                                "Content-Type",
                                                "application/cloudevents-batch+json")
                                        .POST(
                                                HttpRequest.BodyPublishers.ofString(
                                                        "[{\"specversion\": \"1.0\", \"id\": \"b1\","
                                                                + " \"source\": \"s\", \"type\": \"t\","
                                                                + " \"datacontenttype\": \"text/plain\","
                                                                + " \"data\": \"caf\\u00e9\"},"
                                                                + " {\"specversion\": \"1.0\", \"id\":"
                                                                + " \"b2\", \"source\": \"s\", \"type\":"
                                                                + " \"t\", \"datacontenttype\":"
                                                                + " \"application/x-protobuf\","
                                                                + " \"data_base64\": \"CgVmcmF1ZA==\"},"
                                                                + " {\"specversion\": \"1.0\", \"id\":"
                                                                + " \"b3\", \"source\": \"s\", \"type\":"
                                                                + " \"t\", \"data\": \"quoted\"}]"))));
        assertThat(batch.statusCode()).isEqualTo(202);
        assertThat(batch.body()).isEqualTo("{\"accepted\":3}");
        List<CloudEvent> events = log.appended();
        assertThat(new String(events.get(1).data(), StandardCharsets.UTF_8)).isEqualTo("café");
        assertThat(events.get(2).data()).isEqualTo(Base64.getDecoder().decode("CgVmcmF1ZA=="));
        // JSON data (no content type): the JSON value itself, quotes included
        assertThat(new String(events.get(3).data(), StandardCharsets.UTF_8))
                .isEqualTo("\"quoted\"");
        assertThat(events.get(3).dataContentType()).isNull();
    }

    @Test
    void unsafeConfigurationsAreRefused() {
        IngestConfig open = config().withTokens(List.of());
        assertThatThrownBy(open::validate)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs a token");
        assertThatThrownBy(() -> open.withUnauthenticatedLoopback().withHost("0.0.0.0").validate())
                .hasMessageContaining("only allowed on a loopback address, not on 0.0.0.0");
        assertThatThrownBy(() -> config().withTokens(List.of("short")).validate())
                .hasMessageContaining("at least 16 characters");
        assertThat(open.withUnauthenticatedLoopback().withHost("localhost").validate()).isNotNull();
        assertThat(config().toString()).doesNotContain(TOKEN);
    }

    @Test
    void openOnLoopbackAcceptsWithoutToken() throws Exception {
        RecordingLog log =
                start(
                        config().withTokens(List.of()).withUnauthenticatedLoopback(),
                        new RecordingLog());
        assertThat(server.url()).startsWith("http://127.0.0.1:");
        assertThat(send(kserveRequest(server.url(), "r1", "{}")).statusCode()).isEqualTo(202);
        assertThat(log.appended()).hasSize(1);
    }
}
