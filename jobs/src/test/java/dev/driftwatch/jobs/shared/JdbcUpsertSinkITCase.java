package dev.driftwatch.jobs.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.driftwatch.jobs.drift.DriftMetricsUpsert;
import dev.driftwatch.jobs.performance.PerformanceMetricsUpsert;
import dev.driftwatch.jobs.records.DeadLetter;
import dev.driftwatch.jobs.records.DriftMetricRow;
import dev.driftwatch.jobs.records.PerformanceMetricRow;
import dev.driftwatch.testsupport.TcpProxy;
import dev.driftwatch.testsupport.TestPostgres;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/**
 * The metric tables' sink on a real PostgreSQL: rows the database refuses are isolated and
 * dead-lettered while the rest of their batch lands; an outage (the database cut off by a proxy) is
 * waited for with backoff, and once it is over every row is stored exactly once.
 */
class JdbcUpsertSinkITCase {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long T0 = 1_795_000_000_000L;
    private static final JdbcUpsertSink.Backoff FAST = new JdbcUpsertSink.Backoff(20, 200);

    @Test
    void refusedRowsAreDeadLetteredAndTheRestOfTheirBatchLands() throws Exception {
        TestPostgres.Connection db = migratedDatabase();
        RecordingMetricGroup metrics = new RecordingMetricGroup();
        JdbcUpsertSink.Writer<DriftMetricRow> writer =
                new JdbcUpsertSink.Writer<>(jdbi(db), 100, FAST, new DriftMetricsUpsert(), metrics);
        List<DriftMetricRow> good = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            DriftMetricRow r = drift("fraud", "7", "f" + i, T0);
            good.add(r);
            writer.write(r, null);
            if (i == 5) { // a NUL in a key column (text cannot hold it: 22021 / 22P05)
                writer.write(drift("fraud", "7\u0000x", "f", T0), null);
            }
            if (i == 17) { // a key past the primary key's index row limit (54000)
                writer.write(drift(incompressible(6000), "7", "f", T0), null);
            }
            if (i == 30) { // a window start PostgreSQL's timestamptz cannot hold (22008)
                writer.write(drift("fraud", "7", "f", Long.MAX_VALUE / 2), null);
            }
        }
        writer.flush(false);

        assertThat(count(db, "drift_metrics")).isEqualTo(good.size());
        List<DeadLetter> refused = new ArrayList<>(writer.prepareCommit());
        assertThat(refused).hasSize(3);
        assertThat(writer.prepareCommit()).as("handed over once").isEmpty();
        assertThat(metrics.count(JdbcUpsertSink.ROWS_REFUSED)).isEqualTo(3);
        assertThat(metrics.count(JdbcUpsertSink.RETRIES)).isZero();
        List<String> reasons = refused.stream().map(d -> d.reason).toList();
        assertThat(reasons)
                .allSatisfy(r -> assertThat(r).startsWith("drift_metrics refused the row: "))
                .anySatisfy(r -> assertThat(r).containsPattern(": 22(021|P05|023) "))
                .anySatisfy(r -> assertThat(r).contains(": 54000 ").contains("index row"))
                .anySatisfy(r -> assertThat(r).contains(": 22008 "));
        for (DeadLetter d : refused) {
            assertThat(d.table).isEqualTo("drift_metrics");
            JsonNode row = JSON.readTree(d.original);
            assertThat(row.get("metric").asText()).isEqualTo("psi");
            assertThat(row.get("feature").asText()).isEqualTo("f");
        }
        // the row as JSON keeps what was refused (the NUL, escaped)
        assertThat(refused)
                .anySatisfy(
                        d ->
                                assertThat(JSON.readTree(d.original).get("modelVersion").asText())
                                        .isEqualTo("7\u0000x"));
        writer.close();
    }

    @Test
    void oneSinkForEveryTable() throws Exception {
        TestPostgres.Connection db = migratedDatabase();
        RecordingMetricGroup metrics = new RecordingMetricGroup();
        JdbcUpsertSink.Writer<PerformanceMetricRow> writer =
                new JdbcUpsertSink.Writer<>(
                        jdbi(db), 10, FAST, new PerformanceMetricsUpsert(), metrics);
        for (int i = 0; i < 25; i++) {
            writer.write(performance("churn", i == 12 ? "a\u0000b" : "", "m" + i), null);
        }
        writer.flush(true);
        assertThat(count(db, "performance_metrics")).isEqualTo(24);
        List<DeadLetter> refused = new ArrayList<>(writer.prepareCommit());
        assertThat(refused)
                .singleElement()
                .satisfies(
                        d -> {
                            assertThat(d.table).isEqualTo("performance_metrics");
                            assertThat(d.reason)
                                    .startsWith("performance_metrics refused the row: 22");
                        });
        writer.close();
    }

    /**
     * The database cut off mid-run: the writer holds its rows and retries with backoff (gauge and
     * counter say so), and once the database is back every row is stored, none twice.
     */
    @Test
    void anOutageIsWaitedForAndNoRowIsLostOrDoubled() throws Exception {
        TestPostgres.Connection db = migratedDatabase();
        try (TcpProxy proxy = TcpProxy.forJdbcUrl(db.url())) {
            TestPostgres.Connection viaProxy =
                    new TestPostgres.Connection(proxy.jdbcUrl(db.url()), db.user(), db.password());
            RecordingMetricGroup metrics = new RecordingMetricGroup();
            JdbcUpsertSink.Writer<DriftMetricRow> writer =
                    new JdbcUpsertSink.Writer<>(
                            jdbi(viaProxy), 10, FAST, new DriftMetricsUpsert(), metrics);
            for (int i = 0; i < 15; i++) {
                writer.write(drift("fraud", "7", "f" + i, T0), null);
            }
            assertThat(count(db, "drift_metrics")).isEqualTo(10);

            proxy.cut();
            long cutAt = System.nanoTime();
            CompletableFuture<Void> writing =
                    CompletableFuture.runAsync(
                            () -> {
                                try {
                                    for (int i = 15; i < 40; i++) {
                                        writer.write(drift("fraud", "7", "f" + i, T0), null);
                                    }
                                    writer.flush(false);
                                } catch (InterruptedException e) {
                                    throw new IllegalStateException(e);
                                }
                            });
            await().atMost(Duration.ofSeconds(30))
                    .until(
                            () ->
                                    metrics.gauge(JdbcUpsertSink.DATABASE_UNAVAILABLE).intValue()
                                                    == 1
                                            && metrics.count(JdbcUpsertSink.RETRIES) >= 5);
            assertThat(writing).isNotDone();
            proxy.restore();
            long restoredAt = System.nanoTime();
            writing.get(30, TimeUnit.SECONDS);
            long backAfterMs = (System.nanoTime() - restoredAt) / 1_000_000;
            System.out.printf(
                    "outage: cut for %d ms, %d retries, rows written %d ms after the restore%n",
                    (restoredAt - cutAt) / 1_000_000,
                    metrics.count(JdbcUpsertSink.RETRIES),
                    backAfterMs);

            assertThat(metrics.gauge(JdbcUpsertSink.DATABASE_UNAVAILABLE).intValue()).isZero();
            assertThat(count(db, "drift_metrics")).isEqualTo(40);
            assertThat(writer.prepareCommit()).isEmpty();
            assertThat(metrics.count(JdbcUpsertSink.ROWS_REFUSED)).isZero();
            // the backoff doubles up to its maximum: after the restore the rows are in within it
            assertThat(backAfterMs).isLessThan(FAST.maxMs() + 5_000);
            writer.close();
        }
    }

    private static TestPostgres.Connection migratedDatabase() {
        TestPostgres.Connection db = TestPostgres.freshConnection();
        MetricTables.migrate(db.url(), db.user(), db.password());
        return db;
    }

    private static Jdbi jdbi(TestPostgres.Connection db) {
        return new JdbcUpsertSink.Connection(db.url(), db.user(), db.password()).jdbi();
    }

    private static long count(TestPostgres.Connection db, String table) {
        return Jdbi.create(db.url(), db.user(), db.password())
                .withHandle(
                        h ->
                                h.createQuery("SELECT count(*) FROM " + table)
                                        .mapTo(Long.class)
                                        .one());
    }

    /** Letters at random: a name that does not compress, so its index entry stays as long. */
    private static String incompressible(int length) {
        Random random = new Random(7);
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append((char) ('a' + random.nextInt(26)));
        }
        return sb.toString();
    }

    static DriftMetricRow drift(String model, String version, String feature, long start) {
        DriftMetricRow r = new DriftMetricRow();
        r.modelName = model;
        r.modelVersion = version;
        r.segment = "";
        r.feature = feature;
        r.metric = "psi";
        r.windowStart = start;
        r.windowEnd = start + 60_000;
        r.value = 0.1;
        r.pValue = Double.NaN;
        r.threshold = Double.NaN;
        r.sampleCount = 10;
        r.referenceCount = 100;
        r.computedAt = T0;
        r.closedBy = "watermark";
        return r;
    }

    private static PerformanceMetricRow performance(String model, String segment, String metric) {
        PerformanceMetricRow r = new PerformanceMetricRow();
        r.modelName = model;
        r.modelVersion = "1";
        r.segment = segment;
        r.metric = metric;
        r.windowStart = T0;
        r.windowEnd = T0 + 60_000;
        r.value = 0.5;
        r.sampleCount = 10;
        r.labeledCount = 5;
        r.computedAt = T0;
        return r;
    }
}
