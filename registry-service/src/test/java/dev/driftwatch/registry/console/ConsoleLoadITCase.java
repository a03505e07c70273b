package dev.driftwatch.registry.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.driftwatch.registry.MetricRows;
import dev.driftwatch.registry.RegistryConfig;
import dev.driftwatch.registry.RegistryServer;
import dev.driftwatch.registry.auth.Role;
import dev.driftwatch.registry.auth.TokenStore;
import dev.driftwatch.registry.profile.ReferenceProfilePublisher;
import dev.driftwatch.testsupport.HeadlessChromium;
import dev.driftwatch.testsupport.TestPostgres;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.SqlStatements;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The console with many models and a long history: {@code console.load.models} registered models
 * (default 1,000), each with a last window, and one model with {@code console.load.days} days
 * (default 1; the documented full form: 30) of 5-minute windows of {@code console.load.features}
 * features (default 20) with {@code console.load.metrics} metrics each (default 12, as the drift
 * job writes for a numeric feature), generated with {@code generate_series}. Checks that every
 * query of the model and models pages walks an index (EXPLAIN) and measures the model page's server
 * time and browser load time over the 30-day range; the figures go to stdout and {@code
 * target/console-load.txt}.
 */
class ConsoleLoadITCase {
    static final int MODELS = Integer.getInteger("console.load.models", 1_000);
    static final int DAYS = Integer.getInteger("console.load.days", 1);
    static final int FEATURES = Integer.getInteger("console.load.features", 20);
    static final int METRICS = Integer.getInteger("console.load.metrics", 12);
    static final String MODEL = "model-0000";

    static RegistryServer server;
    static String cookie;
    static long driftRows;
    static long generateMillis;
    static final HttpClient HTTP =
            HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeAll
    static void start() throws Exception {
        TestPostgres.Connection db = TestPostgres.freshConnection();
        server =
                RegistryServer.start(
                        RegistryConfig.defaults()
                                .withHost("127.0.0.1")
                                .withPort(0)
                                .withAdminToken("admin-token-for-console-load"),
                        db.dataSource(),
                        ReferenceProfilePublisher.NONE,
                        Clock.systemUTC());
        MetricRows.migrate(db);
        String reader =
                new TokenStore(server.jdbi(), Clock.systemUTC())
                        .issue("load-reader", Role.READER)
                        .secret();
        long t0 = System.nanoTime();
        Instant end = Instant.now().truncatedTo(ChronoUnit.HOURS);
        int windows = DAYS * 288;
        String[] metrics = new String[METRICS];
        metrics[0] = "psi";
        for (int i = 1; i < METRICS; i++) {
            metrics[i] = "metric_" + i;
        }
        server.jdbi()
                .useHandle(
                        h -> {
                            h.createUpdate(
                                            "INSERT INTO registered_models (name,"
                                                    + " creation_timestamp, last_updated_timestamp)"
                                                    + " SELECT 'model-' || lpad(i::text, 4, '0'),"
                                                    + " 0, 0 FROM generate_series(0, :n - 1) i")
                                    .bind("n", MODELS)
                                    .execute();
                            // every model's last window: its drift share
                            h.createUpdate(
                                            "INSERT INTO drift_metrics (model_name, model_version,"
                                                    + " segment, feature, metric, window_start,"
                                                    + " window_end, window_seconds, value, threshold, drift_detected,"
                                                    + " sample_count, reference_count, computed_at)"
                                                    + " SELECT 'model-' || lpad(i::text, 4, '0'), '1',"
                                                    + " '', '', 'drift_share', CAST(:end AS"
                                                    + " timestamptz) - interval '5 minutes', :end, 300,"
                                                    + " 0.1, 0.5, false, 100, 100, now() FROM"
                                                    + " generate_series(1, :n - 1) i")
                                    .bind("n", MODELS)
                                    .bind("end", end)
                                    .execute();
                            // the one model's history: per window and feature a deciding psi and
                            // METRICS - 1 other metrics, the model's drift share and event count
                            h.createUpdate(
                                            "INSERT INTO drift_metrics (model_name, model_version,"
                                                    + " segment, feature, metric, window_start,"
                                                    + " window_end, window_seconds, value, threshold, drift_detected,"
                                                    + " sample_count, reference_count, computed_at)"
                                                    + " SELECT :m, '1', '', f, mt, ws, ws + interval '5"
                                                    + " minutes', 300, CASE WHEN f = 'feature_00' AND w % 50"
                                                    + " < 5 THEN 0.4 ELSE 0.05 END, CASE WHEN mt ="
                                                    + " 'psi' THEN 0.2 END, mt = 'psi' AND f ="
                                                    + " 'feature_00' AND w % 50 < 5, 500, 1000, now()"
                                                    + " FROM generate_series(0, :n - 1) AS w, LATERAL"
                                                    + " (SELECT CAST(:end AS timestamptz) - (:n - w) *"
                                                    + " interval '5 minutes' AS ws) x,"
                                                    + " (SELECT 'feature_' || lpad(j::text, 2, '0') AS f"
                                                    + " FROM generate_series(0, :features - 1) j) fs,"
                                                    + " unnest(:metrics) AS mt")
                                    .bind("m", MODEL)
                                    .bind("n", windows)
                                    .bind("end", end)
                                    .bind("features", FEATURES)
                                    .bindArray("metrics", String.class, (Object[]) metrics)
                                    .execute();
                            h.createUpdate(
                                            "INSERT INTO drift_metrics (model_name, model_version,"
                                                    + " segment, feature, metric, window_start,"
                                                    + " window_end, window_seconds, value, threshold, drift_detected,"
                                                    + " sample_count, reference_count, computed_at)"
                                                    + " SELECT :m, '1', '', '', mt, ws, ws + interval '5"
                                                    + " minutes', 300, 0.05, CASE WHEN mt = 'drift_share'"
                                                    + " THEN 0.5 END, false, 500, 1000, now()"
                                                    + " FROM generate_series(0, :n - 1) AS w, LATERAL"
                                                    + " (SELECT CAST(:end AS timestamptz) - (:n - w) *"
                                                    + " interval '5 minutes' AS ws) x,"
                                                    + " unnest(ARRAY['drift_share', 'event_count']) mt")
                                    .bind("m", MODEL)
                                    .bind("n", windows)
                                    .bind("end", end)
                                    .execute();
                            h.createUpdate(
                                            "INSERT INTO performance_metrics (model_name,"
                                                    + " model_version, segment, metric, window_start,"
                                                    + " window_end, window_seconds, value, sample_count,"
                                                    + " labeled_count, computed_at, estimated)"
                                                    + " SELECT :m, '1', '', mt, ws, ws + interval '5"
                                                    + " minutes', 300, 0.9, 500, 400, now(), false"
                                                    + " FROM generate_series(0, :n - 1) AS w, LATERAL"
                                                    + " (SELECT CAST(:end AS timestamptz) - (:n - w) *"
                                                    + " interval '5 minutes' AS ws) x,"
                                                    + " unnest(ARRAY['accuracy', 'roc_auc',"
                                                    + " 'label_coverage', 'orphaned_labels']) mt")
                                    .bind("m", MODEL)
                                    .bind("n", windows)
                                    .bind("end", end)
                                    .execute();
                            // as autovacuum leaves an insert-only table: visibility map set
                            h.execute("VACUUM ANALYZE");
                            driftRows =
                                    h.createQuery("SELECT count(*) FROM drift_metrics")
                                            .mapTo(Long.class)
                                            .one();
                        });
        generateMillis = (System.nanoTime() - t0) / 1_000_000;
        HttpResponse<String> login =
                HTTP.send(
                        HttpRequest.newBuilder(URI.create(server.url() + "/ui/login"))
                                .header("Content-Type", "application/x-www-form-urlencoded")
                                .POST(
                                        HttpRequest.BodyPublishers.ofString(
                                                "token="
                                                        + URLEncoder.encode(
                                                                reader, StandardCharsets.UTF_8)))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        cookie = setCookie.substring(0, setCookie.indexOf(';'));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void everyQueryOfTheModelAndModelsPagesWalksAnIndex() {
        Jdbi jdbi = server.jdbi();
        // the metric tables hold enough rows for the planner to choose freely; over the last hour
        // the model's rows are a small part of them, as they are among many models with a history
        // (over 30 days of the one model holding most rows, reading the table in order is right)
        // whether a model has rows: for the model holding most rows a sequential scan finds
        // one at once (LIMIT 1); for any other the index answers
        String rareModel =
                jdbi.withHandle(
                        h ->
                                explain(
                                        h,
                                        ConsoleQueries.MODEL_HAS_METRICS.replace(
                                                ":m", "'model-0001'")));
        assertThat(rareModel).doesNotContain("Seq Scan");
        for (String sql :
                List.of(
                        ConsoleQueries.HEATMAP,
                        ConsoleQueries.DRIFT_SHARE_SERIES,
                        ConsoleQueries.PERFORMANCE_SERIES,
                        ConsoleQueries.FEATURE_SERIES,
                        ConsoleQueries.FEATURE_LATEST,
                        ConsoleQueries.FEATURE_AT,
                        ConsoleQueries.FEATURE_NEIGHBOURS,
                        ConsoleQueries.FEATURE_STATISTICS,
                        ConsoleQueries.LAST_DRIFT_SHARES,
                        ConsoleQueries.LATEST_RESOLUTION,
                        ConsoleQueries.HAS_RESOLUTION)) {
            String plan = jdbi.withHandle(h -> explain(h, sql));
            assertThat(plan).as(sql).doesNotContain("Seq Scan");
        }
        // the registry's tables are nearly empty here, where any plan is fast: with sequential
        // scans priced out, an index must still serve each query
        for (String sql :
                List.of(
                        ConsoleQueries.MODELS,
                        ConsoleQueries.MODEL_REGISTERED,
                        ConsoleQueries.CHAMPION,
                        ConsoleQueries.MODEL_ALERTS,
                        ConsoleQueries.MODEL_RUNS,
                        ConsoleQueries.RUN_TRANSITIONS,
                        ConsoleQueries.OPEN_ALERTS,
                        ConsoleQueries.RECENT_ALERTS,
                        ConsoleQueries.ALERT_DELIVERIES)) {
            String plan =
                    jdbi.withHandle(
                            h -> {
                                h.execute("SET enable_seqscan = off");
                                try {
                                    return explain(h, sql);
                                } finally {
                                    h.execute("RESET enable_seqscan");
                                }
                            });
            assertThat(plan).as(sql).doesNotContain("Seq Scan");
        }
    }

    private static String explain(Handle h, String sql) {
        h.getConfig(SqlStatements.class).setUnusedBindingAllowed(true);
        Instant now = Instant.now();
        return String.join(
                "\n",
                h.createQuery("EXPLAIN " + sql)
                        .bind("m", MODEL)
                        .bind("f", "feature_00")
                        .bind("v", "1")
                        .bind("w", now.minusSeconds(600))
                        .bind("from", now.minus(java.time.Duration.ofHours(1)))
                        .bind("to", now)
                        .bind("bucket", 60.0)
                        .bind("limit", 1000)
                        .bind("s", 300)
                        .bindArray("names", String.class, List.of(MODEL, "model-0001"))
                        .bindArray("runs", Long.class, List.of(1L, 2L))
                        .bindArray("alerts", Long.class, List.of(1L, 2L))
                        .mapTo(String.class)
                        .list());
    }

    @Test
    void measuresTheModelPageOverThirtyDays() throws Exception {
        String modelPage = "/ui/models/" + MODEL + "?range=30d";
        long[] server30d = serverMillis(modelPage, 7);
        long[] serverModels = serverMillis("/ui?range=30d", 5);
        HttpResponse<String> page = get(modelPage);
        assertThat(page.statusCode()).isEqualTo(200);
        // 96 heatmap columns at most, whatever the history's length
        int cells = page.body().split("class=\"cell", -1).length - 1;
        assertThat(cells)
                .isPositive()
                .isLessThanOrEqualTo(FEATURES * ConsoleQueries.HEATMAP_COLUMNS);
        assertThat(get("/ui?range=30d").body()).contains("model-0999");

        long[] browser = new long[3];
        try (HeadlessChromium chromium = HeadlessChromium.start()) {
            chromium.driver().get(server.url() + "/ui/login");
            chromium.driver()
                    .manage()
                    .addCookie(
                            new org.openqa.selenium.Cookie(
                                    Console.COOKIE, cookie.substring(cookie.indexOf('=') + 1)));
            for (int i = 0; i < browser.length; i++) {
                chromium.driver().get(server.url() + modelPage);
                browser[i] =
                        (Long)
                                chromium.script(
                                        "var t=performance.timing;return t.loadEventEnd"
                                                + "-t.navigationStart;");
            }
            assertThat(chromium.driver().getCurrentUrl()).endsWith(modelPage);
        }
        Arrays.sort(browser);
        // where the server's time goes: each model page query over the 30 days, in the database
        StringBuilder perQuery = new StringBuilder();
        Instant now = Instant.now();
        for (var q :
                java.util.Map.of(
                                "heatmap", ConsoleQueries.HEATMAP,
                                "drift share", ConsoleQueries.DRIFT_SHARE_SERIES,
                                "performance", ConsoleQueries.PERFORMANCE_SERIES)
                        .entrySet()) {
            List<String> plan =
                    server.jdbi()
                            .withHandle(
                                    h ->
                                            h.configure(
                                                            SqlStatements.class,
                                                            c -> c.setUnusedBindingAllowed(true))
                                                    .createQuery("EXPLAIN ANALYZE " + q.getValue())
                                                    .bind("m", MODEL)
                                                    .bind("s", 300)
                                                    .bind(
                                                            "from",
                                                            now.minus(
                                                                    java.time.Duration.ofDays(30)))
                                                    .bind("to", now)
                                                    .bind("bucket", 455 * 60.0)
                                                    .bind("limit", ConsoleQueries.MAX_ROWS)
                                                    .mapTo(String.class)
                                                    .list());
            perQuery.append(", ")
                    .append(q.getKey())
                    .append(" ")
                    .append(plan.get(plan.size() - 1).replace("Execution Time: ", "").strip());
        }
        String figures =
                String.format(
                        Locale.ROOT,
                        "console load: %d models, %d days of 5-minute windows x %d features x %d"
                                + " metrics (%,d drift_metrics rows, generated in %.1f s);"
                                + " model page 30d: server median %d ms (max %d), browser load"
                                + " median %d ms (max %d); models page: server median %d ms;"
                                + " in the database%s",
                        MODELS,
                        DAYS,
                        FEATURES,
                        METRICS,
                        driftRows,
                        generateMillis / 1000.0,
                        server30d[server30d.length / 2],
                        server30d[server30d.length - 1],
                        browser[1],
                        browser[2],
                        serverModels[serverModels.length / 2],
                        perQuery);
        System.out.println(figures);
        Files.writeString(Path.of("target", "console-load.txt"), figures + "\n");
    }

    private static long[] serverMillis(String path, int times) throws Exception {
        get(path); // warm up: the first request compiles and plans
        List<Long> ms = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            long t0 = System.nanoTime();
            HttpResponse<String> r = get(path);
            ms.add((System.nanoTime() - t0) / 1_000_000);
            assertThat(r.statusCode()).isEqualTo(200);
        }
        return ms.stream().mapToLong(Long::longValue).sorted().toArray();
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(server.url() + path))
                        .header("Cookie", cookie)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
