package dev.driftwatch.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.driftwatch.core.alert.Alert;
import dev.driftwatch.core.profile.CategoricalReferenceBuilder;
import dev.driftwatch.core.profile.FeatureReference;
import dev.driftwatch.core.profile.NumericReferenceBuilder;
import dev.driftwatch.core.profile.ReferenceProfile;
import dev.driftwatch.jobs.drift.DriftJob;
import dev.driftwatch.jobs.drift.DriftJobOptions;
import dev.driftwatch.jobs.performance.PerformanceJob;
import dev.driftwatch.jobs.performance.PerformanceJobOptions;
import dev.driftwatch.jobs.shared.MetricTables;
import dev.driftwatch.jobs.shared.QuietKeyRule;
import dev.driftwatch.jobs.shared.SharedJobOptions;
import dev.driftwatch.testsupport.TestKafka;
import dev.driftwatch.testsupport.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Quiet periods on the real runtime: Kafka, PostgreSQL and a MiniCluster running the drift job on
 * unbounded sources with a short idleness timeout. After each quiet period the test waits until the
 * job's event input has actually gone idle (the pre-aggregator's {@code eventInputIdle} gauge) —
 * the state in which a side input used to push event time to its maximum — before more traffic or a
 * reference profile arrives. Every run is compared with a run of the same records that was never
 * quiet (bounded sources read at full speed): same rows, nothing dead-lettered as too late.
 */
class QuietPeriodITCase {
    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .setConfiguration(METRICS.addToConfiguration(new Configuration()))
                            .build());

    private static final long MINUTE = 60_000;
    private static final long T0 = Instant.parse("2026-11-26T12:00:00Z").toEpochMilli();
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static TestPostgres.Connection db;
    private static Jdbi jdbi;

    @BeforeAll
    static void schema() throws Exception {
        db = TestPostgres.connection();
        MetricTables.migrate(db.url(), db.user(), db.password());
        jdbi = Jdbi.create(db.url(), db.user(), db.password());
    }

    /** Topics and options of one run. */
    private static Configuration config(List<String> topics, Duration idleness, Duration quiet)
            throws Exception {
        Configuration config = TestJobs.config(topics, DriftJobOptions.FEATURES_TOPIC, db);
        config.set(SharedJobOptions.OUT_OF_ORDERNESS, Duration.ZERO);
        config.set(SharedJobOptions.IDLENESS, idleness);
        config.set(SharedJobOptions.QUIET_TIMEOUT, quiet);
        return config;
    }

    private static List<String> topics(int partitions) throws Exception {
        List<String> topics =
                TestKafka.createTopics(
                        partitions,
                        "predictions",
                        "features",
                        "reference-profiles",
                        "alerts",
                        "dead-letters");
        return topics;
    }

    private static StreamExecutionEnvironment env(int parallelism) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(parallelism);
        env.enableCheckpointing(300);
        return env;
    }

    /** The job on unbounded sources, running until cancelled. */
    private static JobClient start(Configuration config, int parallelism) throws Exception {
        return start(config, parallelism, List.of());
    }

    /** The job on unbounded sources with profiles known from the start (as from files). */
    private static JobClient start(
            Configuration config, int parallelism, List<ReferenceProfile> profiles)
            throws Exception {
        StreamExecutionEnvironment env = env(parallelism);
        DriftJob.withKafka(config, profiles, OffsetsInitializer.earliest(), false).build(env);
        return env.executeAsync("quiet-periods");
    }

    /**
     * The records already in the topics read at full speed from bounded sources, the profiles known
     * from the start: a run that is never quiet.
     */
    private static void runUninterrupted(
            Configuration config, List<ReferenceProfile> profiles, int parallelism)
            throws Exception {
        config.set(SharedJobOptions.IDLENESS, Duration.ofMinutes(10));
        config.set(SharedJobOptions.QUIET_TIMEOUT, Duration.ZERO);
        StreamExecutionEnvironment env = env(parallelism);
        DriftJob.withKafka(config, profiles, OffsetsInitializer.earliest(), true).build(env);
        env.execute("never-quiet");
    }

    /** The sum over subtasks of a counter or gauge of the job. */
    private static long metric(JobID job, String name) {
        return metric(job, "", name);
    }

    /** The sum over subtasks of a counter or gauge of the job's operator ("": any). */
    private static long metric(JobID job, String operator, String name) {
        return TestJobs.metric(METRICS, job, operator, name);
    }

    /** Waits until every pre-aggregating subtask sees its event input idle. */
    private static void awaitIdle(JobID job, int subtasks) {
        await().atMost(WAIT)
                .until(
                        () ->
                                metric(job, "pre-aggregate window profiles", "eventInputIdle")
                                        == subtasks);
    }

    /** Waits for two more completed checkpoints: everything read so far was flushed downstream. */
    private static void awaitCheckpoints(JobID job) {
        long done = metric(job, "numberOfCompletedCheckpoints");
        await().atMost(WAIT).until(() -> metric(job, "numberOfCompletedCheckpoints") >= done + 2);
    }

    /**
     * Waits until the rows of the window containing {@code time} are stored (closed as said, when
     * not null).
     */
    private static void awaitWindow(String model, long time, String closedBy) {
        long windowStart = time - Math.floorMod(time, MINUTE);
        await().atMost(WAIT)
                .until(
                        () -> {
                            StoredRows.Row r =
                                    StoredRows.of(jdbi, model).get("/event_count/" + windowStart);
                            return r != null && (closedBy == null || closedBy.equals(r.closedBy()));
                        });
    }

    private static byte[] json(ReferenceProfile p) {
        return p.toJson().getBytes(StandardCharsets.UTF_8);
    }

    /** Events of {@code model}, one a second for {@code seconds} from {@code start}. */
    private static List<byte[]> traffic(String model, long start, int seconds, int seed) {
        Random random = new Random(seed);
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < seconds; i++) {
            out.add(
                    TestEvents.event(
                            model,
                            start + i * 1000L,
                            seed * 10_000 + i,
                            50 + 10 * random.nextGaussian() + (seed % 2 == 0 ? 6 : 0),
                            new String[] {"DE", "FR", "IT"}[random.nextInt(3)],
                            random.nextDouble()));
        }
        return out;
    }

    /**
     * The reported scenario, as docs/quickstart.md walks through it: the job starts with {@code
     * --window 1min --out-of-orderness 0s}, stays quiet for longer than the idleness timeout, then
     * the profile of examples/reference.csv is published and examples/events.jsonl produced. The
     * windows starting 10:00 and 10:01 close with the traffic, the last one (10:02) by the
     * quiet-key timeout; nothing is dead-lettered.
     */
    @Test
    void theQuickstartAfterAQuietStartGivesTheRowsOfAnUninterruptedRun() throws Exception {
        List<String> lines =
                Files.readAllLines(
                        Path.of("..", "examples", "events.jsonl"), StandardCharsets.UTF_8);
        long start = Instant.parse("2026-11-26T10:00:00Z").toEpochMilli();

        List<String> topics = topics(1);
        JobClient job = start(config(topics, Duration.ofMillis(500), Duration.ofSeconds(5)), 1);
        try {
            awaitIdle(job.getJobID(), 1);
            TestKafka.produce(topics.get(2), List.of(json(examplesProfile("fraud"))));
            await().atMost(WAIT)
                    .until(() -> metric(job.getJobID(), "referenceProfilesReceived") == 1);
            TestKafka.produce(topics.get(0), withMarker(renamed(lines, "fraud", "fraud")));

            awaitWindow("fraud", start + MINUTE, QuietKeyRule.BY_WATERMARK);
            awaitWindow("fraud", start + 2 * MINUTE, QuietKeyRule.BY_TIMEOUT);
            assertOnlyTheMarkerIsDeadLettered(topics);
            assertThat(metric(job.getJobID(), "tooLateEvents")).isZero();
            // the base windows' (the hour and the day count theirs in their own stages)
            assertThat(metric(job.getJobID(), "window drift", "windowsClosedByTimeout"))
                    .isEqualTo(1);
        } finally {
            job.cancel().get();
        }

        List<String> never = topics(1);
        TestKafka.produce(never.get(0), renamed(lines, "fraud", "fraud-never-quiet"));
        runUninterrupted(
                config(never, Duration.ofMinutes(1), Duration.ZERO),
                List.of(examplesProfile("fraud-never-quiet")),
                1);

        Map<String, StoredRows.Row> quiet = StoredRows.of(jdbi, "fraud");
        Map<String, StoredRows.Row> uninterrupted = StoredRows.of(jdbi, "fraud-never-quiet");
        StoredRows.assertSame(quiet, uninterrupted, w -> w < start + 2 * MINUTE);
        assertThat(StoredRows.events(quiet, w -> true)).isEqualTo(1000.0);
        assertThat(quiet.get("/event_count/" + (start + 2 * MINUTE)).value())
                .isEqualTo(uninterrupted.get("/event_count/" + (start + 2 * MINUTE)).value());
        assertThat(quiet.values())
                .as("the example traffic drifts")
                .anyMatch(r -> r.windowStart() == start && r.driftDetected());
    }

    /**
     * Traffic resumes 1, 10 and 60 minutes (of event time) after the stream went idle, and a new
     * reference profile is published while it is idle: the rows are those of a run whose input
     * never went idle, and nothing is dead-lettered.
     */
    @Test
    void trafficAfter1_10And60MinutesOfSilenceGivesTheRowsOfAnUninterruptedRun() throws Exception {
        Map<String, StoredRows.Row> quiet = silences("silence", Duration.ofMillis(500));
        Map<String, StoredRows.Row> uninterrupted =
                silences("silence-never-quiet", Duration.ofMinutes(10));
        long closing = T0 + 4 * 150_000 + 71 * MINUTE + 5 * MINUTE;
        StoredRows.assertSame(quiet, uninterrupted, w -> w < closing);
        assertThat(StoredRows.events(quiet, w -> w < closing)).isEqualTo(600.0);
    }

    /**
     * Four stretches of 150 s of traffic, 1, 10 and 60 minutes apart, and a last event 5 minutes
     * after them that closes their windows; a new baseline published in the second gap. With a
     * short idleness the test waits in each gap until the event input is idle.
     */
    private static Map<String, StoredRows.Row> silences(String model, Duration idleness)
            throws Exception {
        boolean quiet = idleness.toMinutes() < 1;
        ReferenceProfile v1 = TestEvents.reference(model);
        ReferenceProfile v2 =
                new ReferenceProfile(
                        model, "1", Instant.parse("2026-11-02T00:00:00Z"), v1.features());
        long[] gaps = {MINUTE, 10 * MINUTE, 60 * MINUTE};
        List<String> topics = topics(1);
        JobClient job = start(config(topics, idleness, Duration.ZERO), 1);
        try {
            TestKafka.produce(topics.get(2), List.of(json(v1)));
            await().atMost(WAIT)
                    .until(() -> metric(job.getJobID(), "referenceProfilesReceived") == 1);
            long start = T0;
            for (int b = 0; b <= gaps.length; b++) {
                TestKafka.produce(topics.get(0), traffic(model, start, 150, b + 1));
                awaitWindow(model, start + MINUTE, QuietKeyRule.BY_WATERMARK);
                if (quiet) {
                    awaitIdle(job.getJobID(), 1);
                }
                if (b == 1) {
                    TestKafka.produce(topics.get(2), List.of(json(v2)));
                    await().atMost(WAIT)
                            .until(() -> metric(job.getJobID(), "referenceProfilesReceived") == 2);
                }
                start += 150_000 + (b < gaps.length ? gaps[b] : 0);
            }
            long closing = start + 5 * MINUTE;
            TestKafka.produce(topics.get(0), withMarker(traffic(model, closing, 1, 9)));
            awaitWindow(model, start - 150_000 + 2 * MINUTE, null);
            assertOnlyTheMarkerIsDeadLettered(topics);
            assertThat(metric(job.getJobID(), "tooLateEvents")).isZero();
            assertThat(metric(job.getJobID(), "windowsClosedByTimeout")).isZero();
        } finally {
            job.cancel().get();
        }
        return StoredRows.of(jdbi, model);
    }

    /**
     * Two partitions read by two subtasks, taking turns: both send, then model a's partition goes
     * quiet while b's keeps going (b's windows, and a's open one, close without waiting for a:
     * idleness lets the other partition advance), then a sends while b is quiet, then b again. Each
     * turn starts once both inputs are idle and a checkpoint has flushed what came before. Same
     * rows as a run reading both partitions at full speed, nothing dead-lettered.
     */
    @Test
    void aPartitionThatGoesQuietWhileAnotherKeepsGoing() throws Exception {
        List<String> topics = topics(2);
        String a = "partition-a";
        String b = "partition-b";
        // a: 0 - 150 s while b has sent nothing
        TestKafka.produce(topics.get(0), 0, traffic(a, T0, 150, 1));
        JobClient job =
                start(
                        config(topics, Duration.ofSeconds(2), Duration.ZERO),
                        2,
                        List.of(TestEvents.reference(a), TestEvents.reference(b)));
        JobID id = job.getJobID();
        try {
            awaitWindow(a, T0 + MINUTE, QuietKeyRule.BY_WATERMARK);
            awaitIdle(id, 2);
            awaitCheckpoints(id);
            takeTurn(id, topics, 1, b, a, T0 + 150_000, 4); // b while a is quiet
            takeTurn(id, topics, 0, a, b, T0 + 300_000, 5); // a while b is quiet
            takeTurn(id, topics, 1, b, a, T0 + 450_000, 6); // b again
            // a last event each, far later, closes every window before it
            TestKafka.produce(topics.get(0), 0, withMarker(traffic(a, T0 + 20 * MINUTE, 1, 7)));
            TestKafka.produce(topics.get(0), 1, traffic(b, T0 + 20 * MINUTE, 1, 8));
            awaitWindow(b, T0 + 9 * MINUTE, QuietKeyRule.BY_WATERMARK);
            assertThat(metric(id, "tooLateEvents")).isZero();
            assertOnlyTheMarkerIsDeadLettered(topics);
        } finally {
            job.cancel().get();
        }

        List<String> never = topics(2);
        String na = "partition-a-never-quiet";
        String nb = "partition-b-never-quiet";
        List<byte[]> ra = new ArrayList<>(traffic(na, T0, 150, 1));
        ra.addAll(traffic(na, T0 + 300_000, 150, 5));
        ra.addAll(traffic(na, T0 + 20 * MINUTE, 1, 7));
        List<byte[]> rb = new ArrayList<>(traffic(nb, T0 + 150_000, 150, 4));
        rb.addAll(traffic(nb, T0 + 450_000, 150, 6));
        rb.addAll(traffic(nb, T0 + 20 * MINUTE, 1, 8));
        TestKafka.produce(never.get(0), 0, ra);
        TestKafka.produce(never.get(0), 1, rb);
        runUninterrupted(
                config(never, Duration.ofMinutes(10), Duration.ZERO),
                List.of(TestEvents.reference(na), TestEvents.reference(nb)),
                2);

        long closing = T0 + 20 * MINUTE;
        StoredRows.assertSame(StoredRows.of(jdbi, a), StoredRows.of(jdbi, na), w -> w < closing);
        StoredRows.assertSame(StoredRows.of(jdbi, b), StoredRows.of(jdbi, nb), w -> w < closing);
        assertThat(StoredRows.events(StoredRows.of(jdbi, a), w -> w < closing)).isEqualTo(300.0);
        assertThat(StoredRows.events(StoredRows.of(jdbi, b), w -> w < closing)).isEqualTo(300.0);
    }

    /**
     * The performance job: predictions and their labels, a quiet minute in which the prediction
     * input goes idle and a reference profile is published, more traffic, and a last prediction
     * half an hour later. The rows are those of a run that never went idle, and the alert of the
     * breached accuracy floor fires once and resolves once, when that last prediction shows the
     * series has stopped — not in the quiet minute, which is shorter than the (alert-resolve-after
     * + 1) windows after which a quiet series counts as stopped.
     */
    @Test
    void thePerformanceJobAcrossAQuietPeriodGivesTheRowsAndAlertsOfAnUninterruptedRun()
            throws Exception {
        List<Alert> quietAlerts = performanceRun("perf-quiet", Duration.ofMillis(500));
        List<Alert> neverAlerts = performanceRun("perf-never-quiet", Duration.ofMinutes(10));

        assertThat(performanceRows("perf-quiet")).isEqualTo(performanceRows("perf-never-quiet"));
        for (List<Alert> alerts : List.of(quietAlerts, neverAlerts)) {
            assertThat(alerts).extracting(Alert::status).containsExactly("firing", "resolved");
            assertThat(alerts.get(1).annotations().get("description"))
                    .contains(
                            "No data for this series since "
                                    + Instant.ofEpochMilli(T0 + 6 * MINUTE));
        }
    }

    /** One performance run; returns its alerts. */
    private static List<Alert> performanceRun(String model, Duration idleness) throws Exception {
        List<String> topics =
                TestKafka.createTopics(
                        "predictions", "labels", "reference-profiles", "alerts", "dead-letters");
        Configuration config = config(topics, idleness, Duration.ZERO);
        config.set(PerformanceJobOptions.LABELS_TOPIC, topics.get(1));
        config.set(PerformanceJobOptions.TASKS, List.of(model + "=binary"));
        config.set(PerformanceJobOptions.PERFORMANCE_RULES, List.of("accuracy<0.9:warning"));
        config.set(PerformanceJobOptions.EMIT_INTERVAL, Duration.ofMillis(500));
        StreamExecutionEnvironment env = env(1);
        PerformanceJob.withKafka(config, List.of(), OffsetsInitializer.earliest(), false)
                .build(env);
        JobClient job = env.executeAsync("performance-quiet-periods");
        List<Alert> alerts = new ArrayList<>();
        try {
            long[] starts = {T0, T0 + 210_000}; // 150 s of traffic, a quiet minute, 150 s more
            for (int b = 0; b < starts.length; b++) {
                TestKafka.produce(topics.get(0), predictions(model, starts[b], b));
                TestKafka.produce(topics.get(1), labels(model, starts[b], b));
                long lastFull = starts[b] + 90_000 - Math.floorMod(starts[b] + 90_000, MINUTE);
                awaitLabelled(model, lastFull);
                if (b == 0) {
                    if (idleness.toMinutes() < 1) {
                        await().atMost(WAIT)
                                .until(
                                        () ->
                                                metric(
                                                                job.getJobID(),
                                                                "join labels to predictions",
                                                                "eventInputIdle")
                                                        == 1);
                    }
                    TestKafka.produce(
                            topics.get(2),
                            List.of(
                                    json(
                                            new ReferenceProfile(
                                                    model,
                                                    "1",
                                                    Instant.parse("2026-11-20T00:00:00Z"),
                                                    TestEvents.reference(model).features(),
                                                    Map.of("accuracy", 0.95)))));
                }
            }
            TestKafka.produce(topics.get(0), predictions(model, T0 + 30 * MINUTE, 9).subList(0, 1));
            for (var r : TestKafka.readAll(topics.get(3), 2, WAIT)) {
                alerts.add(Alert.fromJson(new String(r.value(), StandardCharsets.UTF_8)));
            }
        } finally {
            job.cancel().get();
        }
        return alerts;
    }

    private static List<byte[]> predictions(String model, long start, int seed) {
        Random random = new Random(seed);
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            out.add(
                    String.format(
                                    Locale.ROOT,
                                    "{\"prediction_id\":\"p%d-%d\",\"model_name\":\"%s\","
                                            + "\"model_version\":\"1\",\"timestamp\":%d,"
                                            + "\"features\":{\"amount\":1},"
                                            + "\"prediction\":{\"score\":%s}}",
                                    seed,
                                    i,
                                    model,
                                    start + i * 1000L,
                                    Double.toString(random.nextDouble()))
                            .getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    /** Labels of {@link #predictions}, an hour after them; independent of the scores. */
    private static List<byte[]> labels(String model, long start, int seed) {
        Random random = new Random(100 + seed);
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            out.add(
                    String.format(
                                    Locale.ROOT,
                                    "{\"prediction_id\":\"p%d-%d\",\"model_name\":\"%s\","
                                            + "\"timestamp\":%d,\"label\":\"%d\"}",
                                    seed,
                                    i,
                                    model,
                                    start + i * 1000L + 3_600_000L,
                                    random.nextInt(2))
                            .getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    private static void awaitLabelled(String model, long windowStart) {
        await().atMost(WAIT)
                .until(
                        () ->
                                jdbi.withHandle(
                                        h ->
                                                h.createQuery(
                                                                        "SELECT count(*) FROM performance_metrics"
                                                                                + " WHERE model_name = :m AND"
                                                                                + " window_start = :s AND"
                                                                                + " metric = 'label_coverage'"
                                                                                + " AND value = 1")
                                                                .bind("m", model)
                                                                .bind(
                                                                        "s",
                                                                        java.time.OffsetDateTime
                                                                                .ofInstant(
                                                                                        Instant
                                                                                                .ofEpochMilli(
                                                                                                        windowStart),
                                                                                        java.time
                                                                                                .ZoneOffset
                                                                                                .UTC))
                                                                .mapTo(Integer.class)
                                                                .one()
                                                        == 1));
    }

    /** A model's performance_metrics rows (metric, window, value and counts), how closed aside. */
    private static List<String> performanceRows(String model) {
        return jdbi.withHandle(
                h ->
                        h.createQuery(
                                        "SELECT metric, window_start, value, sample_count,"
                                                + " labeled_count FROM performance_metrics WHERE"
                                                + " model_name = :m ORDER BY window_start, metric")
                                .bind("m", model)
                                .map(
                                        (rs, ctx) ->
                                                rs.getString(1)
                                                        + " "
                                                        + rs.getTimestamp(2).toInstant()
                                                        + " "
                                                        + rs.getObject(3)
                                                        + " "
                                                        + rs.getLong(4)
                                                        + " "
                                                        + rs.getLong(5))
                                .list());
    }

    /**
     * One partition's turn: 150 s of {@code model}'s traffic from {@code start} while the other
     * partition is quiet. Waits until the mover's windows have closed and the other's open window
     * too (event time went on without it), then until both inputs are idle and a checkpoint has
     * flushed what they buffered.
     */
    private static void takeTurn(
            JobID id,
            List<String> topics,
            int partition,
            String model,
            String quiet,
            long start,
            int seed)
            throws Exception {
        TestKafka.produce(topics.get(0), partition, traffic(model, start, 150, seed));
        awaitWindow(model, start + 149_000 - MINUTE, QuietKeyRule.BY_WATERMARK);
        awaitWindow(quiet, start - 1000, QuietKeyRule.BY_WATERMARK);
        awaitIdle(id, 2);
        awaitCheckpoints(id);
    }

    /** The records, then one that is not JSON: the dead letter that must come alone. */
    private static List<byte[]> withMarker(List<byte[]> records) {
        List<byte[]> out = new ArrayList<>(records);
        out.add("the last record, not JSON".getBytes(StandardCharsets.UTF_8));
        return out;
    }

    /** The marker is dead-lettered, and nothing else (no event as too late). */
    private static void assertOnlyTheMarkerIsDeadLettered(List<String> topics) throws Exception {
        var dead = TestKafka.readAll(topics.get(4), 1, WAIT);
        assertThat(dead)
                .as("dead letters")
                .singleElement()
                .satisfies(
                        r ->
                                assertThat(new String(r.value(), StandardCharsets.UTF_8))
                                        .contains("the last record, not JSON"));
    }

    private static List<byte[]> renamed(List<String> lines, String from, String to) {
        List<byte[]> out = new ArrayList<>();
        for (String l : lines) {
            out.add(
                    l.replace("\"model_name\":\"" + from + "\"", "\"model_name\":\"" + to + "\"")
                            .getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    /**
     * Builds the profile of examples/reference.csv as {@code bin/driftwatch profile} does with its
     * defaults: amount, age, score numeric (10 bins), country categorical.
     */
    static ReferenceProfile examplesProfile(String model) throws Exception {
        List<String> lines =
                Files.readAllLines(
                        Path.of("..", "examples", "reference.csv"), StandardCharsets.UTF_8);
        NumericReferenceBuilder amount = new NumericReferenceBuilder();
        NumericReferenceBuilder age = new NumericReferenceBuilder();
        NumericReferenceBuilder score = new NumericReferenceBuilder();
        CategoricalReferenceBuilder country = new CategoricalReferenceBuilder();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",", -1);
            NumericReferenceBuilder[] numeric = {amount, age, score};
            for (int i = 0; i < 3; i++) {
                if (f[i].isEmpty()) {
                    numeric[i].addMissing();
                } else {
                    numeric[i].add(Double.parseDouble(f[i]));
                }
            }
            if (f[3].isEmpty()) {
                country.addMissing();
            } else {
                country.add(f[3]);
            }
        }
        Map<String, FeatureReference> features = new LinkedHashMap<>();
        features.put("amount", amount.build(10));
        features.put("age", age.build(10));
        features.put("score", score.build(10));
        features.put("country", country.build());
        return new ReferenceProfile(model, "7", Instant.parse("2026-11-20T00:00:00Z"), features);
    }
}
