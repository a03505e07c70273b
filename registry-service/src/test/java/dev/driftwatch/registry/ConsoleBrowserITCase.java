package dev.driftwatch.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.driftwatch.core.alert.Alert;
import dev.driftwatch.core.drift.WindowDistribution;
import dev.driftwatch.core.profile.CategoricalReference;
import dev.driftwatch.core.profile.CategoricalReferenceBuilder;
import dev.driftwatch.core.profile.CategoricalWindow;
import dev.driftwatch.core.profile.NumericReference;
import dev.driftwatch.core.profile.NumericReferenceBuilder;
import dev.driftwatch.core.profile.NumericWindow;
import dev.driftwatch.registry.ApiClient.Answer;
import dev.driftwatch.registry.auth.Role;
import dev.driftwatch.registry.auth.TokenStore;
import dev.driftwatch.registry.console.Console;
import dev.driftwatch.registry.profile.ReferenceProfilePublisher;
import dev.driftwatch.testsupport.HeadlessChromium;
import dev.driftwatch.testsupport.TestPostgres;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;

/**
 * The console in headless Chromium, on a registry with real rows in its tables and the jobs' metric
 * tables: login and sessions, the charts' series, points and marks, the drifted heatmap cell, no
 * write action for a reader, hostile names. Screenshots go to {@code target/screenshots/}; with
 * {@code -Dscreenshots.update=true} they are also copied to {@code docs/images/}.
 */
class ConsoleBrowserITCase {
    static final String ADMIN = "admin-token-for-console-tests";
    static final Path SCREENSHOTS = Path.of("target", "screenshots");
    static final Path DOC_IMAGES = Path.of("..", "docs", "images");
    static final String SCRIPT_FEATURE = "<script>alert(1)</script>";
    static final String QUOTE_FEATURE = "quote\"s 'and' & <b>bold</b>";
    static final String LONG_FEATURE = "f".repeat(10_000);
    static final String[] FEATURES = {
        "amount", "country", "age", SCRIPT_FEATURE, QUOTE_FEATURE, LONG_FEATURE
    };
    static final int WINDOWS = 24;
    static final int DRIFTED = 6;

    static RegistryServer server;
    static Instant end;
    static ApiClient admin;
    static String reader;
    static HeadlessChromium chromium;
    static TestReceiver receivers;
    static final HttpClient HTTP =
            HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeAll
    static void start() throws Exception {
        TestPostgres.Connection db = TestPostgres.freshConnection();
        receivers = new TestReceiver();
        server =
                RegistryServer.start(
                        RegistryConfig.defaults()
                                .withHost("127.0.0.1")
                                .withPort(0)
                                .withAdminToken(ADMIN)
                                .withOutboundAllowList(List.of("127.0.0.1")),
                        db.dataSource(),
                        ReferenceProfilePublisher.NONE,
                        Clock.systemUTC());
        admin = new ApiClient(server.url(), ADMIN);
        reader =
                new TokenStore(server.jdbi(), Clock.systemUTC())
                        .issue("console-reader", Role.READER)
                        .secret();
        MetricRows.migrate(db);
        Jdbi jdbi = server.jdbi();
        end = Instant.now().truncatedTo(ChronoUnit.HOURS);
        MetricRows.drift(jdbi, "fraud", FEATURES, "amount", WINDOWS, DRIFTED, end);
        MetricRows.performance(jdbi, "fraud", WINDOWS, DRIFTED, end);
        distributions(jdbi);

        ok(admin.post("/api/2.0/mlflow/registered-models/create", "{\"name\": \"fraud\"}"));
        ok(admin.post("/api/2.0/mlflow/registered-models/create", "{\"name\": \"churn\"}"));
        for (int v = 1; v <= 2; v++) {
            ok(
                    admin.post(
                            "/api/2.0/mlflow/model-versions/create",
                            "{\"name\": \"fraud\", \"source\": \"s3://models/fraud/" + v + "\"}"));
        }
        ok(
                admin.post(
                        "/api/2.0/mlflow/registered-models/alias",
                        "{\"name\": \"fraud\", \"alias\": \"champion\", \"version\": \"2\"}"));
        ok(
                admin.post(
                        "/api/v1/routes",
                        "{\"name\": \"hook\", \"receiver\": \"webhook\", \"url\": \""
                                + receivers.url("/hook")
                                + "\", \"match\": {\"model_name\": \"fraud\"}}"));
        Instant alertAt = end.minus(Duration.ofMinutes(25));
        Alert firing =
                Alert.firing(
                        Map.of(
                                "alertname", "FeatureDrift",
                                "severity", "warning",
                                "model_name", "fraud",
                                "model_version", "1",
                                "metric", "psi",
                                "feature", "amount",
                                "segment", ""),
                        Map.of("summary", "PSI of amount above 0.2", "value", "0.4"),
                        alertAt,
                        "http://flink:8081");
        ok(admin.post("/api/v1/alerts", firing.toJson()));
        await().atMost(Duration.ofSeconds(20))
                .until(
                        () ->
                                jdbi.withHandle(
                                                h ->
                                                        h.createQuery(
                                                                        "SELECT count(*) FROM deliveries"
                                                                                + " WHERE status ="
                                                                                + " 'delivered'")
                                                                .mapTo(Long.class)
                                                                .one())
                                        == 1);
        // a run the alert requested, promoted version 2 (rows as the retraining loop writes them)
        jdbi.useHandle(
                h -> {
                    long run =
                            h.createQuery(
                                            "INSERT INTO retrain_runs (model_name, state,"
                                                    + " trigger_alert_id, trigger_fingerprint,"
                                                    + " requested_by, champion_version,"
                                                    + " candidate_version, data_window_start,"
                                                    + " data_window_end, backend, created_at,"
                                                    + " updated_at, finished_at) SELECT 'fraud',"
                                                    + " 'promoted', id, fingerprint, 'alert', 1, 2,"
                                                    + " :at - interval '1 day', :at, 'local', :at,"
                                                    + " :at + interval '10 minutes', :at +"
                                                    + " interval '10 minutes' FROM alerts"
                                                    + " RETURNING id")
                                    .bind("at", alertAt.atOffset(java.time.ZoneOffset.UTC))
                                    .mapTo(Long.class)
                                    .one();
                    String[] states = {
                        null,
                        "requested",
                        "launched",
                        "training",
                        "trained",
                        "validating",
                        "validated",
                        "promoted"
                    };
                    for (int i = 1; i < states.length; i++) {
                        h.createUpdate(
                                        "INSERT INTO retrain_transitions (run_id, from_state,"
                                                + " to_state, at, cause, detail) VALUES (:run,"
                                                + " :from, :to, :at, 'FeatureDrift', :detail)")
                                .bind("run", run)
                                .bind("from", states[i - 1])
                                .bind("to", states[i])
                                .bind(
                                        "at",
                                        alertAt.plusSeconds(60L * i)
                                                .atOffset(java.time.ZoneOffset.UTC))
                                .bind("detail", states[i].equals("promoted") ? "champion v2" : "")
                                .execute();
                    }
                });
        chromium = HeadlessChromium.start();
    }

    static final java.time.format.DateTimeFormatter TIME =
            java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
                    .withZone(java.time.ZoneOffset.UTC);
    static final String HOSTILE_CATEGORY = "<img src=x onerror=f()>";
    static final String QUOTE_CATEGORY = "\"quoted\" & <b>";

    /**
     * Window distributions as the drift job computes and stores them (drift-core's {@code
     * WindowDistribution} of a reference and a window): {@code amount} shifted by one standard
     * deviation in its drifted windows and unshifted before, {@code country} with a new category,
     * the script-named feature with hostile new category names; {@code age} has none (rows written
     * before the drift job stored distributions).
     */
    static void distributions(Jdbi jdbi) {
        java.util.Random random = new java.util.Random(3);
        NumericReferenceBuilder amount = new NumericReferenceBuilder();
        for (int i = 0; i < 1000; i++) { // as many as the rows' reference_count
            amount.add(50 + 10 * random.nextGaussian());
        }
        NumericReference amountRef = amount.build(10);
        Instant driftedFrom = end.minus(Duration.ofMinutes(5L * DRIFTED));
        for (double shift : new double[] {0, 10}) {
            NumericWindow w = amountRef.newWindow();
            for (int i = 0; i < 500; i++) {
                w.update(50 + shift + 10 * random.nextGaussian());
            }
            MetricRows.distribution(
                    jdbi,
                    "fraud",
                    "amount",
                    WindowDistribution.of(amountRef, w).toJson(),
                    shift == 0 ? end.minus(Duration.ofDays(1)) : driftedFrom);
        }
        MetricRows.distribution(
                jdbi,
                "fraud",
                "country",
                categorical(List.of("DE", "FR", "IT"), List.of("DE", "FR", "IT", "ES", "ES", "DE")),
                end.minus(Duration.ofDays(1)));
        MetricRows.distribution(
                jdbi,
                "fraud",
                SCRIPT_FEATURE,
                categorical(
                        List.of("a", "b"),
                        List.of("a", "b", HOSTILE_CATEGORY, QUOTE_CATEGORY, "a\u0000b")),
                end.minus(Duration.ofDays(1)));
    }

    static String categorical(List<String> reference, List<String> window) {
        CategoricalReferenceBuilder b = new CategoricalReferenceBuilder();
        for (int i = 0; i < 10; i++) {
            reference.forEach(b::add);
        }
        CategoricalReference ref = b.build();
        CategoricalWindow w = ref.newWindow();
        window.forEach(w::update);
        return WindowDistribution.of(ref, w).toJson();
    }

    @AfterAll
    static void stop() {
        if (chromium != null) {
            chromium.close();
        }
        if (server != null) {
            server.close();
        }
        if (receivers != null) {
            receivers.close();
        }
    }

    static void ok(Answer a) {
        assertThat(a.status()).as(a.body()).isEqualTo(200);
    }

    static HttpResponse<String> http(String method, String path, String cookie, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + path));
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        if (body != null) {
            b.header("Content-Type", "application/x-www-form-urlencoded");
        }
        b.method(
                method,
                body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Logs in over HTTP and returns the cookie pair {@code name=value}. */
    static String sessionCookie(String token) throws Exception {
        HttpResponse<String> r =
                http(
                        "POST",
                        "/ui/login",
                        null,
                        "token=" + java.net.URLEncoder.encode(token, "UTF-8"));
        assertThat(r.statusCode()).isEqualTo(303);
        String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    void browserLogIn() {
        chromium.driver().manage().deleteAllCookies();
        chromium.driver().get(server.url() + "/ui");
        assertThat(chromium.driver().getCurrentUrl()).endsWith("/ui/login");
        chromium.driver().findElement(By.name("token")).sendKeys(reader);
        clickToNavigate(By.cssSelector("form button"));
        assertThat(chromium.driver().getCurrentUrl()).endsWith("/ui");
    }

    /**
     * Clicks what navigates and waits for the next page: a click returns before the navigation it
     * starts (a form's submission) has loaded, so the old page is gone and the new one complete
     * before anything is read.
     */
    void clickToNavigate(By what) {
        WebElement page = chromium.driver().findElement(By.tagName("html"));
        chromium.driver().findElement(what).click();
        await().atMost(Duration.ofMinutes(1))
                .until(
                        () ->
                                isGone(page)
                                        && "complete"
                                                .equals(
                                                        ((JavascriptExecutor) chromium.driver())
                                                                .executeScript(
                                                                        "return document.readyState")));
    }

    static boolean isGone(WebElement element) {
        try {
            element.isEnabled();
            return false;
        } catch (StaleElementReferenceException gone) {
            return true;
        }
    }

    void open(String path) {
        chromium.driver().get(server.url() + path);
    }

    @SuppressWarnings("unchecked")
    List<String> attributes(String css, String attribute) {
        return (List<String>)
                chromium.script(
                        "var a=arguments[1];return Array.from(document.querySelectorAll("
                                + "arguments[0])).map(function(e){return e.getAttribute(a);});",
                        css,
                        attribute);
    }

    long count(String css) {
        return (Long)
                chromium.script("return document.querySelectorAll(arguments[0]).length;", css);
    }

    void assertCleanPage() {
        assertThat(chromium.consoleErrors()).isEmpty();
        assertThat(chromium.resourceRequests()).isEmpty();
        assertThat(count("script")).isZero();
        // the only form of a logged-in page is the logout: nothing on it writes
        assertThat(attributes("form", "action")).containsOnly("/ui/logout");
        assertThat(attributes("a", "href")).allMatch(h -> h.startsWith("/ui"));
    }

    @Test
    void aPageWithoutSessionGoesToTheLoginAndTheReadTokenLogsIn() throws Exception {
        chromium.driver().manage().deleteAllCookies();
        open("/ui/models/fraud");
        assertThat(chromium.driver().getCurrentUrl()).endsWith("/ui/login");
        chromium.driver().findElement(By.name("token")).sendKeys("dw_not-a-real-token-at-all");
        clickToNavigate(By.cssSelector("form button"));
        assertThat(chromium.driver().findElement(By.id("login-error")).getText())
                .isEqualTo("That token is not valid.");
        assertThat(chromium.driver().manage().getCookieNamed(Console.COOKIE)).isNull();
        // the refused login answered 401, which the browser reports as its only console error
        assertThat(chromium.consoleErrors()).singleElement().asString().contains("401");
        browserLogIn();
        assertThat(chromium.driver().findElement(By.cssSelector("header form")).getText())
                .contains("console-reader (reader)");
        assertThat(chromium.driver().manage().getCookieNamed(Console.COOKIE).isHttpOnly()).isTrue();
        assertCleanPage();

        HttpResponse<String> wrong = http("POST", "/ui/login", null, "token=nope");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).contains("That token is not valid.");
        assertThat(wrong.headers().firstValue("Set-Cookie")).isEmpty();
        HttpResponse<String> login = http("POST", "/ui/login", null, "token=" + reader);
        String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie)
                .contains("HttpOnly", "SameSite=Strict", "Path=/ui")
                .doesNotContain("Secure") // loopback over plain HTTP
                .doesNotContain(reader);
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));
        assertThat(http("GET", "/ui", cookie, null).statusCode()).isEqualTo(200);
        HttpResponse<String> logout = http("POST", "/ui/logout", cookie, null);
        assertThat(logout.headers().firstValue("Set-Cookie").orElseThrow()).contains("Max-Age=0");
        HttpResponse<String> after = http("GET", "/ui", cookie, null);
        assertThat(after.statusCode()).isEqualTo(303);
        assertThat(after.headers().firstValue("Location")).hasValue("/ui/login");
        assertThat(http("GET", "/ui/alerts", "driftwatch_session=forged", null).statusCode())
                .isEqualTo(303);
    }

    @Test
    void aConsoleSessionReachesNoWriteAction() throws Exception {
        String cookie = sessionCookie(ADMIN); // even an admin's console session only reads
        for (String[] write : AuthITCase.WRITES) {
            HttpResponse<String> r = http(write[0], write[1], cookie, write[2]);
            assertThat(r.statusCode())
                    .as("%s %s with the console cookie", write[0], write[1])
                    .isEqualTo(401);
        }
        for (String method : List.of("POST", "PUT", "DELETE")) {
            assertThat(http(method, "/ui/models/fraud", cookie, "x=1").statusCode())
                    .as(method + " on a console page")
                    .isIn(404, 405);
        }
        HttpResponse<String> page = http("GET", "/ui/models/fraud", cookie, null);
        assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
                .contains("default-src 'none'");
        assertThat(page.body()).doesNotContain("/api/");
    }

    @Test
    void theModelsPageListsChampionDriftShareAlertsAndLastRun() throws Exception {
        browserLogIn();
        open("/ui?range=24h");
        WebElement row =
                chromium.driver().findElement(By.cssSelector("#models tr[data-model='fraud']"));
        assertThat(row.getText()).contains("v2", "#1 promoted");
        List<WebElement> cells = row.findElements(By.tagName("td"));
        // the last window: one feature of six drifted, under the dataset threshold 0.5
        assertThat(cells.get(2).getText())
                .isEqualTo(dev.driftwatch.charts.Svg.value(1.0 / FEATURES.length));
        assertThat(cells.get(4).getText()).isEqualTo("1");
        assertThat(chromium.driver().findElements(By.cssSelector("#models tr[data-model]")))
                .hasSize(2);
        assertCleanPage();
        save("console-models.png", chromium.screenshot());
    }

    @Test
    void theModelPageChartsEachSeriesWithItsPointsAndMarksTheDriftedCells() throws Exception {
        browserLogIn();
        open("/ui/models/fraud?range=6h");
        // heatmap: one row per feature, one column per window, the drifted windows of amount marked
        List<String> rows = attributes("#heatmap text.row-label", "class"); // one label per row
        assertThat(rows).hasSize(FEATURES.length);
        assertThat(count("#heatmap rect.cell")).isEqualTo((long) FEATURES.length * WINDOWS);
        assertThat(count("#heatmap rect.cell.marked")).isEqualTo(DRIFTED);
        String amountRow =
                (String)
                        chromium.script(
                                "var ls=document.querySelectorAll('#heatmap text.row-label');"
                                        + "for(var i=0;i<ls.length;i++){if(ls[i].textContent"
                                        + "==='amount')return String(i);}return null;");
        assertThat(amountRow).as("amount, the drifted feature, comes first").isEqualTo("0");
        assertThat(attributes("#heatmap rect.cell.marked", "data-row")).containsOnly("0");
        assertThat(attributes("#heatmap rect.cell.marked", "data-col"))
                .containsExactly("18", "19", "20", "21", "22", "23");
        // drift share: one series, a point per window, the threshold, the alert as a mark
        assertThat(attributes("#drift-share g.series", "data-points")).containsExactly("24");
        assertThat(count("#drift-share line.threshold")).isEqualTo(1);
        assertThat(count("#drift-share g.mark")).isEqualTo(1);
        // performance: accuracy and label coverage (not the estimate, not the counts)
        assertThat(attributes("#performance g.series", "data-series"))
                .containsExactly("accuracy", "label_coverage");
        assertThat(attributes("#performance g.series", "data-points")).containsExactly("24", "24");
        assertThat(count("#performance g.mark")).isEqualTo(1);
        // alerts and the run that promoted version 2, with its transitions
        assertThat(count("#alerts tr[data-alert]")).isEqualTo(1);
        WebElement run = chromium.driver().findElement(By.cssSelector("#run-table tr[data-run]"));
        assertThat(run.findElements(By.tagName("td")).get(5).getText()).isEqualTo("v2");
        assertThat(run.findElements(By.cssSelector("ul.transitions li"))).hasSize(7);
        // hostile feature names are text, never markup
        String text = chromium.driver().findElement(By.id("features")).getText();
        assertThat(text).contains(SCRIPT_FEATURE, QUOTE_FEATURE, "f".repeat(100) + "\u2026");
        assertCleanPage();
        chromium.resize(HeadlessChromium.WIDTH, 1500);
        save("console-model.png", chromium.screenshot());
        chromium.resize(HeadlessChromium.WIDTH, HeadlessChromium.HEIGHT);

        // 24h: buckets of 16 minutes hold up to four windows, marked where one drifted
        open("/ui/models/fraud?range=24h");
        java.util.Set<Long> buckets = new java.util.TreeSet<>();
        java.util.Set<Long> driftedBuckets = new java.util.TreeSet<>();
        for (int i = 0; i < WINDOWS; i++) {
            long start = end.getEpochSecond() - (WINDOWS - i) * 300L;
            buckets.add(Math.floorDiv(start, 16 * 60));
            if (i >= WINDOWS - DRIFTED) {
                driftedBuckets.add(Math.floorDiv(start, 16 * 60));
            }
        }
        assertThat(count("#heatmap rect.cell")).isEqualTo((long) FEATURES.length * buckets.size());
        assertThat(count("#heatmap rect.cell.marked")).isEqualTo(driftedBuckets.size());
    }

    @Test
    void theFeaturePageShowsItsStatisticAgainstTheThresholdAndTheLatestWindow() throws Exception {
        browserLogIn();
        open("/ui/models/fraud?range=6h");
        clickToNavigate(By.cssSelector("#features tr[data-feature='amount'] a"));
        assertThat(chromium.driver().getCurrentUrl()).contains("/ui/models/fraud/features/amount");
        assertThat(attributes("#statistic g.series", "data-series")).containsExactly("psi");
        assertThat(attributes("#statistic g.series", "data-points")).containsExactly("24");
        assertThat(count("#statistic line.threshold")).isEqualTo(1);
        assertThat(count("#statistic g.mark")).isEqualTo(1);
        String table = chromium.driver().findElement(By.id("statistics")).getText();
        assertThat(table).contains("psi 0.4", "0.2 drift", "jensen_shannon 0.01");
        // the latest window's stored distribution: reference and current over the 10 reference
        // bins, the 9 quantile edges marked
        assertThat(attributes("#distribution g.series", "data-series"))
                .containsExactly("reference", "current");
        assertThat(count("#distribution g.series rect.bar")).isEqualTo(20);
        assertThat(count("#distribution line.edge")).isEqualTo(9);
        assertThat(chromium.driver().findElements(By.id("next-window"))).isEmpty();
        assertCleanPage();
        chromium.resize(HeadlessChromium.WIDTH, 1300);
        save("console-feature.png", chromium.screenshot());
        chromium.resize(HeadlessChromium.WIDTH, HeadlessChromium.HEIGHT);
        List<String> latestCurrent = currentShares();
        // the window before: its own distribution, and a way back
        clickToNavigate(By.id("previous-window"));
        assertThat(chromium.driver().findElement(By.cssSelector("#latest p")).getText())
                .contains(
                        TIME.format(end.minus(Duration.ofMinutes(10)))
                                + " to "
                                + TIME.format(end.minus(Duration.ofMinutes(5))));
        assertThat(count("#distribution g.series rect.bar")).isEqualTo(20);
        assertThat(currentShares()).isEqualTo(latestCurrent); // both drifted windows
        open(
                "/ui/models/fraud/features/amount?range=6h&window="
                        + end.minus(Duration.ofMinutes(5L * (DRIFTED + 1))));
        assertThat(currentShares()).as("a window before the drift").isNotEqualTo(latestCurrent);
        assertThat(chromium.driver().findElements(By.id("next-window"))).hasSize(1);
        assertCleanPage();

        // a categorical feature: the categories side by side, the new one highlighted
        open("/ui/models/fraud/features/country?range=6h");
        assertThat(count("#distribution g.category")).isEqualTo(4);
        assertThat(
                        chromium.driver()
                                .findElement(By.cssSelector("#distribution g.category.highlighted"))
                                .getText())
                .contains("ES (new)");
        assertThat(count("#distribution rect.bar")).isEqualTo(8);
        assertCleanPage();

        // a feature whose rows hold no distribution says so
        open("/ui/models/fraud/features/age?range=6h");
        assertThat(chromium.driver().findElement(By.id("no-distribution")).getText())
                .contains("hold no distribution");
        assertThat(count("#distribution svg")).isZero();
        assertCleanPage();

        // a hostile feature's own page, reached through its encoded link
        open("/ui/models/fraud?range=6h");
        clickToNavigate(By.xpath("//table[@id='features']//a[text()='" + SCRIPT_FEATURE + "']"));
        assertThat(chromium.driver().findElement(By.tagName("h1")).getText())
                .isEqualTo(SCRIPT_FEATURE);
        // its hostile category names are text: three new categories, no element made of them
        assertThat(attributes("#distribution text.category-label", "class")).hasSize(5);
        String labels =
                (String)
                        chromium.script(
                                "return Array.from(document.querySelectorAll('#distribution"
                                        + " text.category-label')).map(function(e){return"
                                        + " e.textContent;}).join('|');");
        assertThat(labels)
                .contains(HOSTILE_CATEGORY + " (new)", QUOTE_CATEGORY + " (new)")
                .contains("a\uFFFDb (new)");
        assertThat(count("img")).isZero();
        assertThat(count("#distribution b")).isZero();
        assertCleanPage();
    }

    @Test
    void theAlertsPageShowsOpenAlertsWithTheirDeliveries() throws Exception {
        browserLogIn();
        open("/ui/alerts");
        WebElement alert = chromium.driver().findElement(By.cssSelector("tr[data-alert]"));
        assertThat(alert.getText()).contains("FeatureDrift", "firing", "fraud", "amount");
        assertThat(alert.findElement(By.cssSelector("ul.deliveries")).getText())
                .contains("hook (webhook): trigger delivered, 1 attempt(s), HTTP 200");
        assertCleanPage();
        save("console-alerts.png", chromium.screenshot());
    }

    @Test
    void unknownAndHostileNamesGetAnEscaped404AndBadInputA4xx() throws Exception {
        String cookie = sessionCookie(reader);
        HttpResponse<String> unknown =
                http("GET", "/ui/models/%3Cimg%20src=x%20onerror=alert(1)%3E", cookie, null);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body())
                .contains("No model named &lt;img src=x onerror=alert(1)&gt;.")
                .doesNotContain("<img");
        HttpResponse<String> nul = http("GET", "/ui/models/a%00b", cookie, null);
        assertThat(nul.statusCode()).isBetween(400, 404);
        HttpResponse<String> longName =
                http("GET", "/ui/models/" + "m".repeat(20_000), cookie, null);
        assertThat(longName.statusCode()).isBetween(400, 431);
        HttpResponse<String> badWindow =
                http("GET", "/ui/models/fraud/features/amount?window=%3Cb%3E", cookie, null);
        assertThat(badWindow.statusCode()).isEqualTo(400);
        assertThat(badWindow.body())
                .contains("window must be the start of a window as an ISO-8601 instant")
                .doesNotContain("<b>");
        HttpResponse<String> noWindow =
                http(
                        "GET",
                        "/ui/models/fraud/features/amount?window=2001-01-01T00:00:00Z",
                        cookie,
                        null);
        assertThat(noWindow.statusCode()).isEqualTo(200);
        assertThat(noWindow.body()).contains("No window of this feature starts then.");
        HttpResponse<String> badRange = http("GET", "/ui?range=2y", cookie, null);
        assertThat(badRange.statusCode()).isEqualTo(400);
        assertThat(badRange.body()).contains("range must be one of 1h, 6h, 24h, 7d, 30d, 90d.");
    }

    /** The heights of the current series' bars in the distribution chart. */
    List<String> currentShares() {
        return attributes("#distribution g.series[data-series='current'] rect.bar", "height");
    }

    static void save(String name, byte[] png) throws IOException {
        assertThat(png).hasSizeGreaterThan(1000);
        Files.createDirectories(SCREENSHOTS);
        Path file = Files.write(SCREENSHOTS.resolve(name), png);
        if (Boolean.getBoolean("screenshots.update")) {
            Files.createDirectories(DOC_IMAGES);
            Files.copy(file, DOC_IMAGES.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
