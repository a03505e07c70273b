package dev.driftwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.driftwatch.cli.local.Endpoints;
import dev.driftwatch.cli.local.LocalStack;
import dev.driftwatch.testsupport.TestPorts;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What the tests of the running stack share: the quickstart's traffic with two unusable records,
 * the options of {@code up} they run with, sending it, waiting for checkpoints and complete
 * windows, and reading and comparing what a run left (drift rows, alerts, dead letters).
 */
final class StackTraffic {
    private StackTraffic() {}

    static final String PREDICTIONS = "driftwatch.predictions";
    static final String ALERTS = "driftwatch.alerts";
    static final String DEAD_LETTERS = "driftwatch.dead-letters";
    static final String PROFILES = "driftwatch.reference-profiles";

    /** The drift rows of the windows that the traffic closes (10:00 and 10:01 of its day). */
    static final String DRIFT_ROWS =
            "SELECT model_name, model_version, segment, feature, metric, window_start, window_end,"
                    + " value, p_value, threshold, drift_detected, sample_count, reference_count"
                    + " FROM drift_metrics WHERE window_seconds = 60 ORDER BY model_name,"
                    + " model_version, segment, feature,"
                    + " metric, window_start";

    /**
     * The performance rows of the windows the traffic closes (those with drift rows), without the
     * time they were computed.
     */
    static final String PERFORMANCE_ROWS =
            "SELECT model_name, model_version, segment, metric, window_start, window_end, value,"
                    + " sample_count, labeled_count FROM performance_metrics WHERE window_start IN"
                    + " (SELECT window_start FROM drift_metrics WHERE window_seconds = 60) ORDER BY"
                    + " model_name,"
                    + " model_version, segment, metric, window_start";

    static final String ALERT_ROWS =
            "SELECT fingerprint, starts_at, status, alertname, severity, model_name,"
                    + " model_version, labels::text, value, threshold FROM alerts ORDER BY"
                    + " fingerprint, starts_at";

    /** The quickstart's events with two records that cannot be used, for the dead letters. */
    static List<String> traffic() throws Exception {
        List<String> lines =
                new ArrayList<>(Files.readAllLines(DocSteps.ROOT.resolve("examples/events.jsonl")));
        lines.add(100, "{not json");
        lines.add(
                700, "{\"model_name\":\"fraud\",\"model_version\":\"7\",\"timestamp\":\"\u0000\"}");
        return lines;
    }

    /**
     * The same rows, alerts and dead letters. Every metric computed exactly is equal to the last
     * bit; the metrics read from a KLL sketch (whose compactions flip a random coin, so that two
     * uninterrupted runs differ too) are each within their stated error bound of the exact value,
     * so two runs' values differ by at most twice the bound.
     */
    static void assertSameOutcome(Outcome actual, Outcome expected) {
        assertSameOutcome(actual, expected, 0);
    }

    /**
     * {@link #assertSameOutcome(Outcome, Outcome)}, except that the values of exactly computed
     * metrics (drift and performance) may differ by {@code relative} of their size: a job rescaled
     * to another parallelism merges the same floating-point sums in another order, which moves the
     * last bits.
     */
    static void assertSameOutcome(Outcome actual, Outcome expected, double relative) {
        assertThat(actual.deadLetters()).isEqualTo(expected.deadLetters());
        assertThat(actual.alerts()).isEqualTo(expected.alerts());
        assertSameRows(actual.performance(), expected.performance(), Set.of(6), relative);
        assertThat(actual.drift()).hasSameSizeAs(expected.drift());
        Map<String, Double> expectedBounds = bounds(expected.drift());
        Map<String, Double> actualBounds = bounds(actual.drift());
        for (int i = 0; i < expected.drift().size(); i++) {
            List<Object> e = expected.drift().get(i);
            List<Object> a = actual.drift().get(i);
            String metric = (String) e.get(METRIC);
            if (!SKETCH_METRICS.contains(metric)) {
                assertSameRows(List.of(a), List.of(e), Set.of(VALUE, 8), relative);
                continue;
            }
            // the same key, window, counts and threshold; the value within the bounds
            for (int c : List.of(0, 1, 2, 3, 4, 5, 6, 9, 11, 12)) {
                assertThat(a.get(c)).as("%s column %d", e, c).isEqualTo(e.get(c));
            }
            if (metric.endsWith("_error_bound") || e.get(VALUE) == null) {
                assertThat(a.get(VALUE) == null).isEqualTo(e.get(VALUE) == null);
                continue;
            }
            String window = e.subList(0, 6).toString().replace(metric, "");
            double tolerance =
                    expectedBounds.getOrDefault(window + metric, 0.0)
                            + actualBounds.getOrDefault(window + metric, 0.0);
            assertThat(Double.parseDouble((String) a.get(VALUE)))
                    .as("%s: within the two runs' error bounds", e)
                    .isCloseTo(
                            Double.parseDouble((String) e.get(VALUE)),
                            org.assertj.core.data.Offset.offset(tolerance + 1e-12));
        }
    }

    /**
     * The same rows; the columns {@code values} (numbers or null) equal to the last bit, or within
     * {@code relative} of their size when it is not 0.
     */
    static void assertSameRows(
            List<List<Object>> actual,
            List<List<Object>> expected,
            Set<Integer> values,
            double relative) {
        if (relative == 0) {
            assertThat(actual).isEqualTo(expected);
            return;
        }
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            List<Object> e = expected.get(i);
            List<Object> a = actual.get(i);
            for (int c = 0; c < e.size(); c++) {
                if (!values.contains(c) || e.get(c) == null || a.get(c) == null) {
                    assertThat(a.get(c)).as("%s column %d", e, c).isEqualTo(e.get(c));
                    continue;
                }
                double ev = Double.parseDouble((String) e.get(c));
                assertThat(Double.parseDouble((String) a.get(c)))
                        .as("%s column %d", e, c)
                        .isCloseTo(
                                ev,
                                org.assertj.core.data.Offset.offset(
                                        relative * Math.max(1, Math.abs(ev))));
            }
        }
    }

    /** Column positions in {@link #DRIFT_ROWS}. */
    static final int METRIC = 4;

    static final int VALUE = 7;

    /** The metrics estimated from the window's KLL sketch, and their error-bound rows. */
    static final Set<String> SKETCH_METRICS =
            Set.of(
                    "ks_statistic",
                    "ks_error_bound",
                    "wasserstein",
                    "wasserstein_normalized",
                    "wasserstein_error_bound");

    /**
     * The error bound of each sketch metric value, by row key without the metric plus the metric:
     * ks_error_bound for ks_statistic, wasserstein_error_bound for wasserstein, scaled by
     * normalized/raw for wasserstein_normalized.
     */
    static Map<String, Double> bounds(List<List<Object>> rows) {
        Map<String, Double> values = new java.util.HashMap<>();
        for (List<Object> r : rows) {
            String metric = (String) r.get(METRIC);
            if (SKETCH_METRICS.contains(metric) && r.get(VALUE) != null) {
                values.put(
                        r.subList(0, 6).toString().replace(metric, "") + metric,
                        Double.parseDouble((String) r.get(VALUE)));
            }
        }
        Map<String, Double> bounds = new java.util.HashMap<>();
        values.forEach(
                (k, v) -> {
                    if (k.endsWith("ks_error_bound")) {
                        bounds.put(k.replace("ks_error_bound", "ks_statistic"), v);
                    } else if (k.endsWith("wasserstein_error_bound")) {
                        String window =
                                k.substring(0, k.length() - "wasserstein_error_bound".length());
                        bounds.put(window + "wasserstein", v);
                        Double raw = values.get(window + "wasserstein");
                        Double normalized = values.get(window + "wasserstein_normalized");
                        if (raw != null && normalized != null && raw > 0) {
                            bounds.put(window + "wasserstein_normalized", v * normalized / raw);
                        }
                    }
                });
        return bounds;
    }

    /** What a run left: drift rows, alert rows, dead-letter records (without times of writing). */
    record Outcome(
            List<List<Object>> drift,
            List<List<Object>> alerts,
            List<String> deadLetters,
            List<List<Object>> performance) {}

    static LocalStack startInProcess(Path data) throws Exception {
        return startInProcess(data, List.of(), new PrintWriter(new StringWriter(), true));
    }

    /** {@code up} with {@link #upArgs} and {@code more} in this JVM, printing to {@code out}. */
    static LocalStack startInProcess(Path data, List<String> more, PrintWriter out)
            throws Exception {
        List<String> args = upArgs(data);
        args.addAll(more);
        UpCommand up =
                (UpCommand)
                        Driftwatch.commandLine()
                                .parseArgs(args.toArray(String[]::new))
                                .subcommand()
                                .commandSpec()
                                .userObject();
        up.stack.validate();
        up.cluster.validate();
        return LocalStack.start(
                up.stack.settings(JobOptions.parse(up.jobArgs)).withCluster(up.cluster.cluster()),
                out);
    }

    static List<String> upArgs(Path data) {
        return new ArrayList<>(
                List.of(
                        "up",
                        "--data-dir",
                        data.toString(),
                        "--web-ui-port",
                        Integer.toString(TestPorts.free()),
                        "--registry-port",
                        "0",
                        "--window",
                        "1min",
                        "--out-of-orderness",
                        "0s",
                        "--checkpoint-interval",
                        "2s",
                        // the last window stays open: no run closes it by the quiet-key rule
                        "--quiet-timeout",
                        "1d"));
    }

    static void publishProfile(Path dir, Endpoints e) throws Exception {
        Path profile = dir.resolve("fraud7.json");
        synchronized (StackTraffic.class) { // two runs of one test may share the file
            if (!Files.exists(profile)) {
                CliRun made =
                        CliRun.of(
                                "profile",
                                "--input",
                                DocSteps.ROOT.resolve("examples/reference.csv").toString(),
                                "--output",
                                profile.toString(),
                                "--model",
                                "fraud",
                                "--version",
                                "7");
                assertThat(made.exitCode()).as(made.err()).isZero();
            }
        }
        CliRun published =
                CliRun.of(
                        "publish-profile",
                        "--file",
                        profile.toString(),
                        "--bootstrap-servers",
                        e.kafkaBootstrapServers());
        assertThat(published.exitCode()).as(published.err()).isZero();
        await("the jobs read the reference profile")
                .atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(500))
                .ignoreExceptions()
                .until(() -> minCommitted(e, PROFILES) >= 1);
    }

    static void send(Endpoints e, List<String> lines) throws Exception {
        send(e, PREDICTIONS, lines);
    }

    /** Sends {@code lines} to {@code topic}, one record each, and waits until they are written. */
    static void send(Endpoints e, String topic, List<String> lines) throws Exception {
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(
                        Map.of(
                                "bootstrap.servers",
                                e.kafkaBootstrapServers(),
                                "acks",
                                "all",
                                "enable.idempotence",
                                "true"),
                        new StringSerializer(),
                        new StringSerializer())) {
            for (String line : lines) {
                producer.send(new ProducerRecord<>(topic, line));
            }
            producer.flush();
        }
    }

    /**
     * Waits until the jobs have checkpointed past the first {@code records} predictions: every
     * consumer group of the predictions topic (the Kafka source commits at each completed
     * checkpoint) is at that offset.
     */
    static void awaitCheckpointed(Endpoints e, long records) {
        await("a checkpoint past " + records + " predictions")
                .atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(500))
                .ignoreExceptions()
                .until(() -> minCommitted(e, PREDICTIONS) >= records);
    }

    /**
     * Waits until the uninterrupted run has written every row: the drift rows of both closed
     * windows, the dead letters, and the registry has taken every committed alert.
     */
    static Outcome awaitComplete(Endpoints e, long records, int windows) throws Exception {
        awaitCheckpointed(e, records);
        try (Connection db = connect(e)) {
            await("drift rows of " + windows + " windows")
                    .atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofSeconds(1))
                    .ignoreExceptions()
                    .until(
                            () ->
                                    count(
                                                            db,
                                                            "SELECT count(DISTINCT window_start) FROM drift_metrics"
                                                                    + " WHERE window_seconds = 60")
                                                    == windows
                                            && count(
                                                            db,
                                                            "SELECT count(*) FROM drift_metrics"
                                                                    + " WHERE window_seconds = 60"
                                                                    + " GROUP BY window_start ORDER BY 1"
                                                                    + " LIMIT 1")
                                                    == count(
                                                            db,
                                                            "SELECT count(*) FROM drift_metrics"
                                                                    + " WHERE window_seconds = 60"
                                                                    + " GROUP BY window_start ORDER BY 1"
                                                                    + " DESC LIMIT 1"));
        }
        await("the registry took every committed alert")
                .atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(500))
                .ignoreExceptions()
                .until(() -> registryCaughtUp(e));
        return outcome(e);
    }

    static Outcome outcome(Endpoints e) throws Exception {
        try (Connection db = connect(e)) {
            return new Outcome(
                    rows(db, DRIFT_ROWS),
                    rows(db, ALERT_ROWS),
                    deadLetters(e),
                    rows(db, PERFORMANCE_ROWS));
        }
    }

    static Connection connect(Endpoints e) throws Exception {
        return DriverManager.getConnection(e.jdbcUrl(), e.jdbcUser(), e.jdbcPassword());
    }

    static long count(Connection db, String sql) throws Exception {
        try (Statement s = db.createStatement();
                ResultSet r = s.executeQuery(sql)) {
            return r.next() ? r.getLong(1) : 0;
        }
    }

    static List<List<Object>> rows(Connection db, String sql) throws Exception {
        List<List<Object>> out = new ArrayList<>();
        try (Statement s = db.createStatement();
                ResultSet r = s.executeQuery(sql)) {
            ResultSetMetaData meta = r.getMetaData();
            while (r.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    Object v = r.getObject(i);
                    row.add(v == null ? null : v.toString());
                }
                out.add(row);
            }
        }
        return out;
    }

    /** The committed dead letters, in offset order. */
    static List<String> deadLetters(Endpoints e) {
        return committedRecords(e, DEAD_LETTERS);
    }

    /** The committed records of partition 0 of {@code topic}, in offset order. */
    static List<String> committedRecords(Endpoints e, String topic) {
        List<String> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        Map.of(
                                "bootstrap.servers",
                                e.kafkaBootstrapServers(),
                                "isolation.level",
                                "read_committed"),
                        new ByteArrayDeserializer(),
                        new ByteArrayDeserializer())) {
            TopicPartition p = new TopicPartition(topic, 0);
            consumer.assign(List.of(p));
            consumer.seekToBeginning(List.of(p));
            long end = consumer.endOffsets(List.of(p)).get(p);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (consumer.position(p) < end && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200))
                        .forEach(r -> out.add(new String(r.value(), StandardCharsets.UTF_8)));
            }
        }
        return out;
    }

    /** The smallest committed offset on partition 0 of {@code topic} over the groups reading it. */
    static long minCommitted(Endpoints e, String topic) throws Exception {
        TopicPartition p = new TopicPartition(topic, 0);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", e.kafkaBootstrapServers()))) {
            long min = Long.MAX_VALUE;
            Collection<ConsumerGroupListing> groups = admin.listConsumerGroups().all().get();
            for (ConsumerGroupListing g : groups) {
                Map<TopicPartition, OffsetAndMetadata> offsets =
                        admin.listConsumerGroupOffsets(g.groupId())
                                .partitionsToOffsetAndMetadata()
                                .get();
                OffsetAndMetadata o = offsets.get(p);
                if (o != null) {
                    min = Math.min(min, o.offset());
                }
            }
            return min == Long.MAX_VALUE ? -1 : min;
        }
    }

    /**
     * The registry's alert consumer has committed past the last committed alert record (transaction
     * markers after it do not count: a consumer commits the offset after the record it handled).
     */
    static boolean registryCaughtUp(Endpoints e) throws Exception {
        TopicPartition p = new TopicPartition(ALERTS, 0);
        long lastRecord = -1;
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        Map.of(
                                "bootstrap.servers",
                                e.kafkaBootstrapServers(),
                                "isolation.level",
                                "read_committed"),
                        new ByteArrayDeserializer(),
                        new ByteArrayDeserializer())) {
            consumer.assign(List.of(p));
            consumer.seekToBeginning(List.of(p));
            long end = consumer.endOffsets(List.of(p)).get(p);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (consumer.position(p) < end && System.nanoTime() < deadline) {
                for (var r : consumer.poll(Duration.ofMillis(200))) {
                    lastRecord = Math.max(lastRecord, r.offset());
                }
            }
        }
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", e.kafkaBootstrapServers()))) {
            OffsetAndMetadata taken =
                    admin.listConsumerGroupOffsets("driftwatch-registry-alerts")
                            .partitionsToOffsetAndMetadata()
                            .get()
                            .get(p);
            return lastRecord >= 0 && taken != null && taken.offset() > lastRecord;
        }
    }

    static long millisSince(long nanos) {
        return Duration.ofNanos(System.nanoTime() - nanos).toMillis();
    }
}
