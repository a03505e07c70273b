package dev.driftwatch.registry.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.driftwatch.registry.MetricRows;
import dev.driftwatch.testsupport.TestPostgres;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/**
 * The console's choice of resolution on a real PostgreSQL with the jobs' tables: five-minute base
 * windows and, in partitions of their own as the drift job makes them, hourly and daily ones. The
 * charts of a day read the base windows, of a week and a month the hourly ones, of 90 days the
 * daily ones; a resolution without rows of the model in the range is passed over.
 */
class ConsoleResolutionITCase {
    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

    @Test
    void theRangePicksTheCoarsestResolutionWithEnoughWindows() {
        TestPostgres.Connection db = TestPostgres.freshConnection();
        MetricRows.migrate(db);
        Jdbi jdbi = Jdbi.create(db.url(), db.user(), db.password());
        // base rows: the last 12 five-minute windows (psi 0.03 or 0.05)
        MetricRows.drift(jdbi, "fraud", new String[] {"amount"}, "amount", 12, 0, NOW);
        jdbi.useHandle(
                h -> {
                    h.execute(
                            "CREATE TABLE drift_metrics_r3600 PARTITION OF drift_metrics FOR"
                                    + " VALUES IN (3600)");
                    h.execute(
                            "CREATE TABLE drift_metrics_r86400 PARTITION OF drift_metrics FOR"
                                    + " VALUES IN (86400)");
                    coarse(h, "fraud", 3600, 40 * 24, 0.7);
                    coarse(h, "fraud", 86400, 100, 0.9);
                    // another model has base windows only, though the partitions exist
                    MetricRows.drift(jdbi, "churn", new String[] {"age"}, "age", 12, 0, NOW);
                    assertThat(pick(h, "fraud", "1h")).isEqualTo(300);
                    assertThat(pick(h, "fraud", "24h")).isEqualTo(300);
                    assertThat(pick(h, "fraud", "7d")).isEqualTo(3600);
                    assertThat(pick(h, "fraud", "30d")).isEqualTo(3600);
                    assertThat(pick(h, "fraud", "90d")).isEqualTo(86400);
                    assertThat(pick(h, "churn", "90d")).isEqualTo(300);
                    assertThat(pick(h, "nobody", "24h")).isEqualTo(-1);
                });
        ConsoleQueries queries = new ConsoleQueries(jdbi);
        TimeRange week = TimeRange.parse("7d", NOW);
        Map<String, List<ConsoleQueries.Point>> cells = queries.heatmap("fraud", week, 3600);
        // the week's heatmap shows the hourly rows alone (psi 0.7), not the base ones
        assertThat(cells.get("amount")).hasSize(7 * 24);
        assertThat(cells.get("amount")).allSatisfy(p -> assertThat(p.value()).isEqualTo(0.7));
        TimeRange day = TimeRange.parse("24h", NOW);
        assertThat(queries.heatmap("fraud", day, 300).get("amount"))
                .hasSize(12)
                .allSatisfy(p -> assertThat(p.value()).isLessThan(0.1));
        // the latest window of a feature is a base window, with its own statistics only
        ConsoleQueries.LatestWindow latest = queries.window("fraud", "amount", day, null);
        assertThat(latest.end()).isEqualTo(NOW);
        assertThat(latest.statistics()).hasSize(2);
    }

    private static int pick(org.jdbi.v3.core.Handle h, String model, String range) {
        return ConsoleQueries.resolution(h, model, TimeRange.parse(range, NOW));
    }

    /** Deciding psi rows of {@code n} windows of {@code seconds} ending at or before now. */
    private static void coarse(
            org.jdbi.v3.core.Handle h, String model, int seconds, int n, double psi) {
        h.createUpdate(
                        "INSERT INTO drift_metrics (model_name, model_version, segment, feature,"
                                + " metric, window_start, window_end, window_seconds, value,"
                                + " threshold, drift_detected, sample_count, reference_count,"
                                + " computed_at) SELECT :m, '1', '', 'amount', 'psi', ws, ws +"
                                + " make_interval(secs => :s), :s, :v, 0.2, true, 100, 1000, now()"
                                + " FROM generate_series(1, :n) i, LATERAL (SELECT CAST(:now AS"
                                + " timestamptz) - i * make_interval(secs => :s) AS ws) w")
                .bind("m", model)
                .bind("s", seconds)
                .bind("n", n)
                .bind("v", psi)
                .bind("now", NOW)
                .execute();
    }
}
