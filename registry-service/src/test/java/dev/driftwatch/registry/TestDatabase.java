package dev.driftwatch.registry;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * One real PostgreSQL per test JVM (zonky embedded, or an external server from {@code
 * DRIFTWATCH_TEST_JDBC_URL} / {@code _USER} / {@code _PASSWORD}); each call to {@link
 * #freshDatabase()} creates a new empty database on it, so test classes do not see each other.
 */
final class TestDatabase {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static EmbeddedPostgres embedded;
    private static DataSource admin;

    private TestDatabase() {}

    static synchronized DataSource freshDatabase() {
        try {
            DataSource server = server();
            String name =
                    "registry_test_"
                            + ProcessHandle.current().pid()
                            + "_"
                            + COUNTER.incrementAndGet();
            try (Connection c = server.getConnection();
                    Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE " + name);
            }
            return dataSource(name);
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("cannot create a test database", e);
        }
    }

    private static DataSource server() throws IOException {
        if (admin == null) {
            if (System.getenv("DRIFTWATCH_TEST_JDBC_URL") == null) {
                embedded = EmbeddedPostgres.builder().start();
                Runtime.getRuntime().addShutdownHook(new Thread(TestDatabase::stop));
            }
            admin = dataSource(null);
        }
        return admin;
    }

    private static DataSource dataSource(String database) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        String external = System.getenv("DRIFTWATCH_TEST_JDBC_URL");
        if (external != null) {
            ds.setUrl(external);
            ds.setUser(System.getenv().getOrDefault("DRIFTWATCH_TEST_JDBC_USER", "postgres"));
            ds.setPassword(System.getenv().getOrDefault("DRIFTWATCH_TEST_JDBC_PASSWORD", ""));
        } else {
            ds.setServerNames(new String[] {"localhost"});
            ds.setPortNumbers(new int[] {embedded.getPort()});
            ds.setUser("postgres");
            ds.setDatabaseName("postgres");
        }
        if (database != null) {
            ds.setDatabaseName(database);
        }
        return ds;
    }

    private static void stop() {
        try {
            embedded.close();
        } catch (IOException e) {
            // the JVM is exiting
        }
    }
}
