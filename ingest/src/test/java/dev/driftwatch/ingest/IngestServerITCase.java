package dev.driftwatch.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.driftwatch.ingest.formats.CloudEventsKafka;
import dev.driftwatch.local.LocalKafka;
import dev.driftwatch.testsupport.TestKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

/** The ingest endpoint against a real in-process Kafka broker. */
class IngestServerITCase {
    private static final String TOKEN = IngestAppTest.TOKEN;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static IngestConfig config(String bootstrap, String topic) {
        return IngestConfig.defaults()
                .withPort(0)
                .withKafka(bootstrap)
                .withTopic(topic)
                .withTokens(List.of(TOKEN))
                .withTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(1));
    }

    private HttpResponse<String> send(HttpRequest.Builder r) throws Exception {
        return http.send(
                r.header("Authorization", "Bearer " + TOKEN).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static Map<String, String> headers(ConsumerRecord<byte[], byte[]> r) {
        Map<String, String> m = new LinkedHashMap<>();
        for (Header h : r.headers()) {
            m.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
        }
        return m;
    }

    @Test
    void kserveRequestAndResponseLandOnTheRawTopicUnchanged() throws Exception {
        String bootstrap = TestKafka.bootstrapServers();
        String topic = TestKafka.createTopics(3, "inference-logs").get(0);
        try (IngestServer server = IngestServer.start(config(bootstrap, topic))) {
            String request = "{\"instances\": [[6.8, 2.8, 4.8, 1.4], [6.0, 3.4, 4.5, 1.6]]}";
            HttpResponse<String> binary =
                    send(IngestAppTest.kserveRequest(server.url(), "req-7f3a", request));
            assertThat(binary.statusCode()).as(binary.body()).isEqualTo(202);

            String response = "{\"predictions\": [1, 2]}";
            HttpResponse<String> structured =
                    send(
                            HttpRequest.newBuilder(URI.create(server.url()))
                                    .header("Content-Type", "application/cloudevents+json")
                                    .POST(
                                            HttpRequest.BodyPublishers.ofString(
                                                    "{\"specversion\": \"1.0\", \"id\": \"req-7f3a\","
                                                            + " \"source\": \"http://localhost:9081/\","
                                                            + " \"type\":"
                                                            + " \"org.kubeflow.serving.inference.response\","
                                                            + " \"time\": \"2026-11-26T10:15:00.2Z\","
                                                            + " \"datacontenttype\": \"application/json\","
                                                            + " \"inferenceservicename\": \"fraud\","
                                                            + " \"endpoint\": \"default\", \"data\": "
                                                            + response
                                                            + "}")));
            assertThat(structured.statusCode()).as(structured.body()).isEqualTo(202);

            HttpResponse<String> noToken =
                    http.send(
                            IngestAppTest.kserveRequest(server.url(), "r9", "{}").build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(noToken.statusCode()).isEqualTo(401);

            // 202 means acknowledged; the request without a token left nothing
            List<ConsumerRecord<byte[], byte[]>> records =
                    TestKafka.readAll(topic, 2, Duration.ofSeconds(30));
            assertThat(records).hasSize(2);
            records.sort((a, b) -> Long.compare(a.offset(), b.offset()));
            ConsumerRecord<byte[], byte[]> req = records.get(0);
            ConsumerRecord<byte[], byte[]> resp = records.get(1);
            assertThat(new String(req.key(), StandardCharsets.UTF_8)).isEqualTo("req-7f3a");
            assertThat(new String(req.value(), StandardCharsets.UTF_8)).isEqualTo(request);
            assertThat(headers(req))
                    .containsEntry("ce_specversion", "1.0")
                    .containsEntry("ce_id", "req-7f3a")
                    .containsEntry("ce_source", "http://localhost:9081/")
                    .containsEntry("ce_type", "org.kubeflow.serving.inference.request")
                    .containsEntry("ce_time", "2026-11-26T10:15:00.123456789Z")
                    .containsEntry("ce_inferenceservicename", "fraud")
                    .containsEntry("ce_namespace", "models")
                    .containsEntry("ce_component", "predictor")
                    .containsEntry("ce_endpoint", "default")
                    .containsEntry("ce_metadata", "{\"X-Request-Id\":[\"req-7f3a\"]}")
                    .containsEntry(CloudEventsKafka.CONTENT_TYPE_HEADER, "application/json");
            assertThat(new String(resp.value(), StandardCharsets.UTF_8)).isEqualTo(response);
            assertThat(headers(resp))
                    .containsEntry("ce_type", "org.kubeflow.serving.inference.response")
                    .containsEntry("ce_time", "2026-11-26T10:15:00.2Z")
                    .containsEntry("content-type", "application/json")
                    .doesNotContainKey("ce_datacontenttype");
            // one id, one key, one partition: the response follows its request
            assertThat(resp.partition()).isEqualTo(req.partition());
            assertThat(resp.offset()).isGreaterThan(req.offset());
        }
    }

    @Test
    void anEventTheTopicRefusesAsTooLargeGets413() throws Exception {
        String bootstrap = TestKafka.bootstrapServers();
        String topic =
                TestKafka.createTopic(
                        "inference-logs-small", 1, Map.of("max.message.bytes", "20000"));
        IngestConfig config = config(bootstrap, topic).withMaxRequestBytes(1 << 20);
        try (IngestServer server = IngestServer.start(config)) {
            String big = "{\"pad\": \"" + "x".repeat(100_000) + "\"}";
            HttpResponse<String> r = send(IngestAppTest.kserveRequest(server.url(), "big", big));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(413);
            assertThat(r.body()).contains("larger than the inference log accepts");
            assertThat(send(IngestAppTest.kserveRequest(server.url(), "small", "{}")).statusCode())
                    .isEqualTo(202);
        }
    }

    @Test
    void aStoppedBrokerGives503WithRetryAfterWithinTheAckTimeout() throws Exception {
        LocalKafka cluster = LocalKafka.startTemporary(); // a broker of its own: the test stops it
        boolean closed = false;
        try {
            String bootstrap = cluster.bootstrapServers();
            String topic = "inference-logs-down";
            LocalKafka.createTopics(bootstrap, List.of(topic), Set.of());
            try (IngestServer server = IngestServer.start(config(bootstrap, topic))) {
                assertThat(
                                send(IngestAppTest.kserveRequest(server.url(), "before", "{}"))
                                        .statusCode())
                        .isEqualTo(202);
                cluster.close();
                closed = true;
                long t0 = System.nanoTime();
                HttpResponse<String> r =
                        send(IngestAppTest.kserveRequest(server.url(), "after", "{}"));
                assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
                assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
                assertThat(r.body()).contains("retry later");
                // bounded by max.block.ms / the 3 s delivery timeout (plus margin), not hanging
                assertThat(Duration.ofNanos(System.nanoTime() - t0))
                        .isLessThan(Duration.ofSeconds(20));
                HttpResponse<String> health =
                        http.send(
                                HttpRequest.newBuilder(URI.create(server.url() + "health")).build(),
                                HttpResponse.BodyHandlers.ofString());
                assertThat(health.statusCode()).isEqualTo(200);
            }
        } finally {
            if (!closed) {
                cluster.close();
            }
        }
    }
}
