package dev.driftwatch.jobs.shared;

import org.flywaydb.core.Flyway;

/**
 * The drift job's tables (drift_metrics), as Flyway migrations in {@code db/jobs}, applied when the
 * job starts. Its own history table lets it share a database with the registry.
 */
public final class MetricTables {
    public static final String LOCATION = "classpath:db/jobs";
    public static final String HISTORY_TABLE = "flyway_history_jobs";

    private MetricTables() {}

    public static void migrate(String jdbcUrl, String user, String password) {
        Flyway.configure(MetricTables.class.getClassLoader())
                .dataSource(jdbcUrl, user, password)
                .locations(LOCATION)
                .table(HISTORY_TABLE)
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load()
                .migrate();
    }
}
