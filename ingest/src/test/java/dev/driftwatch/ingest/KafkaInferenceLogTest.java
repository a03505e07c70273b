package dev.driftwatch.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.BufferExhaustedException;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

class KafkaInferenceLogTest {
    @Test
    void anEventBecomesABinaryModeRecordKeyedByItsId() {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("specversion", "1.0");
        attributes.put("id", "req-7f3a");
        attributes.put("source", "urn:zürich");
        attributes.put("type", "org.kubeflow.serving.inference.request");
        byte[] data = "{\"instances\": [[1]]}".getBytes(StandardCharsets.UTF_8);
        ProducerRecord<byte[], byte[]> r =
                KafkaInferenceLog.record(
                        "driftwatch.inference-logs",
                        new CloudEvent(attributes, "application/json", data));
        assertThat(r.topic()).isEqualTo("driftwatch.inference-logs");
        assertThat(r.partition()).isNull(); // by key: a request and its response share one
        assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("req-7f3a");
        assertThat(r.value()).isSameAs(data);
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header h : r.headers()) {
            headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
        }
        assertThat(headers)
                .containsExactly(
                        Map.entry("ce_specversion", "1.0"),
                        Map.entry("ce_id", "req-7f3a"),
                        Map.entry("ce_source", "urn:zürich"),
                        Map.entry("ce_type", "org.kubeflow.serving.inference.request"),
                        Map.entry("content-type", "application/json"));
    }

    @Test
    void producerErrorsMapToTooLargeOrRetryLater() {
        assertThat(KafkaInferenceLog.classify(new RecordTooLargeException("x")).kind())
                .isEqualTo(LogWriteException.Kind.TOO_LARGE);
        LogWriteException full = KafkaInferenceLog.classify(new BufferExhaustedException("x"));
        assertThat(full.kind()).isEqualTo(LogWriteException.Kind.UNAVAILABLE);
        assertThat(full.getMessage()).isEqualTo("the inference log's buffer is full");
        for (Exception e :
                List.of(
                        new TimeoutException("expired"),
                        new NotEnoughReplicasException("x"),
                        new IllegalStateException("closed"))) {
            LogWriteException w = KafkaInferenceLog.classify(e);
            assertThat(w.kind()).isEqualTo(LogWriteException.Kind.UNAVAILABLE);
            assertThat(w.getMessage()).isEqualTo("the inference log is unavailable");
        }
    }

    @Test
    void producerSettingsCarryTheGuaranteesAndAcceptExtras() {
        IngestConfig config =
                IngestConfig.defaults()
                        .withKafka("localhost:9092")
                        .withTimeouts(Duration.ofSeconds(15), Duration.ofSeconds(1))
                        .withProducerProperties(Map.of("security.protocol", "SSL"));
        Properties p = KafkaInferenceLog.producerProperties(config);
        assertThat(p)
                .containsEntry("enable.idempotence", "true")
                .containsEntry("acks", "all")
                .containsEntry("delivery.timeout.ms", "15000")
                .containsEntry("request.timeout.ms", "14995")
                .containsEntry("max.block.ms", "1000")
                .containsEntry("security.protocol", "SSL");
    }
}
