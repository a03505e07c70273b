package dev.driftwatch.cli.local;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real PostgreSQL 14 started from binaries shipped in a Maven artifact (no installed server
 * needed), with its data kept in the given directory across runs.
 */
public final class LocalPostgres implements AutoCloseable {
    private final EmbeddedPostgres server;

    private LocalPostgres(EmbeddedPostgres server) {
        this.server = server;
    }

    public static LocalPostgres start(Path dataDirectory) throws Exception {
        Files.createDirectories(dataDirectory);
        return new LocalPostgres(
                EmbeddedPostgres.builder()
                        .setDataDirectory(dataDirectory)
                        .setCleanDataDirectory(false)
                        .start());
    }

    public String jdbcUrl() {
        return server.getJdbcUrl("postgres", "postgres");
    }

    public String user() {
        return "postgres";
    }

    /** A data source on the {@code postgres} database. */
    public javax.sql.DataSource dataSource() {
        return server.getPostgresDatabase();
    }

    /** The embedded server trusts local connections; there is no password. */
    public String password() {
        return "";
    }

    @Override
    public void close() throws Exception {
        server.close();
    }
}
