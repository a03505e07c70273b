package dev.driftwatch.jobs.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.driftwatch.ingest.formats.CloudEventsKafka;
import dev.driftwatch.jobs.TestJobs;
import dev.driftwatch.jobs.ingest.TestInferences.Row;
import dev.driftwatch.jobs.performance.PerformanceJob;
import dev.driftwatch.jobs.performance.PerformanceJobOptions;
import dev.driftwatch.jobs.shared.MetricTables;
import dev.driftwatch.testsupport.TestKafka;
import dev.driftwatch.testsupport.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The performance job with inference logs on a real Kafka broker, PostgreSQL and Flink's
 * MiniCluster: KServe CloudEvent records on the raw topic (batches, so labels join rows by {@code
 * <id>/<row>}) and the same rows as native predictions of another model, with the same labels, give
 * the same performance_metrics rows.
 */
class PerformanceInferenceLogsITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static final long T0 = Instant.parse("2026-11-26T10:00:00Z").toEpochMilli();
    private static final String LOGGED = "kserve-perf";
    private static final String NATIVE = "native-perf";

    @Test
    void labelsJoinNormalizedRowsAsTheyJoinNativePredictions() throws Exception {
        List<String> topics =
                TestKafka.createTopics(
                        "predictions",
                        "labels",
                        "reference-profiles",
                        "alerts",
                        "dead-letters",
                        "inference-logs",
                        "input-schemas");
        Random random = new Random(11);
        List<byte[]> natives = new ArrayList<>();
        List<byte[]> labels = new ArrayList<>();
        List<ProducerRecord<byte[], byte[]>> logs = new ArrayList<>();
        int rowCount = 0;
        for (int i = 0; i < 150; i++) {
            String id = "perf-" + i;
            long time = T0 + i * 300L;
            List<Row> rows = new ArrayList<>();
            int n = 1 + random.nextInt(3);
            for (int r = 0; r < n; r++) {
                rows.add(new Row(50 + 10 * random.nextGaussian(), "DE", random.nextDouble()));
            }
            logs.add(record(topics.get(5), id, time, false, TestInferences.kserveV1Request(rows)));
            logs.add(
                    record(
                            topics.get(5),
                            id,
                            time,
                            true,
                            TestInferences.oipResponse(id, LOGGED, "3", rows)));
            for (int r = 0; r < n; r++) {
                String rowId = n == 1 ? id : id + "/" + r;
                natives.add(TestInferences.nativeEvent(rowId, NATIVE, "3", time, rows.get(r)));
                // the label agrees with the score more often than not
                int y = random.nextDouble() < rows.get(r).score() ? 1 : 0;
                labels.add(label(rowId, LOGGED, y));
                labels.add(label(rowId, NATIVE, y));
                rowCount++;
            }
        }
        TestKafka.produce(logs);
        TestKafka.produce(topics.get(0), natives);
        TestKafka.produce(topics.get(1), labels);
        TestKafka.produce(
                topics.get(6),
                List.of(TestInferences.inputSchema(LOGGED, Map.of("champion", "3"))));

        TestPostgres.Connection db = TestPostgres.connection();
        MetricTables.migrate(db.url(), db.user(), db.password());
        Configuration config = TestJobs.config(topics, PerformanceJobOptions.LABELS_TOPIC, db);
        config.set(InferenceLogOptions.INFERENCE_LOGS, List.of(InferenceLogOptions.KSERVE));
        config.set(InferenceLogOptions.INFERENCE_LOGS_TOPIC, topics.get(5));
        config.set(InferenceLogOptions.INPUT_SCHEMAS_TOPIC, topics.get(6));
        config.set(
                dev.driftwatch.jobs.shared.SharedJobOptions.OUT_OF_ORDERNESS,
                java.time.Duration.ofHours(1));

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.enableCheckpointing(500);
        PerformanceJob.withKafka(config, List.of(), OffsetsInitializer.earliest(), true).build(env);
        env.execute("performance-inference-logs-e2e");

        Jdbi jdbi = Jdbi.create(db.url(), db.user(), db.password());
        Map<String, String> logged = rows(jdbi, LOGGED);
        Map<String, String> expected = rows(jdbi, NATIVE);
        assertThat(expected).containsKey("accuracy@" + T0);
        assertThat(expected.get("accuracy@" + T0)).endsWith(" " + rowCount + "/" + rowCount);
        assertThat(logged).isEqualTo(expected);
    }

    /** metric@window_start → "value sample_count/labeled_count" of a model's rows. */
    private static Map<String, String> rows(Jdbi jdbi, String model) {
        Map<String, String> out = new LinkedHashMap<>();
        jdbi.useHandle(
                h ->
                        h.createQuery(
                                        "SELECT metric, window_start, value, sample_count,"
                                                + " labeled_count FROM performance_metrics WHERE"
                                                + " model_name = :m AND model_version = '3' ORDER BY"
                                                + " metric, window_start")
                                .bind("m", model)
                                .map(
                                        (rs, ctx) ->
                                                Map.entry(
                                                        rs.getString(1)
                                                                + "@"
                                                                + rs.getTimestamp(2).getTime(),
                                                        rs.getObject(3)
                                                                + " "
                                                                + rs.getLong(4)
                                                                + "/"
                                                                + rs.getLong(5)))
                                .forEach(e -> out.put(e.getKey(), e.getValue())));
        return out;
    }

    private static ProducerRecord<byte[], byte[]> record(
            String topic, String id, long time, boolean response, byte[] value) {
        List<Header> headers = new ArrayList<>();
        headers.add(header("specversion", "1.0"));
        headers.add(header("id", id));
        headers.add(header("source", "http://localhost:9081/"));
        headers.add(
                header(
                        "type",
                        "org.kubeflow.serving.inference." + (response ? "response" : "request")));
        headers.add(header("time", Instant.ofEpochMilli(time).toString()));
        headers.add(header("inferenceservicename", LOGGED));
        headers.add(header("endpoint", "default"));
        headers.add(
                new RecordHeader(
                        CloudEventsKafka.CONTENT_TYPE_HEADER,
                        "application/json".getBytes(StandardCharsets.UTF_8)));
        return new ProducerRecord<>(
                topic,
                null,
                time,
                id.getBytes(StandardCharsets.UTF_8),
                value,
                new RecordHeaders(headers));
    }

    private static Header header(String attribute, String value) {
        return new RecordHeader(
                CloudEventsKafka.header(attribute), value.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] label(String id, String model, int y) {
        return String.format(
                        Locale.ROOT,
                        "{\"prediction_id\":\"%s\",\"model_name\":\"%s\",\"timestamp\":%d,"
                                + "\"label\":\"%d\"}",
                        id,
                        model,
                        T0 + 86_400_000L,
                        y)
                .getBytes(StandardCharsets.UTF_8);
    }
}
