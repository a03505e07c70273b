package dev.driftwatch.registry.db;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.postgres.PostgresPlugin;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;

/** The registry's PostgreSQL database: applies the Flyway migrations and opens jdbi on it. */
public final class Database {
    private Database() {}

    /**
     * Migrates the schema (classpath {@code db/migration}, the only copy) and returns jdbi.
     *
     * <pre>{@code
     * Jdbi jdbi = Database.migrateAndOpen(dataSource);
     * }</pre>
     */
    public static Jdbi migrateAndOpen(DataSource dataSource) {
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .table("registry_schema_history")
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load()
                .migrate();
        return Jdbi.create(dataSource)
                .installPlugin(new SqlObjectPlugin())
                .installPlugin(new PostgresPlugin());
    }
}
