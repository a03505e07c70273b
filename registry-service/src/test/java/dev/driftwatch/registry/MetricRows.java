package dev.driftwatch.registry;

import dev.driftwatch.testsupport.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;

/**
 * Metric rows for the console's tests: the jobs' tables made by the jobs' own Flyway migrations
 * (their history table, as the jobs apply them), rows generated in SQL with {@code generate_series}
 * in the columns the jobs' upserts write.
 */
public final class MetricRows {
    /** The jobs' migrations, read from their module. */
    static final Path JOBS_MIGRATIONS =
            Path.of("..", "jobs", "src", "main", "resources", "db", "jobs");

    private MetricRows() {}

    /** Applies the jobs' migrations to the database, as the drift and performance jobs do. */
    public static void migrate(TestPostgres.Connection db) {
        if (!Files.isDirectory(JOBS_MIGRATIONS)) {
            throw new AssertionError(
                    "the jobs' migrations are not at " + JOBS_MIGRATIONS.toAbsolutePath());
        }
        Flyway.configure()
                .dataSource(db.url(), db.user(), db.password())
                .locations("filesystem:" + JOBS_MIGRATIONS.toAbsolutePath())
                .table("flyway_history_jobs")
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load()
                .migrate();
    }

    /**
     * Drift rows of {@code windows} 5-minute windows ending at {@code end}: per feature a deciding
     * {@code psi} row (threshold 0.2) and a {@code jensen_shannon} row without a threshold, and the
     * model's {@code drift_share} (threshold 0.5) and {@code event_count} rows. The psi of {@code
     * driftedFeature} is 0.4 (drift) in the last {@code driftedWindows} windows, 0.05 before; every
     * other feature's is 0.03.
     */
    public static void drift(
            Jdbi jdbi,
            String model,
            String[] features,
            String driftedFeature,
            int windows,
            int driftedWindows,
            Instant end) {
        jdbi.useHandle(
                h -> {
                    h.createUpdate(
                                    "INSERT INTO drift_metrics (model_name, model_version, segment,"
                                            + " feature, metric, window_start, window_end, window_seconds, value,"
                                            + " p_value, threshold, drift_detected, sample_count,"
                                            + " reference_count, computed_at, closed_by)"
                                            + " SELECT :m, '1', '', f, mt, ws, ws + interval '5"
                                            + " minutes', 300, CASE WHEN mt = 'jensen_shannon' THEN 0.01"
                                            + " WHEN f = :drifted AND i >= :n - :k THEN 0.4 WHEN f ="
                                            + " :drifted THEN 0.05 ELSE 0.03 END, NULL, CASE WHEN mt ="
                                            + " 'psi' THEN 0.2 END, mt = 'psi' AND f = :drifted AND i"
                                            + " >= :n - :k, 500, 1000, now(), 'watermark'"
                                            + " FROM generate_series(0, :n - 1) AS i,"
                                            + " LATERAL (SELECT CAST(:end AS timestamptz) - (:n - i) * interval '5"
                                            + " minutes' AS ws) w, unnest(:features) AS f,"
                                            + " unnest(ARRAY['psi', 'jensen_shannon']) AS mt")
                            .bind("m", model)
                            .bind("drifted", driftedFeature)
                            .bind("n", windows)
                            .bind("k", driftedWindows)
                            .bind("end", end)
                            .bindArray("features", String.class, (Object[]) features)
                            .execute();
                    h.createUpdate(
                                    "INSERT INTO drift_metrics (model_name, model_version, segment,"
                                            + " feature, metric, window_start, window_end, window_seconds, value,"
                                            + " p_value, threshold, drift_detected, sample_count,"
                                            + " reference_count, computed_at, closed_by)"
                                            + " SELECT :m, '1', '', '', mt, ws, ws + interval '5"
                                            + " minutes', 300, CASE WHEN mt = 'event_count' THEN 500 WHEN i"
                                            + " >= :n - :k THEN 1.0 / :features ELSE 0 END, NULL,"
                                            + " CASE WHEN mt = 'drift_share' THEN 0.5 END, false,"
                                            + " 500, 1000, now(), 'watermark'"
                                            + " FROM generate_series(0, :n - 1) AS i,"
                                            + " LATERAL (SELECT CAST(:end AS timestamptz) - (:n - i) * interval '5"
                                            + " minutes' AS ws) w,"
                                            + " unnest(ARRAY['drift_share', 'event_count']) AS mt")
                            .bind("m", model)
                            .bind("n", windows)
                            .bind("k", driftedWindows)
                            .bind("end", end)
                            .bind("features", (double) features.length)
                            .execute();
                });
    }

    /**
     * Sets the distribution (drift-core's {@code WindowDistribution} JSON, as the drift job writes
     * it) on the {@code psi} rows of {@code feature} whose window starts at or after {@code from}.
     */
    static void distribution(Jdbi jdbi, String model, String feature, String json, Instant from) {
        jdbi.useHandle(
                h ->
                        h.createUpdate(
                                        "UPDATE drift_metrics SET distribution = CAST(:d AS jsonb)"
                                                + " WHERE model_name = :m AND feature = :f AND"
                                                + " metric = 'psi' AND window_start >= :from")
                                .bind("d", json)
                                .bind("m", model)
                                .bind("f", feature)
                                .bind("from", from)
                                .execute());
    }

    /**
     * Performance rows of the same windows: realised {@code accuracy} (0.9, 0.7 in the last {@code
     * lowWindows}) and {@code label_coverage} (0.8), an estimated {@code accuracy} and an {@code
     * orphaned_labels} count (neither charted).
     */
    static void performance(Jdbi jdbi, String model, int windows, int lowWindows, Instant end) {
        jdbi.useHandle(
                h ->
                        h.createUpdate(
                                        "INSERT INTO performance_metrics (model_name,"
                                                + " model_version, segment, metric, window_start,"
                                                + " window_end, window_seconds, value, sample_count, labeled_count,"
                                                + " computed_at, closed_by, estimated, standard_error)"
                                                + " SELECT :m, '1', '', mt, ws, ws + interval '5"
                                                + " minutes', 300, CASE WHEN mt = 'label_coverage' THEN"
                                                + " 0.8 WHEN mt = 'orphaned_labels' THEN 3 WHEN i >="
                                                + " :n - :k THEN 0.7 ELSE 0.9 END, 500, 400, now(),"
                                                + " 'watermark', est, CASE WHEN est THEN 0.01 END"
                                                + " FROM generate_series(0, :n - 1) AS i,"
                                                + " LATERAL (SELECT CAST(:end AS timestamptz) - (:n - i) * interval '5"
                                                + " minutes' AS ws) w,"
                                                + " (VALUES ('accuracy', false), ('label_coverage',"
                                                + " false), ('orphaned_labels', false), ('accuracy',"
                                                + " true)) AS m(mt, est)")
                                .bind("m", model)
                                .bind("n", windows)
                                .bind("k", lowWindows)
                                .bind("end", end)
                                .execute());
    }
}
