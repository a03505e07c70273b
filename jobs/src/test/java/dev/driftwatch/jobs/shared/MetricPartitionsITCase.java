package dev.driftwatch.jobs.shared;

import static org.assertj.core.api.Assertions.assertThat;

import dev.driftwatch.testsupport.TestPostgres;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/**
 * The metric tables' partitions on a real PostgreSQL: the migration keeps the rows written before
 * it, maintenance creates partitions ahead and moves the rows that reached a default partition into
 * them, retention drops old partitions per resolution, and the reads "latest window of a model" and
 * "one feature over a month" are served by indexes (no sequential scan of a partition with rows).
 */
class MetricPartitionsITCase {
    private static final Instant NOW = Instant.parse("2026-11-30T12:34:00Z");
    private static final long DAY = 86_400;

    @Test
    void maintenanceCreatesAheadMovesDefaultRowsAndDropsByRetention() {
        TestPostgres.Connection db = TestPostgres.freshConnection();
        MetricTables.migrate(db.url(), db.user(), db.password());
        Jdbi jdbi = Jdbi.create(db.url(), db.user(), db.password());
        MetricPartitions partitions =
                new MetricPartitions("drift_metrics", List.of(300L, 3600L), Map.of(300L, 7 * DAY));
        jdbi.useHandle(
                h -> {
                    // rows before any partition: today's, 3 days old, 10 days old, another size
                    insert(h, "m", 300, NOW.minusSeconds(600), 1);
                    insert(h, "m", 300, NOW.minusSeconds(3 * DAY), 1);
                    insert(h, "m", 300, NOW.minusSeconds(10 * DAY), 1);
                    insert(h, "m", 60, NOW.minusSeconds(600), 1);
                    assertThat(count(h, "drift_metrics_other")).isEqualTo(4);

                    // a job ten days ago made that day's partitions
                    partitions.maintain(h, NOW.minusSeconds(10 * DAY));
                    assertThat(count(h, "drift_metrics_r300_p20261120")).isEqualTo(1);
                    assertThat(count(h, "drift_metrics_r300_default")).isEqualTo(2);

                    partitions.maintain(h, NOW);
                    // today's and the two days ahead exist; today's row moved in
                    assertThat(exists(h, "drift_metrics_r300_p20261201")).isTrue();
                    assertThat(exists(h, "drift_metrics_r300_p20261202")).isTrue();
                    assertThat(count(h, "drift_metrics_r300_p20261130")).isEqualTo(1);
                    // 3600 s windows have 30-day spans (aligned to the epoch)
                    assertThat(exists(h, "drift_metrics_r3600")).isTrue();
                    // the 10-day-old partition is past the 7-day retention: dropped
                    assertThat(exists(h, "drift_metrics_r300_p20261120")).isFalse();
                    // the 3-day-old row stays in the default partition, within retention
                    assertThat(count(h, "drift_metrics_r300_default")).isEqualTo(1);
                    // a size the job does not write stays in the table's default partition
                    assertThat(count(h, "drift_metrics_other")).isEqualTo(1);
                    assertThat(count(h, "drift_metrics")).isEqualTo(3);

                    // a later maintenance is a no-op; a row of an existing partition lands there
                    partitions.maintain(h, NOW);
                    insert(h, "m", 300, NOW.plusSeconds(DAY), 1);
                    assertThat(count(h, "drift_metrics_r300_p20261201")).isEqualTo(1);
                    // an upsert of the same row does not duplicate it
                    insert(h, "m", 300, NOW.plusSeconds(DAY), 1);
                    assertThat(count(h, "drift_metrics")).isEqualTo(4);
                });
    }

    @Test
    void theMigrationKeepsEarlierRows() {
        TestPostgres.Connection db = TestPostgres.freshConnection();
        Jdbi jdbi = Jdbi.create(db.url(), db.user(), db.password());
        org.flywaydb.core.Flyway.configure(MetricTables.class.getClassLoader())
                .dataSource(db.url(), db.user(), db.password())
                .locations(MetricTables.LOCATION)
                .table(MetricTables.HISTORY_TABLE)
                .target("5")
                .load()
                .migrate();
        jdbi.useHandle(
                h -> {
                    h.execute(
                            "INSERT INTO drift_metrics (model_name, model_version, segment, feature,"
                                    + " metric, window_start, window_end, value, sample_count,"
                                    + " reference_count, computed_at, closed_by) VALUES ('m', '1',"
                                    + " '', 'f', 'psi', '2026-11-30T10:00:00Z',"
                                    + " '2026-11-30T10:05:00Z', 0.25, 10, 20, now(), 'watermark')");
                    h.execute(
                            "INSERT INTO performance_metrics (model_name, model_version, segment,"
                                    + " metric, window_start, window_end, value, sample_count,"
                                    + " labeled_count, computed_at, estimated) VALUES ('m', '1', '',"
                                    + " 'accuracy', '2026-11-30T10:00:00Z',"
                                    + " '2026-11-30T11:00:00Z', 0.9, 10, 5, now(), true)");
                });
        MetricTables.migrate(db.url(), db.user(), db.password());
        jdbi.useHandle(
                h -> {
                    assertThat(
                                    h.createQuery(
                                                    "SELECT window_seconds || ' ' || value ||"
                                                            + " ' ' || closed_by FROM drift_metrics")
                                            .mapTo(String.class)
                                            .list())
                            .containsExactly("300 0.25 watermark");
                    assertThat(
                                    h.createQuery(
                                                    "SELECT window_seconds || ' ' || value || ' '"
                                                            + " || estimated FROM"
                                                            + " performance_metrics")
                                            .mapTo(String.class)
                                            .list())
                            .containsExactly("3600 0.9 true");
                    assertThat(
                                    h.createQuery(
                                                    "SELECT relkind::text FROM pg_class WHERE"
                                                            + " relname = 'drift_metrics'")
                                            .mapTo(String.class)
                                            .one())
                            .isEqualTo("p");
                });
    }

    /**
     * Two resolutions of 20 models, 3 features and 2 metrics: five-minute windows over two days,
     * hourly ones over 35 days (about 170,000 rows), analysed. The latest window of a model and one
     * feature's hourly metric over a month read indexes only.
     */
    @Test
    void latestWindowAndOneFeatureOverAMonthUseIndexes() {
        TestPostgres.Connection db = TestPostgres.freshConnection();
        MetricTables.migrate(db.url(), db.user(), db.password());
        Jdbi jdbi = Jdbi.create(db.url(), db.user(), db.password());
        MetricPartitions partitions =
                new MetricPartitions("drift_metrics", List.of(300L, 3600L), Map.of());
        jdbi.useHandle(
                h -> {
                    for (int d = 35; d >= 0; d--) {
                        partitions.maintain(h, NOW.minusSeconds(d * DAY));
                    }
                    generate(h, 300, NOW.minusSeconds(2 * DAY), 2 * 288);
                    generate(h, 3600, NOW.minusSeconds(35 * DAY), 35 * 24 + 1);
                    h.execute("VACUUM ANALYZE drift_metrics");

                    String latest =
                            "SELECT max(window_start) FROM drift_metrics WHERE model_name ="
                                    + " 'model-07' AND window_seconds = 300";
                    assertThat(h.createQuery(latest).mapTo(Instant.class).one())
                            .isEqualTo(
                                    Instant.ofEpochSecond(NOW.getEpochSecond() / 300 * 300 - 300));
                    assertServedByIndexes(h, latest);

                    String month =
                            "SELECT window_start, value FROM drift_metrics WHERE model_name ="
                                    + " 'model-07' AND feature = 'f1' AND metric = 'psi' AND"
                                    + " window_seconds = 3600 AND window_start >= '"
                                    + NOW.minus(Duration.ofDays(30))
                                    + "' AND window_start < '"
                                    + NOW
                                    + "' ORDER BY window_start";
                    assertThat(h.createQuery(month).mapToMap().list()).hasSize(30 * 24);
                    assertServedByIndexes(h, month);
                });
    }

    /** The plan of {@code sql} scans no partition that holds rows sequentially. */
    private static void assertServedByIndexes(Handle h, String sql) {
        List<String> plan = h.createQuery("EXPLAIN " + sql).mapTo(String.class).list();
        String text = String.join("\n", plan);
        System.out.println("EXPLAIN " + sql + "\n" + text);
        assertThat(text).as("plan of %s", sql).containsPattern("Index (Only )?Scan");
        List<String> scanned = new ArrayList<>();
        Matcher m = Pattern.compile("Seq Scan on (\\w+)").matcher(text);
        while (m.find()) {
            scanned.add(m.group(1));
        }
        for (String table : scanned) {
            assertThat(count(h, table))
                    .as("rows of %s, scanned sequentially:\n%s", table, text)
                    .isZero();
        }
    }

    /** Rows psi and ks_statistic of 20 models x 3 features, {@code n} windows from {@code from}. */
    private static void generate(Handle h, int seconds, Instant from, int n) {
        h.createUpdate(
                        "INSERT INTO drift_metrics (model_name, model_version, segment, feature,"
                                + " metric, window_start, window_end, window_seconds, value,"
                                + " sample_count, reference_count, computed_at) SELECT 'model-' ||"
                                + " lpad(m::text, 2, '0'), '1', '', 'f' || f, mt, ws, ws +"
                                + " make_interval(secs => :s), :s, random(), 100, 1000, now()"
                                + " FROM generate_series(1, 20) m, generate_series(1, 3) f,"
                                + " unnest(ARRAY['psi', 'ks_statistic']) mt, LATERAL (SELECT"
                                + " to_timestamp(floor(extract(epoch FROM CAST(:from AS"
                                + " timestamptz)) / :s) * :s + i * :s) AS ws FROM"
                                + " generate_series(0, :n - 1) i) w")
                .bind("s", seconds)
                .bind("from", from)
                .bind("n", n)
                .execute();
    }

    private static void insert(Handle h, String model, int seconds, Instant start, double value) {
        long s = start.getEpochSecond() / seconds * seconds;
        h.createUpdate(
                        "INSERT INTO drift_metrics (model_name, model_version, segment, feature,"
                                + " metric, window_start, window_end, window_seconds, value,"
                                + " sample_count, reference_count, computed_at) VALUES (:m, '1',"
                                + " '', 'f', 'psi', :ws, :we, :s, :v, 1, 1, now()) ON CONFLICT"
                                + " (model_name, model_version, segment, feature, metric,"
                                + " window_seconds, window_start) DO UPDATE SET value ="
                                + " EXCLUDED.value")
                .bind("m", model)
                .bind("ws", JdbcUpsertSink.time(s * 1000))
                .bind("we", JdbcUpsertSink.time((s + seconds) * 1000L))
                .bind("s", seconds)
                .bind("v", value)
                .execute();
    }

    private static long count(Handle h, String table) {
        return h.createQuery("SELECT count(*) FROM " + table).mapTo(Long.class).one();
    }

    private static boolean exists(Handle h, String table) {
        return h.createQuery("SELECT to_regclass(:t) IS NOT NULL")
                .bind("t", table)
                .mapTo(Boolean.class)
                .one();
    }
}
