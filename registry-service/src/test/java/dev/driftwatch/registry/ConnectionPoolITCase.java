package dev.driftwatch.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.driftwatch.testsupport.TestPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * 200 requests at once: every one is answered, and the database never sees more than {@link
 * RegistryServer#MAX_DATABASE_CONNECTIONS} connections from the registry.
 */
class ConnectionPoolITCase {
    static final String ADMIN = "admin-token-for-pool-tests";

    @Test
    void twoHundredParallelRequestsUseAtMostThePoolsConnections() throws Exception {
        TestPostgres.Connection db = TestPostgres.freshConnection();
        DataSource direct = db.dataSource();
        try (RegistryServer server =
                        RegistryServer.start(
                                RegistryConfig.defaults()
                                        .withHost("127.0.0.1")
                                        .withPort(0)
                                        .withAdminToken(ADMIN),
                                db.dataSource());
                Connection watcher = direct.getConnection()) {
            AtomicBoolean flooding = new AtomicBoolean(true);
            AtomicInteger most = new AtomicInteger();
            AtomicInteger samples = new AtomicInteger();
            Thread sampler =
                    new Thread(
                            () -> {
                                try (Statement s = watcher.createStatement()) {
                                    while (flooding.get()) {
                                        try (ResultSet r =
                                                s.executeQuery(
                                                        "SELECT count(*) FROM pg_stat_activity"
                                                                + " WHERE datname = current_database()"
                                                                + " AND pid <> pg_backend_pid()")) {
                                            r.next();
                                            most.accumulateAndGet(r.getInt(1), Math::max);
                                            samples.incrementAndGet();
                                        }
                                    }
                                } catch (Exception e) {
                                    throw new IllegalStateException(e);
                                }
                            });
            sampler.start();
            HttpClient http = HttpClient.newHttpClient();
            List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                answers.add(
                        http.sendAsync(
                                HttpRequest.newBuilder(URI.create(server.url() + "/api/v1/alerts"))
                                        .header("Authorization", "Bearer " + ADMIN)
                                        .build(),
                                HttpResponse.BodyHandlers.ofString()));
            }
            int ok = 0;
            for (CompletableFuture<HttpResponse<String>> a : answers) {
                if (a.get(120, TimeUnit.SECONDS).statusCode() == 200) {
                    ok++;
                }
            }
            flooding.set(false);
            sampler.join(10_000);
            assertThat(ok).isEqualTo(200);
            assertThat(samples.get()).isPositive();
            assertThat(most.get())
                    .isPositive()
                    .isLessThanOrEqualTo(RegistryServer.MAX_DATABASE_CONNECTIONS);
        }
    }
}
