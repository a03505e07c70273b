package dev.driftwatch.jobs.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.driftwatch.jobs.records.InferenceLogPart;
import dev.driftwatch.jobs.records.RawRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the envelope of a KServe CloudEvent record and of a Seldon Core 2 record says. */
class InferenceLogEnvelopesTest {
    private static final byte[] BODY = "{\"instances\": [[1.0]]}".getBytes(StandardCharsets.UTF_8);
    private final InferenceLogEnvelopes kserve = new InferenceLogEnvelopes(false);
    private final InferenceLogEnvelopes seldon = new InferenceLogEnvelopes(true);

    private static RawRecord record(String topic, String key, Map<String, String> headers) {
        RawRecord r = new RawRecord(topic, 3, 42, BODY);
        r.key = key == null ? null : key.getBytes(StandardCharsets.UTF_8);
        r.timestamp = 1_700_000_000_000L;
        r.headerNames = headers.keySet().toArray(new String[0]);
        r.headerValues =
                headers.values().stream()
                        .map(v -> v.getBytes(StandardCharsets.UTF_8))
                        .toArray(byte[][]::new);
        return r;
    }

    private static Map<String, String> cloudEvent(String type) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("ce_specversion", "1.0");
        h.put("ce_id", "5c1f6f3e");
        h.put("ce_source", "http://localhost:9081/");
        h.put("ce_type", type);
        h.put("ce_time", "2026-11-26T10:15:00.123456789Z");
        h.put("ce_inferenceservicename", "fraud");
        h.put("ce_namespace", "models");
        h.put("ce_endpoint", "canary");
        h.put("content-type", "application/json");
        return h;
    }

    @Test
    void aKServeRequestAndItsResponseShareTheirPairKey() throws Exception {
        InferenceLogPart req =
                kserve.read(
                        record(
                                "driftwatch.inference-logs",
                                "5c1f6f3e",
                                cloudEvent("org.kubeflow.serving.inference.request")));
        InferenceLogPart resp =
                kserve.read(
                        record(
                                "driftwatch.inference-logs",
                                "5c1f6f3e",
                                cloudEvent("org.kubeflow.serving.inference.response")));
        assertThat(req.response).isFalse();
        assertThat(resp.response).isTrue();
        assertThat(req.pairKey).isEqualTo(resp.pairKey);
        assertThat(req.modelName).isEqualTo("fraud");
        assertThat(req.requestId).isEqualTo("5c1f6f3e");
        assertThat(req.endpoint).isEqualTo("canary");
        assertThat(req.timestamp)
                .isEqualTo(Instant.parse("2026-11-26T10:15:00.123Z").toEpochMilli());
        assertThat(req.protobuf).isFalse();
        assertThat(req.seldon).isFalse();
        assertThat(req.value).isSameAs(BODY);
        assertThat(req.topic).isEqualTo("driftwatch.inference-logs");
        assertThat(req.partition).isEqualTo(3);
        assertThat(req.offset).isEqualTo(42);
    }

    @Test
    void theRecordKeyAndTimeStandInForAMissingIdAndTime() throws Exception {
        Map<String, String> h = cloudEvent("org.kubeflow.serving.inference.request");
        h.remove("ce_id");
        h.remove("ce_time");
        h.put("content-type", "application/x-protobuf");
        InferenceLogPart p = kserve.read(record("t", "from-key", h));
        assertThat(p.requestId).isEqualTo("from-key");
        assertThat(p.timestamp).isEqualTo(1_700_000_000_000L);
        assertThat(p.protobuf).isTrue();
    }

    @Test
    void kserveEnvelopesThatCannotBeReadAreRejectedWithTheReason() {
        Map<String, String> noType = cloudEvent("x");
        noType.remove("ce_type");
        assertThatThrownBy(() -> kserve.read(record("t", "k", noType)))
                .hasMessage("not a CloudEvent: no ce_type header");
        assertThatThrownBy(() -> kserve.read(record("t", "k", cloudEvent("com.example.ping"))))
                .hasMessageContaining("CloudEvent type 'com.example.ping' is neither");
        Map<String, String> noModel = cloudEvent("org.kubeflow.serving.inference.request");
        noModel.remove("ce_inferenceservicename");
        assertThatThrownBy(() -> kserve.read(record("t", "k", noModel)))
                .hasMessage(
                        "no model name: the CloudEvent has no ce_inferenceservicename attribute");
        Map<String, String> badTime = cloudEvent("org.kubeflow.serving.inference.request");
        badTime.put("ce_time", "yesterday");
        assertThatThrownBy(() -> kserve.read(record("t", "k", badTime)))
                .hasMessage("unparseable ce_time 'yesterday' (RFC 3339)");
        Map<String, String> nul = cloudEvent("org.kubeflow.serving.inference.request");
        nul.put("ce_inferenceservicename", "fr\u0000aud");
        assertThatThrownBy(() -> kserve.read(record("t", "k", nul)))
                .hasMessageContaining("control character (U+0000)");
        Map<String, String> noId = cloudEvent("org.kubeflow.serving.inference.request");
        noId.remove("ce_id");
        assertThatThrownBy(() -> kserve.read(record("t", null, noId)))
                .hasMessage("no request id (ce_id, else the record key)");
        RawRecord empty = record("t", "k", cloudEvent("org.kubeflow.serving.inference.request"));
        empty.value = new byte[0];
        assertThatThrownBy(() -> kserve.read(empty)).hasMessage("empty payload");
    }

    @Test
    void seldonTopicsNameTheModelAndTheDirection() throws Exception {
        InferenceLogPart req =
                seldon.read(record("seldon.models.model.fraud.inputs", "b7c9e2a0", Map.of()));
        InferenceLogPart resp =
                seldon.read(record("seldon.models.model.fraud.outputs", "b7c9e2a0", Map.of()));
        assertThat(req.modelName).isEqualTo("fraud");
        assertThat(req.response).isFalse();
        assertThat(resp.response).isTrue();
        assertThat(req.pairKey).isEqualTo(resp.pairKey);
        assertThat(req.protobuf).isTrue();
        assertThat(req.timestamp).isEqualTo(1_700_000_000_000L);
        assertThat(req.endpoint).isNull();

        InferenceLogPart pipeline =
                seldon.read(
                        record(
                                "seldon.models.pipeline.fraud.v2.inputs",
                                null,
                                Map.of("x-request-id", "from-header")));
        assertThat(pipeline.modelName).isEqualTo("fraud.v2");
        assertThat(pipeline.requestId).isEqualTo("from-header");
        assertThat(pipeline.pairKey).isNotEqualTo(req.pairKey);
    }

    @Test
    void seldonRecordsThatCannotBeReadAreRejectedWithTheReason() {
        assertThatThrownBy(() -> seldon.read(record("seldon.models.fraud.inputs", "k", Map.of())))
                .hasMessageContaining("is not a Seldon Core 2 topic");
        assertThatThrownBy(
                        () ->
                                seldon.read(
                                        record("seldon.models.model.fraud.inputs", null, Map.of())))
                .hasMessage("no request id (the record key, else x-request-id)");
        RawRecord noTime = record("seldon.models.model.fraud.inputs", "k", Map.of());
        noTime.timestamp = -1;
        assertThatThrownBy(() -> seldon.read(noTime))
                .hasMessage("the record has no Kafka timestamp");
    }
}
