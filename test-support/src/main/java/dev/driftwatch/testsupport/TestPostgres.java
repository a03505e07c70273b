package dev.driftwatch.testsupport;

import dev.driftwatch.local.LocalPostgres;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * One real PostgreSQL per test JVM: a temporary {@link LocalPostgres}, or the server named by
 * {@code DRIFTWATCH_TEST_JDBC_URL} (with {@code _USER} and {@code _PASSWORD}).
 *
 * <pre>{@code
 * DataSource db = TestPostgres.freshDatabase(); // a new empty database per call
 * TestPostgres.Connection fresh = TestPostgres.freshConnection(); // the same, as a URL
 * TestPostgres.Connection c = TestPostgres.connection(); // the shared database
 * }</pre>
 */
public final class TestPostgres {
    private static final String EXTERNAL_URL = System.getenv("DRIFTWATCH_TEST_JDBC_URL");
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static LocalPostgres server;

    private TestPostgres() {}

    /** How to reach a database: JDBC URL, user and password. */
    public record Connection(String url, String user, String password) {
        /** A data source on this database. */
        public DataSource dataSource() {
            PGSimpleDataSource ds = new PGSimpleDataSource();
            ds.setUrl(url);
            ds.setUser(user);
            ds.setPassword(password);
            return ds;
        }
    }

    /** The server's default database, shared by every caller in this JVM. */
    public static synchronized Connection connection() {
        if (EXTERNAL_URL != null) {
            return new Connection(
                    EXTERNAL_URL,
                    System.getenv().getOrDefault("DRIFTWATCH_TEST_JDBC_USER", "postgres"),
                    System.getenv().getOrDefault("DRIFTWATCH_TEST_JDBC_PASSWORD", ""));
        }
        if (server == null) {
            LocalPostgres started = LocalPostgres.startTemporary();
            server = started;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close));
        }
        return new Connection(server.jdbcUrl(), server.user(), server.password());
    }

    /** Creates a new empty database, as {@link #freshDatabase()}, and says how to reach it. */
    public static synchronized Connection freshConnection() {
        Connection admin = connection();
        PGSimpleDataSource ds = (PGSimpleDataSource) freshDatabase();
        return new Connection(ds.getUrl(), admin.user(), admin.password());
    }

    /** Creates a new empty database on the server, so test classes do not see each other's rows. */
    public static synchronized DataSource freshDatabase() {
        Connection admin = connection();
        String name = "test_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
        try (java.sql.Connection c = admin.dataSource().getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create a test database", e);
        }
        PGSimpleDataSource ds = (PGSimpleDataSource) admin.dataSource();
        ds.setDatabaseName(name);
        return ds;
    }
}
