package dev.driftwatch.local;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.sql.DataSource;

/**
 * A real PostgreSQL 14 started from binaries shipped in a Maven artifact (no installed server
 * needed): the one embedded database of the product ({@code up}, {@code demo}, {@code registry}
 * without {@code --jdbc-url}) and of the tests.
 *
 * <pre>{@code
 * try (LocalPostgres db = LocalPostgres.start(Path.of("data/postgres"))) {
 *     RegistryServer.start(config, db.dataSource());
 * }
 * }</pre>
 */
public final class LocalPostgres implements AutoCloseable {
    private static final String USER = "postgres";
    private final EmbeddedPostgres server;

    private LocalPostgres(EmbeddedPostgres server) {
        this.server = server;
    }

    /**
     * Starts PostgreSQL on the data in {@code dataDirectory}, creating it on first use; the data
     * stays there when the server stops, so a later start finds every table and row again.
     */
    public static LocalPostgres start(Path dataDirectory) {
        try {
            Files.createDirectories(dataDirectory);
            return new LocalPostgres(
                    EmbeddedPostgres.builder()
                            .setDataDirectory(dataDirectory)
                            .setCleanDataDirectory(false)
                            .start());
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot start the embedded PostgreSQL in " + dataDirectory, e);
        }
    }

    /** Starts a throwaway PostgreSQL in a temporary directory that is deleted when it stops. */
    public static LocalPostgres startTemporary() {
        try {
            return new LocalPostgres(EmbeddedPostgres.builder().start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a temporary embedded PostgreSQL", e);
        }
    }

    /** The JDBC URL of the {@code postgres} database. */
    public String jdbcUrl() {
        return jdbcUrl(USER);
    }

    /** The JDBC URL of a database on this server. */
    public String jdbcUrl(String database) {
        return server.getJdbcUrl(USER, database);
    }

    public int port() {
        return server.getPort();
    }

    public String user() {
        return USER;
    }

    /** The embedded server trusts local connections; there is no password. */
    public String password() {
        return "";
    }

    /** A data source on the {@code postgres} database. */
    public DataSource dataSource() {
        return server.getPostgresDatabase();
    }

    /** A data source on a database of this server. */
    public DataSource dataSource(String database) {
        return server.getDatabase(USER, database);
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stop the embedded PostgreSQL", e);
        }
    }
}
