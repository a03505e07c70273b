package dev.driftwatch.jobs.drift;

import static dev.driftwatch.jobs.TestEvents.event;
import static dev.driftwatch.jobs.TestEvents.reference;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.driftwatch.jobs.StoredRows;
import dev.driftwatch.jobs.TestJobs;
import dev.driftwatch.jobs.shared.MetricTables;
import dev.driftwatch.jobs.shared.SharedJobOptions;
import dev.driftwatch.testsupport.TestKafka;
import dev.driftwatch.testsupport.TestPostgres;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Coarser resolutions of the drift job on a real Kafka broker, a real PostgreSQL and Flink's
 * MiniCluster: an hour merged from one-minute slices is stored as exactly the rows of one one-hour
 * window over the same events, and the coarser windows of a key that falls quiet are closed by the
 * quiet-key rule like its base windows.
 */
class WindowResolutionsITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static final long T0 = Instant.parse("2026-11-26T10:00:00Z").toEpochMilli();
    private static final long MINUTE = 60_000;
    private static Jdbi jdbi;
    private static TestPostgres.Connection db;

    @BeforeAll
    static void schema() throws Exception {
        db = TestPostgres.connection();
        MetricTables.migrate(db.url(), db.user(), db.password());
        jdbi = Jdbi.create(db.url(), db.user(), db.password());
    }

    /**
     * The same events (an hour of them, the amount drifting through it, plus a few in the next
     * hour) run once with one-minute windows and a one-hour resolution, once with one-hour windows
     * alone: every row of the hour (each statistic, p-value, decision, count) is the same. Amounts
     * are on a 0.5 grid and scores on a 0.01 grid, so every window's values stay in their exact
     * form, whose merge is exact (a window in the grid form adds its bins' offset sums, equal up to
     * floating-point rounding).
     */
    @Test
    void theHourMergedFromMinutesEqualsOneWindowOverAllItsEvents() throws Exception {
        List<byte[]> events = new ArrayList<>();
        Random random = new Random(7);
        for (int minute = 0; minute < 60; minute++) {
            for (int i = 0; i < 40; i++) {
                long ts = T0 + minute * MINUTE + (i * 1_499L) % MINUTE;
                double amount =
                        Math.round(2 * (50 + minute / 6.0 + 10 * random.nextGaussian())) / 2.0;
                String country =
                        new String[] {"DE", "FR", "IT"}[random.nextInt(minute < 30 ? 3 : 2)];
                double score = random.nextInt(101) / 100.0;
                events.add(event("M", ts, minute * 100 + i, amount, country, score));
            }
        }
        for (int i = 0; i < 5; i++) {
            events.add(event("M", T0 + 61 * MINUTE + i, 10_000 + i, 50, "DE", 0.5));
        }

        runBounded("res-minutes", events, Duration.ofMinutes(1), "1h");
        runBounded("res-hour", events, Duration.ofHours(1), "1h");

        Map<String, StoredRows.Row> merged = StoredRows.of(jdbi, "res-minutes", 3600);
        Map<String, StoredRows.Row> whole = StoredRows.of(jdbi, "res-hour", 3600);
        assertThat(merged).isNotEmpty();
        assertThat(merged.keySet()).isEqualTo(whole.keySet());
        for (Map.Entry<String, StoredRows.Row> e : whole.entrySet()) {
            StoredRows.Row w = e.getValue();
            StoredRows.Row m = merged.get(e.getKey());
            assertThat(m.value()).as(e.getKey()).isEqualTo(w.value());
            assertThat(m.pValue()).as(e.getKey()).isEqualTo(w.pValue());
            assertThat(m.threshold()).as(e.getKey()).isEqualTo(w.threshold());
            assertThat(m.driftDetected()).as(e.getKey()).isEqualTo(w.driftDetected());
            assertThat(m.sampleCount()).as(e.getKey()).isEqualTo(w.sampleCount());
            assertThat(m.referenceCount()).as(e.getKey()).isEqualTo(w.referenceCount());
            assertThat(m.windowEnd()).as(e.getKey()).isEqualTo(w.windowEnd());
            assertThat(m.closedBy()).as(e.getKey()).isEqualTo("watermark");
        }
        assertThat(whole.get("/event_count/" + T0).value()).isEqualTo(2400.0);
        // the hour holds its 60 one-minute windows' events
        Map<String, StoredRows.Row> minutes = StoredRows.of(jdbi, "res-minutes", 60);
        assertThat(StoredRows.events(minutes, s -> s < T0 + 60 * MINUTE)).isEqualTo(2400.0);
        // the drifted second half shows in the hour: it is not an average of small windows
        assertThat(merged.get("amount/psi/" + T0).value()).isGreaterThan(0.0);
    }

    /**
     * A key that falls quiet (an unbounded source, no later event time): its one-minute windows,
     * its hour and its day are all closed by the quiet-key rule, the hour and the day with every
     * event of the key.
     */
    @Test
    void aQuietKeyStillClosesItsCoarserWindows() throws Exception {
        List<String> topics =
                TestKafka.createTopics(
                        "predictions", "features", "reference-profiles", "alerts", "dead-letters");
        List<byte[]> events = new ArrayList<>();
        for (int i = 0; i < 90; i++) {
            events.add(event("res-quiet", T0 + i * 2_000L, i, 40 + i % 20, "DE", 0.5));
        }
        TestKafka.produce(topics.get(0), events);
        Configuration config = TestJobs.config(topics, DriftJobOptions.FEATURES_TOPIC, db);
        config.set(SharedJobOptions.OUT_OF_ORDERNESS, Duration.ZERO);
        config.set(SharedJobOptions.QUIET_TIMEOUT, Duration.ofSeconds(2));
        config.set(DriftJobOptions.WINDOW_RESOLUTIONS, List.of("1h", "1d"));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.enableCheckpointing(300);
        DriftJob.withKafka(
                        config,
                        List.of(reference("res-quiet")),
                        OffsetsInitializer.earliest(),
                        false)
                .build(env);
        JobClient job = env.executeAsync("quiet-coarser-windows");
        try {
            await("the hour and the day closed by the quiet-key rule")
                    .atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofMillis(500))
                    .until(
                            () ->
                                    StoredRows.of(jdbi, "res-quiet", 3600).size() > 0
                                            && StoredRows.of(jdbi, "res-quiet", 86400).size() > 0);
        } finally {
            job.cancel().get();
        }
        for (long seconds : new long[] {3600, 86400}) {
            Map<String, StoredRows.Row> rows = StoredRows.of(jdbi, "res-quiet", seconds);
            long start = T0 - Math.floorMod(T0, seconds * 1000);
            StoredRows.Row count = rows.get("/event_count/" + start);
            assertThat(count).as("%d s window", seconds).isNotNull();
            assertThat(count.value()).isEqualTo(90.0);
            assertThat(count.windowEnd()).isEqualTo(start + seconds * 1000);
            assertThat(rows.values())
                    .allSatisfy(r -> assertThat(r.closedBy()).isEqualTo("timeout"));
        }
        // the last minute (no later event moves the watermark past it) closed by timeout too
        Map<String, StoredRows.Row> minutes = StoredRows.of(jdbi, "res-quiet", 60);
        assertThat(StoredRows.events(minutes, s -> true)).isEqualTo(90.0);
        assertThat(minutes.get("/event_count/" + (T0 + 2 * MINUTE)).closedBy())
                .isEqualTo("timeout");
    }

    /** The events run from the start to their end with windows of {@code window}. */
    private static void runBounded(
            String model, List<byte[]> events, Duration window, String resolutions)
            throws Exception {
        List<String> topics =
                TestKafka.createTopics(
                        "predictions", "features", "reference-profiles", "alerts", "dead-letters");
        List<byte[]> renamed = new ArrayList<>();
        for (byte[] e : events) {
            renamed.add(
                    new String(e, java.nio.charset.StandardCharsets.UTF_8)
                            .replace("\"model_name\":\"M\"", "\"model_name\":\"" + model + "\"")
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        TestKafka.produce(topics.get(0), renamed);
        Configuration config = TestJobs.config(topics, DriftJobOptions.FEATURES_TOPIC, db);
        config.set(SharedJobOptions.OUT_OF_ORDERNESS, Duration.ZERO);
        config.set(SharedJobOptions.WINDOW, window);
        config.set(DriftJobOptions.WINDOW_RESOLUTIONS, List.of(resolutions));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.enableCheckpointing(300);
        DriftJob.withKafka(config, List.of(reference(model)), OffsetsInitializer.earliest(), true)
                .build(env);
        env.execute("resolutions-" + model);
    }
}
