package dev.driftwatch.jobs;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;

/**
 * A real PostgreSQL for tests: an embedded server from Maven binaries, started once per JVM, or the
 * server named by DRIFTWATCH_TEST_JDBC_URL (+ _USER, _PASSWORD).
 */
public final class TestPostgres {
    private static EmbeddedPostgres server;

    private TestPostgres() {}

    public record Connection(String url, String user, String password) {}

    public static synchronized Connection connection() throws IOException {
        String external = System.getenv("DRIFTWATCH_TEST_JDBC_URL");
        if (external != null) {
            return new Connection(
                    external,
                    System.getenv().getOrDefault("DRIFTWATCH_TEST_JDBC_USER", "postgres"),
                    System.getenv().getOrDefault("DRIFTWATCH_TEST_JDBC_PASSWORD", ""));
        }
        if (server == null) {
            server = EmbeddedPostgres.builder().start();
        }
        return new Connection(server.getJdbcUrl("postgres", "postgres"), "postgres", "postgres");
    }
}
