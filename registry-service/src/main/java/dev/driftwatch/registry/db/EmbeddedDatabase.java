package dev.driftwatch.registry.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.sql.DataSource;

/**
 * A real PostgreSQL started from the binaries in the zonky artifact, keeping its data in a
 * directory across restarts: for running the registry without a database server.
 *
 * <pre>{@code
 * try (EmbeddedDatabase db = EmbeddedDatabase.start(Path.of("data/registry/postgres"))) {
 *     RegistryServer.start(config, db.dataSource());
 * }
 * }</pre>
 */
public final class EmbeddedDatabase implements AutoCloseable {
    private final EmbeddedPostgres postgres;

    private EmbeddedDatabase(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    public static EmbeddedDatabase start(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
            boolean fresh = !Files.exists(dataDir.resolve("PG_VERSION"));
            return new EmbeddedDatabase(
                    EmbeddedPostgres.builder()
                            .setDataDirectory(dataDir)
                            .setCleanDataDirectory(fresh)
                            .start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL in " + dataDir, e);
        }
    }

    public DataSource dataSource() {
        return postgres.getPostgresDatabase();
    }

    /** The JDBC URL of its {@code postgres} database (user {@code postgres}, no password). */
    public String jdbcUrl() {
        return postgres.getJdbcUrl("postgres", "postgres");
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
