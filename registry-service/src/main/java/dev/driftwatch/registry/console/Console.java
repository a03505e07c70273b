package dev.driftwatch.registry.console;

import dev.driftwatch.charts.Heatmap;
import dev.driftwatch.charts.TimeSeriesChart;
import dev.driftwatch.core.drift.WindowDistribution;
import dev.driftwatch.registry.auth.AccessControl;
import dev.driftwatch.registry.auth.AccessToken;
import dev.driftwatch.registry.auth.RunTokens;
import dev.driftwatch.registry.auth.TokenStore;
import dev.driftwatch.registry.console.ConsoleQueries.AlertRow;
import dev.driftwatch.registry.console.ConsoleQueries.DeliveryRow;
import dev.driftwatch.registry.console.ConsoleQueries.LatestWindow;
import dev.driftwatch.registry.console.ConsoleQueries.ModelRow;
import dev.driftwatch.registry.console.ConsoleQueries.Point;
import dev.driftwatch.registry.console.ConsoleQueries.RunRow;
import dev.driftwatch.registry.console.ConsoleQueries.Statistic;
import dev.driftwatch.registry.console.ConsoleQueries.Transition;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.jdbi.v3.core.Jdbi;

/**
 * The read-only web console at {@code /ui}: models, one model, one feature, alerts. A browser logs
 * in once with a token (any person token: a reader can look); the session cookie holds an opaque id
 * ({@link ConsoleSessions}), never the token. Pages are server-rendered HTML with inline SVG
 * charts, no script and no other resource (a Content-Security-Policy says so). The API never
 * accepts the cookie: it reads only {@code Authorization} headers, so nothing reachable from the
 * console writes.
 */
public final class Console {
    /** The session cookie's name. */
    public static final String COOKIE = "driftwatch_session";

    static final String SECURITY_POLICY =
            "default-src 'none'; style-src 'unsafe-inline'; form-action 'self';"
                    + " frame-ancestors 'none'; base-uri 'none'";

    private static final DateTimeFormatter HOURS =
            DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DAYS =
            DateTimeFormatter.ofPattern("MM-dd").withZone(ZoneOffset.UTC);

    private final TokenStore tokens;
    private final ConsoleSessions sessions;
    private final ConsoleQueries queries;
    private final Jdbi jdbi;
    private final Clock clock;
    private final boolean secureCookie;

    /**
     * @param secureCookie whether the session cookie carries {@code Secure} (all but a registry
     *     served on loopback over plain HTTP)
     */
    public Console(Jdbi jdbi, TokenStore tokens, Clock clock, boolean secureCookie) {
        this.jdbi = jdbi;
        this.tokens = tokens;
        this.clock = clock;
        this.secureCookie = secureCookie;
        this.sessions = new ConsoleSessions(clock);
        this.queries = new ConsoleQueries(jdbi);
    }

    /** Whether a registry listening on {@code host} is served on loopback (no Secure cookie). */
    public static boolean loopback(String host) {
        String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        return h.equals("localhost") || h.startsWith("127.") || h.equals("::1");
    }

    /** The console's sessions (tests look at them). */
    public ConsoleSessions sessions() {
        return sessions;
    }

    public void register(RoutesConfig routes) {
        routes.get("/ui/login", ctx -> login(ctx, null, 200));
        routes.post("/ui/login", this::logIn);
        routes.post("/ui/logout", this::logOut);
        routes.get("/ui", ctx -> page(ctx, this::models));
        routes.get("/ui/alerts", ctx -> page(ctx, this::alerts));
        routes.get("/ui/models/{name}", ctx -> page(ctx, this::model));
        routes.get("/ui/models/{name}/features/{feature}", ctx -> page(ctx, this::feature));
    }

    /** Renders a page for a request with a live session; otherwise sends to the login. */
    private interface PageBody {
        String render(Context ctx, ConsoleSessions.Session session, TimeRange range);
    }

    private void page(Context ctx, PageBody body) {
        headers(ctx);
        Optional<ConsoleSessions.Session> session = session(ctx);
        if (session.isEmpty()) {
            ctx.redirect("/ui/login", io.javalin.http.HttpStatus.SEE_OTHER);
            return;
        }
        TimeRange range = TimeRange.parse(ctx.queryParam("range"), clock.instant());
        if (range == null) {
            TimeRange fallback = TimeRange.parse(null, clock.instant());
            Html h = new Html("Bad range", session.get(), fallback, ctx.path());
            h.raw("<p class=\"error\">range must be one of ")
                    .esc(String.join(", ", TimeRange.NAMES))
                    .raw(".</p>");
            ctx.status(400).html(h.end());
            return;
        }
        String html = body.render(ctx, session.get(), range);
        ctx.html(html);
    }

    private Optional<ConsoleSessions.Session> session(Context ctx) {
        String id = ctx.cookie(COOKIE);
        Optional<ConsoleSessions.Session> s = sessions.find(id);
        if (s.isEmpty()) {
            return s;
        }
        // a deleted token ends its sessions at their next request
        boolean tokenLives =
                jdbi.withHandle(
                        h ->
                                h.createQuery("SELECT count(*) FROM api_tokens WHERE id = :id")
                                                .bind("id", s.get().tokenId())
                                                .mapTo(Long.class)
                                                .one()
                                        > 0);
        if (!tokenLives) {
            sessions.close(id);
            return Optional.empty();
        }
        return s;
    }

    private static void headers(Context ctx) {
        ctx.header("Content-Security-Policy", SECURITY_POLICY);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("Cache-Control", "no-store");
    }

    private void login(Context ctx, String message, int status) {
        headers(ctx);
        Html h = new Html("Log in", null, null, "/ui/login");
        h.raw("<h1>Log in to the console</h1>");
        if (message != null) {
            h.raw("<p class=\"error\" id=\"login-error\">").esc(message).raw("</p>");
        }
        h.raw(
                "<form method=\"post\" action=\"/ui/login\"><label>Token <input type=\"password\""
                        + " name=\"token\" autocomplete=\"off\" size=\"50\" autofocus></label>"
                        + " <button type=\"submit\">Log in</button></form><p class=\"note\">Any"
                        + " registry token (reader and up). The console only reads; the session"
                        + " lasts "
                        + ConsoleSessions.LIFETIME.toHours()
                        + " hours or until you log out.</p>");
        ctx.status(status).html(h.end());
    }

    private void logIn(Context ctx) {
        String secret = ctx.formParam("token");
        Optional<AccessToken> token = Optional.empty();
        if (secret != null) {
            secret = secret.strip();
            if (AccessControl.wellFormed(secret) && !secret.startsWith(RunTokens.PREFIX)) {
                token = tokens.authenticate(secret);
            }
        }
        if (token.isEmpty()) {
            login(ctx, "That token is not valid.", 401);
            return;
        }
        String id = sessions.open(token.get().id(), token.get().name(), token.get().role());
        ctx.header(
                "Set-Cookie",
                COOKIE
                        + "="
                        + id
                        + "; Path=/ui; Max-Age="
                        + ConsoleSessions.LIFETIME.toSeconds()
                        + "; HttpOnly; SameSite=Strict"
                        + (secureCookie ? "; Secure" : ""));
        headers(ctx);
        ctx.redirect("/ui", io.javalin.http.HttpStatus.SEE_OTHER);
    }

    private void logOut(Context ctx) {
        sessions.close(ctx.cookie(COOKIE));
        ctx.header(
                "Set-Cookie",
                COOKIE
                        + "=; Path=/ui; Max-Age=0; HttpOnly; SameSite=Strict"
                        + (secureCookie ? "; Secure" : ""));
        headers(ctx);
        ctx.redirect("/ui/login", io.javalin.http.HttpStatus.SEE_OTHER);
    }

    private String models(Context ctx, ConsoleSessions.Session session, TimeRange range) {
        boolean metrics = queries.hasMetricTables();
        List<ModelRow> rows = queries.models(range, metrics);
        Html h = new Html("Models", session, range, "/ui");
        h.raw("<h1>Models</h1>");
        if (!metrics) {
            h.raw(noMetricTables());
        }
        h.raw("<table id=\"models\"><tr><th>model</th><th>champion</th><th>last window's drift")
                .raw(
                        " share</th><th>window</th><th>open alerts</th><th>last retrain run</th></tr>");
        for (ModelRow r : rows) {
            h.raw("<tr data-model=\"").esc(r.name()).raw("\"><td>");
            h.link(Html.modelPath(r.name()) + "?range=" + range.name(), r.name()).raw("</td>");
            h.num(r.champion() == null ? "" : "v" + r.champion());
            h.raw(
                    r.datasetDrift() != null && r.datasetDrift()
                            ? "<td class=\"num drifted\">"
                            : "<td class=\"num\">");
            h.esc(Html.number(r.driftShare()))
                    .raw(r.datasetDrift() != null && r.datasetDrift() ? " (drift)" : "")
                    .raw("</td>");
            h.cell(Html.time(r.driftWindow()));
            h.num(Long.toString(r.openAlerts()));
            h.cell(
                    r.runId() == null
                            ? ""
                            : "#"
                                    + r.runId()
                                    + " "
                                    + r.runState()
                                    + " "
                                    + Html.time(r.runCreated()));
            h.raw("</tr>");
        }
        h.raw("</table>");
        if (rows.size() >= ConsoleQueries.MAX_MODELS) {
            h.raw(
                    "<p class=\"note\">The first "
                            + ConsoleQueries.MAX_MODELS
                            + " models by name.</p>");
        }
        if (rows.isEmpty()) {
            h.raw("<p class=\"note\">No registered model yet.</p>");
        }
        return h.end();
    }

    private String notFound(
            Context ctx, ConsoleSessions.Session session, TimeRange range, String what) {
        ctx.status(404);
        Html h = new Html("Not found", session, range, ctx.path());
        h.raw("<h1>Not found</h1><p class=\"error\" id=\"not-found\">").esc(what).raw("</p>");
        return h.end();
    }

    private String model(Context ctx, ConsoleSessions.Session session, TimeRange range) {
        String model = ctx.pathParam("name");
        boolean metrics = queries.hasMetricTables();
        if (!queries.modelExists(model, metrics)) {
            return notFound(ctx, session, range, "No model named " + model + ".");
        }
        String path = Html.modelPath(model);
        Html h = new Html(model, session, range, path);
        Integer champion = queries.champion(model);
        h.raw("<h1>")
                .raw(Html.name(model))
                .raw("</h1><p>champion: ")
                .esc(champion == null ? "none" : "v" + champion)
                .raw("</p>");
        List<AlertRow> alerts = queries.modelAlerts(model, range);
        List<TimeSeriesChart.Mark> marks = new ArrayList<>();
        for (AlertRow a : alerts) {
            marks.add(
                    new TimeSeriesChart.Mark(
                            a.startsAt().toEpochMilli(),
                            a.alertname() + " " + (a.feature() == null ? "" : a.feature())));
        }
        long from = range.from().toEpochMilli();
        long to = range.to().toEpochMilli();
        if (!metrics) {
            h.raw(noMetricTables());
        } else {
            long heatBucket = range.bucketSeconds(ConsoleQueries.HEATMAP_COLUMNS);
            Map<String, List<Point>> cells = queries.heatmap(model, range, heatBucket);
            h.raw("<section id=\"heatmap\"><h2>Drift per feature and window</h2>");
            if (cells.isEmpty()) {
                h.raw("<p class=\"note\">No drift metrics in this range.</p>");
            } else {
                heatmap(h, model, range, cells, heatBucket);
            }
            h.raw("</section>");
            long seriesBucket = range.bucketSeconds(ConsoleQueries.SERIES_POINTS);
            double[] shareThreshold = {Double.NaN};
            List<Point> share = queries.driftShare(model, range, seriesBucket, shareThreshold);
            h.raw("<section id=\"drift-share\"><h2>Dataset drift share</h2>")
                    .raw(
                            new TimeSeriesChart(
                                            "share of drifted features (alerts marked)",
                                            List.of(line("drift_share", share)),
                                            Double.isNaN(shareThreshold[0])
                                                    ? null
                                                    : shareThreshold[0],
                                            marks)
                                    .over(from, to)
                                    .toSvg())
                    .raw(bucketNote(seriesBucket))
                    .raw("</section>");
            Map<String, List<Point>> perf = queries.performance(model, range, seriesBucket);
            h.raw("<section id=\"performance\"><h2>Performance and label coverage</h2>");
            if (perf.isEmpty()) {
                h.raw("<p class=\"note\">No realised performance metrics in this range.</p>");
            } else {
                List<TimeSeriesChart.Line> lines = new ArrayList<>();
                perf.forEach((metric, points) -> lines.add(line(metric, points)));
                h.raw(
                        new TimeSeriesChart(
                                        "realised performance (mean per bucket), alerts marked",
                                        lines,
                                        null,
                                        marks)
                                .over(from, to)
                                .toSvg());
                h.raw(bucketNote(seriesBucket));
            }
            h.raw("</section>");
        }
        h.raw("<section id=\"alerts\"><h2>Alerts</h2>");
        alertTable(h, alerts, Map.of(), false);
        h.raw("</section><section id=\"runs\"><h2>Retraining runs</h2>");
        List<RunRow> runs = queries.runs(model, range);
        if (runs.isEmpty()) {
            h.raw("<p class=\"note\">No retraining run in this range.</p>");
        } else {
            h.raw("<table id=\"run-table\"><tr><th>run</th><th>state</th><th>requested by</th>")
                    .raw("<th>champion</th><th>candidate</th><th>promoted</th><th>created</th>")
                    .raw("<th>transitions</th></tr>");
            for (RunRow r : runs) {
                h.raw("<tr data-run=\"" + r.id() + "\">")
                        .num("#" + r.id())
                        .cell(r.state())
                        .cell(r.requestedBy())
                        .num(r.championVersion() == null ? "" : "v" + r.championVersion())
                        .num(r.candidateVersion() == null ? "" : "v" + r.candidateVersion())
                        .num(
                                "promoted".equals(r.state()) && r.candidateVersion() != null
                                        ? "v" + r.candidateVersion()
                                        : "")
                        .cell(Html.time(r.createdAt()))
                        .raw("<td><ul class=\"transitions\">");
                for (Transition t : r.transitions()) {
                    h.raw("<li>")
                            .esc(
                                    Html.time(t.at())
                                            + " "
                                            + (t.from() == null ? "" : t.from() + " \u2192 ")
                                            + t.to()
                                            + (t.detail() == null || t.detail().isEmpty()
                                                    ? ""
                                                    : ": " + t.detail()))
                            .raw("</li>");
                }
                h.raw("</ul></td></tr>");
            }
            h.raw("</table>");
        }
        h.raw("</section>");
        return h.end();
    }

    private void heatmap(
            Html h, String model, TimeRange range, Map<String, List<Point>> cells, long bucket) {
        TreeSet<Instant> columnSet = new TreeSet<>();
        Map<String, Integer> drifted = new HashMap<>();
        cells.forEach(
                (feature, points) -> {
                    int n = 0;
                    for (Point p : points) {
                        columnSet.add(p.at());
                        n += p.drifted() ? 1 : 0;
                    }
                    drifted.put(feature, n);
                });
        List<String> features = new ArrayList<>(cells.keySet());
        features.sort(
                Comparator.comparing((String f) -> -drifted.get(f))
                        .thenComparing(Comparator.naturalOrder()));
        int hidden = Math.max(0, features.size() - ConsoleQueries.MAX_FEATURES);
        features = features.subList(0, Math.min(features.size(), ConsoleQueries.MAX_FEATURES));
        List<Instant> columns = new ArrayList<>(columnSet);
        Map<Instant, Integer> columnIndex = new HashMap<>();
        for (int i = 0; i < columns.size(); i++) {
            columnIndex.put(columns.get(i), i);
        }
        double[][] values = new double[features.size()][columns.size()];
        boolean[][] marked = new boolean[features.size()][columns.size()];
        for (int r = 0; r < features.size(); r++) {
            java.util.Arrays.fill(values[r], Double.NaN);
            for (Point p : cells.get(features.get(r))) {
                int c = columnIndex.get(p.at());
                values[r][c] = p.value() == null ? Double.NaN : p.value();
                marked[r][c] = p.drifted();
            }
        }
        h.raw(
                new Heatmap(
                                "deciding drift statistic per feature and window (outlined:"
                                        + " drift decided)",
                                features,
                                columns.stream()
                                        .map(
                                                (range.length().toHours() <= 24 ? HOURS : DAYS)
                                                        ::format)
                                        .toList(),
                                values,
                                marked,
                                0)
                        .toSvg());
        h.raw(bucketNote(bucket));
        if (hidden > 0) {
            h.raw("<p class=\"note\">" + hidden + " more features with fewer drifted windows.</p>");
        }
        h.raw("<table id=\"features\"><tr><th>feature</th><th>drifted windows</th></tr>");
        for (String f : features) {
            h.raw("<tr data-feature=\"").esc(f).raw("\"><td>");
            h.link(Html.featurePath(model, f) + "?range=" + range.name(), f).raw("</td>");
            h.num(Integer.toString(drifted.get(f))).raw("</tr>");
        }
        h.raw("</table>");
    }

    /** The window's distribution drawn, or why there is none. */
    private static void distribution(Html h, String feature, String json) {
        if (json == null) {
            h.raw("<p class=\"note\" id=\"no-distribution\">This window's rows hold no")
                    .raw(" distribution: rows written before the drift job stored one, and")
                    .raw(" features whose reference has over ")
                    .raw(Integer.toString(WindowDistribution.MAX_BINS))
                    .raw(" bins, have only their statistics (below).</p>");
            return;
        }
        WindowDistribution d;
        try {
            d = WindowDistribution.fromJson(json);
        } catch (dev.driftwatch.core.DriftCoreException e) {
            h.raw("<p class=\"error\" id=\"no-distribution\">The stored distribution cannot be")
                    .raw(" read: ")
                    .esc(e.getMessage())
                    .raw("</p>");
            return;
        }
        h.raw(DistributionChart.html(feature, d));
    }

    private String feature(Context ctx, ConsoleSessions.Session session, TimeRange range) {
        String model = ctx.pathParam("name");
        String feature = ctx.pathParam("feature");
        Instant at = null;
        String window = ctx.queryParam("window");
        if (window != null) {
            try {
                at = Instant.parse(window);
            } catch (java.time.format.DateTimeParseException e) {
                ctx.status(400);
                Html h = new Html("Bad window", session, range, ctx.path());
                h.raw("<p class=\"error\">window must be the start of a window as an ISO-8601")
                        .raw(" instant, such as 2026-11-30T05:00:00Z.</p>");
                return h.end();
            }
        }
        boolean metrics = queries.hasMetricTables();
        if (!queries.modelExists(model, metrics)) {
            return notFound(ctx, session, range, "No model named " + model + ".");
        }
        String path = Html.featurePath(model, feature);
        Html h = new Html(feature, session, range, path);
        h.raw("<h1>")
                .raw(Html.name(feature))
                .raw("</h1><p>of ")
                .link(Html.modelPath(model) + "?range=" + range.name(), model)
                .raw("</p>");
        if (!metrics) {
            h.raw(noMetricTables());
            return h.end();
        }
        long bucket = range.bucketSeconds(ConsoleQueries.SERIES_POINTS);
        double[] threshold = {Double.NaN};
        Map<String, List<Point>> series =
                queries.featureSeries(model, feature, range, bucket, threshold);
        List<TimeSeriesChart.Mark> marks = new ArrayList<>();
        for (AlertRow a : queries.modelAlerts(model, range)) {
            if (feature.equals(a.feature())) {
                marks.add(new TimeSeriesChart.Mark(a.startsAt().toEpochMilli(), a.alertname()));
            }
        }
        h.raw("<section id=\"statistic\"><h2>Deciding drift statistic over time</h2>");
        if (series.isEmpty()) {
            h.raw("<p class=\"note\">No drift metrics of this feature in this range.</p>");
        } else {
            List<TimeSeriesChart.Line> lines = new ArrayList<>();
            series.forEach((metric, points) -> lines.add(line(metric, points)));
            h.raw(
                    new TimeSeriesChart(
                                    "the statistic that decided drift, against the threshold"
                                            + " (alerts marked)",
                                    lines,
                                    Double.isNaN(threshold[0]) ? null : threshold[0],
                                    marks)
                            .over(range.from().toEpochMilli(), range.to().toEpochMilli())
                            .toSvg());
            h.raw(bucketNote(bucket));
        }
        h.raw("</section>");
        LatestWindow latest = queries.window(model, feature, range, at);
        h.raw("<section id=\"latest\"><h2>")
                .raw(at == null ? "Latest window" : "Window")
                .raw("</h2>");
        if (latest == null) {
            h.raw(
                    at == null
                            ? "<p class=\"note\">No window in this range.</p>"
                            : "<p class=\"note\">No window of this feature starts then.</p>");
        } else {
            h.raw("<p>version ")
                    .esc(latest.version())
                    .raw(", ")
                    .esc(Html.time(latest.start()) + " to " + Html.time(latest.end()))
                    .raw(" UTC");
            String here = path + "?range=" + range.name() + "&window=";
            if (latest.previous() != null) {
                h.raw(" &nbsp; <a id=\"previous-window\" href=\"")
                        .esc(here + latest.previous())
                        .raw("\">\u2190 previous window</a>");
            }
            if (latest.next() != null) {
                h.raw(" &nbsp; <a id=\"next-window\" href=\"")
                        .esc(here + latest.next())
                        .raw("\">next window \u2192</a>");
            }
            h.raw("</p><div id=\"distribution\"><h3>Distribution in the window against the")
                    .raw(" reference</h3>");
            distribution(h, feature, latest.distribution());
            h.raw("</div><table id=\"statistics\"><tr><th>statistic</th><th>value</th>")
                    .raw("<th>p-value</th><th>threshold</th><th>decision</th><th>values</th>")
                    .raw("<th>reference values</th></tr>");
            for (Statistic s : latest.statistics()) {
                h.raw("<tr>")
                        .cell(s.metric())
                        .num(Html.number(s.value()))
                        .num(Html.number(s.pValue()))
                        .num(Html.number(s.threshold()))
                        .raw(
                                s.threshold() == null
                                        ? "<td></td>"
                                        : s.drifted()
                                                ? "<td class=\"drifted\">drift</td>"
                                                : "<td>no drift</td>")
                        .num(Long.toString(s.samples()))
                        .num(Long.toString(s.referenceSamples()))
                        .raw("</tr>");
            }
            h.raw("</table>");
        }
        h.raw("</section>");
        return h.end();
    }

    private String alerts(Context ctx, ConsoleSessions.Session session, TimeRange range) {
        List<AlertRow> alerts = queries.alerts(range);
        Map<Long, List<DeliveryRow>> deliveries =
                queries.deliveries(alerts.stream().map(AlertRow::id).toList());
        Html h = new Html("Alerts", session, range, "/ui/alerts");
        h.raw("<h1>Alerts</h1><p class=\"note\">Firing alerts, then those resolved that started")
                .raw(" in the range; with their notification deliveries.</p>");
        alertTable(h, alerts, deliveries, true);
        return h.end();
    }

    private static void alertTable(
            Html h, List<AlertRow> alerts, Map<Long, List<DeliveryRow>> deliveries, boolean full) {
        if (alerts.isEmpty()) {
            h.raw("<p class=\"note\">No alert in this range.</p>");
            return;
        }
        h.raw("<table class=\"alert-table\"><tr><th>alert</th><th>status</th><th>severity</th>")
                .raw(full ? "<th>model</th>" : "")
                .raw("<th>feature</th><th>started</th><th>ended</th><th>delivery</th>")
                .raw(full ? "<th>deliveries</th>" : "")
                .raw("</tr>");
        for (AlertRow a : alerts) {
            h.raw("<tr data-alert=\"" + a.id() + "\">")
                    .cell(a.alertname())
                    .raw(
                            "firing".equals(a.status())
                                    ? "<td class=\"drifted\">firing</td>"
                                    : "<td>resolved</td>")
                    .cell(a.severity());
            if (full) {
                h.raw("<td>").link(Html.modelPath(a.model()), a.model()).raw("</td>");
            }
            h.raw("<td>")
                    .esc(a.feature() == null ? "" : shortName(a.feature()))
                    .raw("</td>")
                    .cell(Html.time(a.startsAt()))
                    .cell(Html.time(a.endsAt()))
                    .cell(a.deliveryState());
            if (full) {
                h.raw("<td><ul class=\"deliveries\">");
                for (DeliveryRow d : deliveries.getOrDefault(a.id(), List.of())) {
                    h.raw("<li>")
                            .esc(
                                    d.route()
                                            + (d.receiver() == null
                                                    ? ""
                                                    : " (" + d.receiver() + ")")
                                            + ": "
                                            + d.event()
                                            + " "
                                            + d.status()
                                            + ", "
                                            + d.attempts()
                                            + " attempt(s)"
                                            + (d.lastStatus() == null
                                                    ? ""
                                                    : ", HTTP " + d.lastStatus())
                                            + (d.deliveredAt() == null
                                                    ? ""
                                                    : ", " + Html.time(d.deliveredAt())))
                            .raw("</li>");
                }
                h.raw("</ul></td>");
            }
            h.raw("</tr>");
        }
        h.raw("</table>");
    }

    private static String shortName(String s) {
        return dev.driftwatch.charts.Svg.shorten(s, Html.MAX_NAME);
    }

    private static TimeSeriesChart.Line line(String name, List<Point> points) {
        long[] times = new long[points.size()];
        double[] values = new double[points.size()];
        for (int i = 0; i < points.size(); i++) {
            times[i] = points.get(i).at().toEpochMilli();
            Double v = points.get(i).value();
            values[i] = v == null ? Double.NaN : v;
        }
        return new TimeSeriesChart.Line(name, times, values);
    }

    private static String bucketNote(long bucketSeconds) {
        return "<p class=\"note\">Buckets of "
                + (bucketSeconds % 3600 == 0
                        ? bucketSeconds / 3600 + " h"
                        : bucketSeconds / 60 + " min")
                + ": windows shorter than a bucket are grouped in it (a bucket shows the largest"
                + " statistic, the mean performance).</p>";
    }

    private static String noMetricTables() {
        return "<p class=\"note\">This database has no metric tables (drift_metrics,"
                + " performance_metrics): the jobs write them when they share the registry's"
                + " database.</p>";
    }
}
