package dev.driftwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.driftwatch.cli.local.Endpoints;
import dev.driftwatch.cli.local.LocalStack;
import dev.driftwatch.testsupport.TestPorts;
import java.io.File;
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
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code up} is durable: run as a separate process, killed ({@code kill -9}) in the middle of a
 * window, started again, stopped with SIGTERM in the middle of the next window, started again, it
 * ends with the same drift rows, alerts and dead letters as an uninterrupted run of the same
 * traffic. Kafka's log and the jobs' retained checkpoints are in the data directory; each start
 * resumes from the latest checkpoint. Prints the times to stop and to resume.
 */
class UpRestartITCase {
    private static final String PREDICTIONS = "driftwatch.predictions";
    private static final String ALERTS = "driftwatch.alerts";
    private static final String DEAD_LETTERS = "driftwatch.dead-letters";
    private static final String PROFILES = "driftwatch.reference-profiles";

    /** The drift rows of the windows that the traffic closes (10:00 and 10:01 of its day). */
    private static final String DRIFT_ROWS =
            "SELECT model_name, model_version, segment, feature, metric, window_start, window_end,"
                    + " value, p_value, threshold, drift_detected, sample_count, reference_count"
                    + " FROM drift_metrics ORDER BY model_name, model_version, segment, feature,"
                    + " metric, window_start";

    private static final String ALERT_ROWS =
            "SELECT fingerprint, starts_at, status, alertname, severity, model_name,"
                    + " model_version, labels::text, value, threshold FROM alerts ORDER BY"
                    + " fingerprint, starts_at";

    @TempDir Path dir;

    private Process child;

    @AfterEach
    void stopChild() throws Exception {
        if (child != null && child.isAlive()) {
            child.destroy();
            if (!child.waitFor(2, TimeUnit.MINUTES)) {
                child.destroyForcibly().waitFor();
            }
        }
    }

    /** The quickstart's events with two records that cannot be used, for the dead letters. */
    private static List<String> traffic() throws Exception {
        List<String> lines =
                new ArrayList<>(Files.readAllLines(DocSteps.ROOT.resolve("examples/events.jsonl")));
        lines.add(100, "{not json");
        lines.add(
                700, "{\"model_name\":\"fraud\",\"model_version\":\"7\",\"timestamp\":\"\u0000\"}");
        return lines;
    }

    @Test
    void killedAndStoppedRunsEndAsAnUninterruptedOne() throws Exception {
        List<String> traffic = traffic();
        int third = traffic.size() / 3;

        Path reference = dir.resolve("uninterrupted");
        Outcome expected;
        try (LocalStack stack = startInProcess(reference)) {
            Endpoints e = stack.endpoints();
            publishProfile(e);
            send(e, traffic);
            expected = awaitComplete(e, traffic.size(), 2);
        }
        assertThat(expected.drift()).hasSizeGreaterThan(10);
        assertThat(expected.alerts()).isNotEmpty();
        assertThat(expected.deadLetters()).hasSize(2);

        Path data = dir.resolve("restarted");
        Endpoints e = startChild(data, false);
        publishProfile(e);
        send(e, traffic.subList(0, third));
        awaitCheckpointed(e, third);
        long killedAt = System.nanoTime();
        child.destroyForcibly();
        assertThat(child.waitFor(1, TimeUnit.MINUTES)).isTrue();
        long killMs = millisSince(killedAt);

        long resumeStarted = System.nanoTime();
        e = startChild(data, true);
        long resumeAfterKillMs = millisSince(resumeStarted);
        send(e, traffic.subList(third, 2 * third));
        awaitCheckpointed(e, 2 * third);
        long stopStarted = System.nanoTime();
        child.destroy(); // SIGTERM: the same shutdown path as Ctrl-C
        assertThat(child.waitFor(2, TimeUnit.MINUTES)).as("stopped after SIGTERM").isTrue();
        long stopMs = millisSince(stopStarted);
        assertThat(output()).contains("driftwatch up: stopping...");

        resumeStarted = System.nanoTime();
        e = startChild(data, true);
        long resumeAfterStopMs = millisSince(resumeStarted);
        send(e, traffic.subList(2 * third, traffic.size()));
        Endpoints last = e;
        await("the restarted run's rows, alerts and dead letters equal the uninterrupted run's")
                .atMost(Duration.ofMinutes(4))
                .pollInterval(Duration.ofSeconds(2))
                .untilAsserted(() -> assertSameOutcome(outcome(last), expected));
        System.out.printf(
                "up durability: kill -9 took %d ms; resumed after kill in %d ms; SIGTERM stop took"
                        + " %d ms; resumed after stop in %d ms; compared %d drift rows, %d alerts,"
                        + " %d dead letters%n",
                killMs,
                resumeAfterKillMs,
                stopMs,
                resumeAfterStopMs,
                expected.drift().size(),
                expected.alerts().size(),
                expected.deadLetters().size());
    }

    /**
     * The same rows, alerts and dead letters. Every metric computed exactly is equal to the last
     * bit; the metrics read from a KLL sketch (whose compactions flip a random coin, so that two
     * uninterrupted runs differ too) are each within their stated error bound of the exact value,
     * so two runs' values differ by at most twice the bound.
     */
    private static void assertSameOutcome(Outcome actual, Outcome expected) {
        assertThat(actual.deadLetters()).isEqualTo(expected.deadLetters());
        assertThat(actual.alerts()).isEqualTo(expected.alerts());
        assertThat(actual.drift()).hasSameSizeAs(expected.drift());
        Map<String, Double> expectedBounds = bounds(expected.drift());
        Map<String, Double> actualBounds = bounds(actual.drift());
        for (int i = 0; i < expected.drift().size(); i++) {
            List<Object> e = expected.drift().get(i);
            List<Object> a = actual.drift().get(i);
            String metric = (String) e.get(METRIC);
            if (!SKETCH_METRICS.contains(metric)) {
                assertThat(a).as("exact metric row").isEqualTo(e);
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

    /** Column positions in {@link #DRIFT_ROWS}. */
    private static final int METRIC = 4;

    private static final int VALUE = 7;

    /** The metrics estimated from the window's KLL sketch, and their error-bound rows. */
    private static final Set<String> SKETCH_METRICS =
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
    private static Map<String, Double> bounds(List<List<Object>> rows) {
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
    record Outcome(List<List<Object>> drift, List<List<Object>> alerts, List<String> deadLetters) {}

    private LocalStack startInProcess(Path data) throws Exception {
        UpCommand up =
                (UpCommand)
                        Driftwatch.commandLine()
                                .parseArgs(upArgs(data).toArray(String[]::new))
                                .subcommand()
                                .commandSpec()
                                .userObject();
        up.stack.validate();
        return LocalStack.start(
                up.stack.settings(JobOptions.parse(up.jobArgs)),
                new PrintWriter(new StringWriter(), true));
    }

    private static List<String> upArgs(Path data) {
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

    /** Starts {@code driftwatch up} as a separate JVM and waits for its endpoints.json. */
    private Endpoints startChild(Path data, boolean resumes) throws Exception {
        Files.createDirectories(data);
        Files.deleteIfExists(data.resolve(Endpoints.FILE));
        String java =
                ProcessHandle.current()
                        .info()
                        .command()
                        .orElse(
                                System.getProperty("java.home")
                                        + File.separator
                                        + "bin"
                                        + File.separator
                                        + "java");
        List<String> command =
                new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path")));
        command.add(Driftwatch.class.getName());
        command.addAll(upArgs(data));
        Path log = dir.resolve("up.log");
        child =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                        .start();
        await("endpoints.json of the started up")
                .atMost(Duration.ofMinutes(4))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> Files.exists(data.resolve(Endpoints.FILE)) || !child.isAlive());
        assertThat(child.isAlive()).as("up is running; its output:%n%s", output()).isTrue();
        if (resumes) {
            assertThat(output())
                    .contains("starting the drift and performance jobs from checkpoint");
        }
        return Endpoints.readFrom(data);
    }

    private String output() throws Exception {
        return Files.readString(dir.resolve("up.log"), StandardCharsets.UTF_8);
    }

    /** Publishes the quickstart's reference profile and waits until the jobs have read it. */
    private void publishProfile(Endpoints e) throws Exception {
        Path profile = dir.resolve("fraud7.json");
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

    private static void send(Endpoints e, List<String> lines) throws Exception {
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
                producer.send(new ProducerRecord<>(PREDICTIONS, line));
            }
            producer.flush();
        }
    }

    /**
     * Waits until the jobs have checkpointed past the first {@code records} predictions: every
     * consumer group of the predictions topic (the Kafka source commits at each completed
     * checkpoint) is at that offset.
     */
    private static void awaitCheckpointed(Endpoints e, long records) {
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
    private Outcome awaitComplete(Endpoints e, long records, int windows) throws Exception {
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
                                                            "SELECT count(DISTINCT window_start) FROM drift_metrics")
                                                    == windows
                                            && count(
                                                            db,
                                                            "SELECT count(*) FROM drift_metrics"
                                                                    + " GROUP BY window_start ORDER BY 1"
                                                                    + " LIMIT 1")
                                                    == count(
                                                            db,
                                                            "SELECT count(*) FROM drift_metrics"
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

    private Outcome outcome(Endpoints e) throws Exception {
        try (Connection db = connect(e)) {
            return new Outcome(rows(db, DRIFT_ROWS), rows(db, ALERT_ROWS), deadLetters(e));
        }
    }

    private static Connection connect(Endpoints e) throws Exception {
        return DriverManager.getConnection(e.jdbcUrl(), e.jdbcUser(), e.jdbcPassword());
    }

    private static long count(Connection db, String sql) throws Exception {
        try (Statement s = db.createStatement();
                ResultSet r = s.executeQuery(sql)) {
            return r.next() ? r.getLong(1) : 0;
        }
    }

    private static List<List<Object>> rows(Connection db, String sql) throws Exception {
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
    private static List<String> deadLetters(Endpoints e) {
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
            TopicPartition p = new TopicPartition(DEAD_LETTERS, 0);
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
    private static long minCommitted(Endpoints e, String topic) throws Exception {
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
    private static boolean registryCaughtUp(Endpoints e) throws Exception {
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

    private static long millisSince(long nanos) {
        return Duration.ofNanos(System.nanoTime() - nanos).toMillis();
    }
}
