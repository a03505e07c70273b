package dev.driftwatch.jobs.performance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.driftwatch.jobs.TestJobs;
import dev.driftwatch.jobs.shared.MetricTables;
import dev.driftwatch.testsupport.TestKafka;
import dev.driftwatch.testsupport.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The performance job on real Kafka, PostgreSQL and a MiniCluster: labels arriving before and after
 * their predictions, some replaced by a corrected label, give performance_metrics rows equal to
 * scikit-learn's values on the same pairs (counts exactly, AUCs within their stated bound); bad
 * labels are dead-lettered.
 */
class PerformanceJobITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static final long T0 = Instant.parse("2026-11-26T10:00:00Z").toEpochMilli();

    @Test
    void labelsBecomeMetricsEqualToScikitLearn() throws Exception {
        JsonNode fixture =
                new ObjectMapper()
                        .readTree(
                                Files.readString(
                                        Path.of(
                                                "..",
                                                "drift-core",
                                                "src",
                                                "test",
                                                "resources",
                                                "fixtures",
                                                "performance.json")))
                        .get("binary")
                        .get(0);
        JsonNode expected = fixture.get("expected");
        int n = fixture.get("scores").size();
        List<byte[]> predictions = new ArrayList<>();
        List<byte[]> labels = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double score = fixture.get("scores").get(i).asDouble();
            int y = fixture.get("labels").get(i).asInt();
            predictions.add(
                    String.format(
                                    Locale.ROOT,
                                    "{\"prediction_id\":\"p%d\",\"model_name\":\"churn\",\"model_version\":\"3\","
                                            + "\"timestamp\":%d,\"features\":{\"x\":1},\"prediction\":{\"score\":%s}}",
                                    i,
                                    T0 + i * 20L,
                                    Double.toString(score))
                            .getBytes(StandardCharsets.UTF_8));
            if (i % 20 == 0) { // a wrong label first, corrected later: the latest wins
                labels.add(label(i, 1 - y));
            }
            labels.add(label(i, y));
        }
        labels.add(
                "{\"prediction_id\":\"x\",\"model_name\":\"churn\",\"timestamp\":1}"
                        .getBytes(StandardCharsets.UTF_8));
        labels.add("garbage".getBytes(StandardCharsets.UTF_8));
        labels.add(
                "{\"prediction_id\":\"p1\",\"model_name\":\"churn\",\"timestamp\":1,\"label\":\"1\\u0000\"}"
                        .getBytes(StandardCharsets.UTF_8));
        labels.add(
                "{\"prediction_id\":\"p1\",\"model_name\":\"churn\",\"timestamp\":\"2999-01-01T00:00:00Z\",\"label\":\"1\"}"
                        .getBytes(StandardCharsets.UTF_8));

        List<String> topics =
                TestKafka.createTopics(
                        "predictions", "labels", "reference-profiles", "alerts", "dead-letters");
        TestKafka.produce(
                topics.get(1), labels.subList(0, 300)); // some labels before their predictions
        TestKafka.produce(topics.get(0), predictions);
        TestKafka.produce(topics.get(1), labels.subList(300, labels.size()));

        TestPostgres.Connection db = TestPostgres.connection();
        MetricTables.migrate(db.url(), db.user(), db.password());
        Configuration config = TestJobs.config(topics, PerformanceJobOptions.LABELS_TOPIC, db);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.enableCheckpointing(300);
        PerformanceJob.withKafka(config, List.of(), OffsetsInitializer.earliest(), true).build(env);
        env.execute("performance-job-e2e");

        Jdbi jdbi = Jdbi.create(db.url(), db.user(), db.password());
        for (String metric :
                List.of(
                        "accuracy",
                        "precision",
                        "recall",
                        "f1",
                        "positive_rate",
                        "log_loss",
                        "brier",
                        "ece")) {
            assertThat(value(jdbi, metric))
                    .as(metric)
                    .isCloseTo(
                            expected.get(metric).asDouble(),
                            org.assertj.core.data.Offset.offset(1e-9));
        }
        for (String metric : List.of("roc_auc", "pr_auc")) {
            double bound = value(jdbi, metric + "_error_bound");
            assertThat(Math.abs(value(jdbi, metric) - expected.get(metric).asDouble()))
                    .as(metric)
                    .isLessThanOrEqualTo(bound + 1e-12);
        }
        long[] counts =
                jdbi.withHandle(
                        h ->
                                h.createQuery(
                                                "SELECT sample_count, labeled_count FROM performance_metrics"
                                                        + " WHERE model_name = 'churn' AND metric = 'accuracy'")
                                        .map((rs, ctx) -> new long[] {rs.getLong(1), rs.getLong(2)})
                                        .one());
        assertThat(counts).containsExactly(n, n);
        assertThat(value(jdbi, "label_coverage")).isEqualTo(1.0);

        var dead = TestKafka.readAll(topics.get(4), 4, Duration.ofSeconds(20));
        assertThat(dead).hasSize(4);
        assertThat(dead.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList())
                .anySatisfy(s -> assertThat(s).contains("needs 'label'"))
                .anySatisfy(s -> assertThat(s).contains("malformed JSON"))
                .anySatisfy(
                        s -> assertThat(s).contains("field 'label' contains a control character"))
                .anySatisfy(s -> assertThat(s).contains("ahead of the processing clock"));
    }

    private static byte[] label(int i, int y) {
        return String.format(
                        Locale.ROOT,
                        "{\"prediction_id\":\"p%d\",\"model_name\":\"churn\",\"timestamp\":%d,\"label\":\"%d\"}",
                        i,
                        T0 + 86_400_000L + i,
                        y)
                .getBytes(StandardCharsets.UTF_8);
    }

    private static double value(Jdbi jdbi, String metric) {
        return jdbi.withHandle(
                h ->
                        h.createQuery(
                                        "SELECT value FROM performance_metrics WHERE model_name = 'churn' AND"
                                                + " model_version = '3' AND metric = :metric AND window_start = :s")
                                .bind("metric", metric)
                                .bind(
                                        "s",
                                        OffsetDateTime.ofInstant(
                                                Instant.ofEpochMilli(T0), ZoneOffset.UTC))
                                .mapTo(Double.class)
                                .one());
    }
}
