package dev.driftwatch.registry.console;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The console's reads: the registry's tables and the jobs' metric tables ({@code drift_metrics},
 * {@code performance_metrics}, when this database has them). Every query is bounded by the page's
 * time range and by a row limit, and walks an index (the console's indexes are in the registry's
 * and the jobs' migrations).
 */
public final class ConsoleQueries {
    /** The most models the models page lists. */
    public static final int MAX_MODELS = 2_000;

    /** The most features the heatmap shows (those with the most drifted windows first). */
    public static final int MAX_FEATURES = 60;

    /** The most columns of the heatmap (windows are put in buckets above that). */
    public static final int HEATMAP_COLUMNS = 96;

    /** The most points of a line over time (windows are put in buckets above that). */
    public static final int SERIES_POINTS = 400;

    /** The most rows one chart query reads. */
    public static final int MAX_ROWS = 40_000;

    /** The most alerts, runs or transitions a table shows. */
    public static final int MAX_LIST = 200;

    static final String MODELS =
            "SELECT m.name, a.version AS champion, r.id AS run_id, r.state AS run_state,"
                    + " r.created_at AS run_created,"
                    + " (SELECT count(*) FROM alerts al WHERE al.model_name = m.name"
                    + " AND al.status = 'firing') AS open_alerts"
                    + " FROM registered_models m"
                    + " LEFT JOIN registered_model_aliases a ON a.name = m.name AND a.alias ="
                    + " 'champion'"
                    + " LEFT JOIN LATERAL (SELECT id, state, created_at FROM retrain_runs"
                    + " WHERE model_name = m.name ORDER BY created_at DESC LIMIT 1) r ON true"
                    + " ORDER BY m.name LIMIT :limit";

    static final String LAST_DRIFT_SHARES =
            "SELECT m.name, d.value, d.drift_detected, d.window_start"
                    + " FROM unnest(:names) AS m(name)"
                    + " JOIN LATERAL (SELECT value, drift_detected, window_start FROM drift_metrics"
                    + " WHERE model_name = m.name AND threshold IS NOT NULL AND window_start >= :from"
                    + " AND window_start < :to AND feature = '' AND metric = 'drift_share'"
                    + " AND segment = '' ORDER BY window_start DESC, window_seconds LIMIT 1) d ON"
                    + " true";

    static final String MODEL_REGISTERED = "SELECT count(*) FROM registered_models WHERE name = :m";

    static final String MODEL_HAS_METRICS =
            "SELECT count(*) FROM (SELECT 1 FROM drift_metrics WHERE model_name = :m LIMIT 1) x";

    static final String CHAMPION =
            "SELECT version FROM registered_model_aliases WHERE name = :m AND alias = 'champion'";

    static final String HEATMAP =
            "SELECT feature, floor(date_part('epoch', window_start) / :bucket)::bigint AS b,"
                    + " max(value) AS value, bool_or(drift_detected) AS drifted"
                    + " FROM drift_metrics"
                    + " WHERE model_name = :m AND threshold IS NOT NULL AND window_start >= :from"
                    + " AND window_start < :to AND feature <> '' AND segment = ''"
                    + " AND window_seconds = :s GROUP BY feature, b ORDER BY feature, b LIMIT :limit";

    static final String DRIFT_SHARE_SERIES =
            "SELECT floor(date_part('epoch', window_start) / :bucket)::bigint AS b,"
                    + " max(value) AS value, max(threshold) AS threshold"
                    + " FROM drift_metrics"
                    + " WHERE model_name = :m AND threshold IS NOT NULL AND window_start >= :from"
                    + " AND window_start < :to AND feature = '' AND metric = 'drift_share'"
                    + " AND segment = '' AND window_seconds = :s GROUP BY b ORDER BY b LIMIT :limit";

    static final String PERFORMANCE_SERIES =
            "SELECT metric, floor(date_part('epoch', window_start) / :bucket)::bigint AS b,"
                    + " avg(value) AS value"
                    + " FROM performance_metrics"
                    + " WHERE model_name = :m AND window_start >= :from AND window_start < :to"
                    + " AND NOT estimated AND segment = '' AND value IS NOT NULL"
                    + " AND metric IN ('accuracy', 'roc_auc', 'pr_auc', 'f1', 'f1_macro', 'mae',"
                    + " 'rmse', 'r2', 'label_coverage')"
                    + " GROUP BY metric, b ORDER BY metric, b LIMIT :limit";

    static final String MODEL_ALERTS =
            "SELECT id, alertname, severity, status, starts_at, ends_at, value, threshold,"
                    + " labels ->> 'feature' AS feature, delivery_state FROM alerts"
                    + " WHERE model_name = :m AND starts_at >= :from AND starts_at < :to"
                    + " ORDER BY starts_at DESC LIMIT :limit";

    static final String MODEL_RUNS =
            "SELECT id, state, requested_by, trigger_fingerprint, champion_version,"
                    + " candidate_version, created_at, finished_at, failure_reason FROM retrain_runs"
                    + " WHERE model_name = :m AND created_at >= :from AND created_at < :to"
                    + " ORDER BY created_at DESC LIMIT :limit";

    static final String RUN_TRANSITIONS =
            "SELECT run_id, from_state, to_state, at, detail FROM retrain_transitions"
                    + " WHERE run_id = ANY(:runs) ORDER BY run_id, id LIMIT :limit";

    static final String FEATURE_SERIES =
            "SELECT metric, floor(date_part('epoch', window_start) / :bucket)::bigint AS b,"
                    + " max(value) AS value, max(threshold) AS threshold,"
                    + " bool_or(drift_detected) AS drifted"
                    + " FROM drift_metrics"
                    + " WHERE model_name = :m AND feature = :f AND threshold IS NOT NULL"
                    + " AND window_start >= :from AND window_start < :to AND segment = ''"
                    + " AND window_seconds = :s GROUP BY metric, b ORDER BY metric, b LIMIT :limit";

    static final String FEATURE_LATEST =
            "SELECT model_version, window_start, window_end, window_seconds FROM drift_metrics"
                    + " WHERE model_name = :m AND feature = :f AND threshold IS NOT NULL"
                    + " AND window_start >= :from AND window_start < :to AND segment = ''"
                    + " ORDER BY window_start DESC, window_seconds LIMIT 1";

    static final String FEATURE_AT =
            "SELECT model_version, window_start, window_end, window_seconds FROM drift_metrics"
                    + " WHERE model_name = :m AND feature = :f AND threshold IS NOT NULL"
                    + " AND window_start = :w AND segment = ''"
                    + " ORDER BY window_seconds, model_version LIMIT 1";

    static final String FEATURE_NEIGHBOURS =
            "SELECT (SELECT max(window_start) FROM drift_metrics WHERE model_name = :m"
                    + " AND feature = :f AND threshold IS NOT NULL AND segment = ''"
                    + " AND window_start < :w AND window_start >= :from) AS previous,"
                    + " (SELECT min(window_start) FROM drift_metrics WHERE model_name = :m"
                    + " AND feature = :f AND threshold IS NOT NULL AND segment = ''"
                    + " AND window_start > :w AND window_start < :to) AS next";

    /**
     * The statistics of a feature's window. The distribution is read through {@code to_jsonb} of
     * the row, so that a database whose jobs' tables predate that column answers null, not an
     * error.
     */
    static final String FEATURE_STATISTICS =
            "SELECT metric, value, p_value, threshold, drift_detected, sample_count,"
                    + " reference_count, to_jsonb(d) ->> 'distribution' AS distribution"
                    + " FROM drift_metrics d WHERE model_name = :m AND model_version = :v AND segment = ''"
                    + " AND feature = :f AND window_start = :w AND window_seconds = :s"
                    + " ORDER BY metric LIMIT :limit";

    /** The window sizes that have partitions of their own (the jobs create them). */
    static final String PARTITIONED_RESOLUTIONS =
            "SELECT CAST(substring(c.relname FROM '^drift_metrics_r([0-9]+)$') AS integer)"
                    + " FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                    + " WHERE i.inhparent = to_regclass('drift_metrics')"
                    + " AND c.relname ~ '^drift_metrics_r[0-9]+$'";

    /** The window size of the model's latest row in the range (the finest on a tie). */
    static final String LATEST_RESOLUTION =
            "SELECT window_seconds FROM drift_metrics WHERE model_name = :m"
                    + " AND window_start >= :from AND window_start < :to"
                    + " ORDER BY window_start DESC, window_seconds LIMIT 1";

    static final String HAS_RESOLUTION =
            "SELECT count(*) FROM (SELECT 1 FROM drift_metrics WHERE model_name = :m"
                    + " AND window_seconds = :s AND window_start >= :from AND window_start < :to"
                    + " LIMIT 1) x";

    static final String OPEN_ALERTS =
            "SELECT id, alertname, severity, status, model_name, starts_at, ends_at,"
                    + " labels ->> 'feature' AS feature, delivery_state FROM alerts"
                    + " WHERE status = 'firing' ORDER BY starts_at DESC LIMIT :limit";

    static final String RECENT_ALERTS =
            "SELECT id, alertname, severity, status, model_name, starts_at, ends_at,"
                    + " labels ->> 'feature' AS feature, delivery_state FROM alerts"
                    + " WHERE starts_at >= :from AND starts_at < :to AND status = 'resolved'"
                    + " ORDER BY starts_at DESC LIMIT :limit";

    static final String ALERT_DELIVERIES =
            "SELECT d.alert_id, coalesce(r.name, '(route deleted)') AS route, r.receiver,"
                    + " d.event, d.status, d.attempts, d.last_status, d.created_at, d.delivered_at"
                    + " FROM deliveries d LEFT JOIN notification_routes r ON r.id = d.route_id"
                    + " WHERE d.alert_id = ANY(:alerts) ORDER BY d.alert_id, d.id LIMIT :limit";

    /** The metric whose row carries the window's distribution. */
    static final String DISTRIBUTION_METRIC = "psi";

    private final Jdbi jdbi;

    public ConsoleQueries(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** One row of the models page. */
    public record ModelRow(
            String name,
            Integer champion,
            long openAlerts,
            Long runId,
            String runState,
            Instant runCreated,
            Double driftShare,
            Boolean datasetDrift,
            Instant driftWindow) {}

    /** A cell (or point) of a bucketed series: the bucket's start and its value. */
    public record Point(Instant at, Double value, boolean drifted) {}

    /** An alert with what the console shows of it. */
    public record AlertRow(
            long id,
            String alertname,
            String severity,
            String status,
            String model,
            Instant startsAt,
            Instant endsAt,
            String feature,
            String deliveryState) {}

    /** A notification delivery of an alert. */
    public record DeliveryRow(
            long alertId,
            String route,
            String receiver,
            String event,
            String status,
            int attempts,
            Integer lastStatus,
            Instant createdAt,
            Instant deliveredAt) {}

    /** A retraining run and its transitions. */
    public record RunRow(
            long id,
            String state,
            String requestedBy,
            String trigger,
            Integer championVersion,
            Integer candidateVersion,
            Instant createdAt,
            Instant finishedAt,
            String failureReason,
            List<Transition> transitions) {}

    /** A state change of a run. */
    public record Transition(String from, String to, Instant at, String detail) {}

    /** One statistic of a feature's latest window. */
    public record Statistic(
            String metric,
            Double value,
            Double pValue,
            Double threshold,
            boolean drifted,
            long samples,
            long referenceSamples) {}

    /**
     * A window of a feature: its version, bounds and statistics, the distribution its psi row
     * carries (drift-core's {@code WindowDistribution} as JSON; null on rows written without one),
     * and the starts of the windows before and after it in the range (null when none).
     */
    public record LatestWindow(
            String version,
            Instant start,
            Instant end,
            List<Statistic> statistics,
            String distribution,
            Instant previous,
            Instant next) {}

    /** Whether this database has the jobs' metric tables. */
    public boolean hasMetricTables() {
        return jdbi.withHandle(
                h ->
                        h.createQuery(
                                        "SELECT to_regclass('drift_metrics') IS NOT NULL"
                                                + " AND to_regclass('performance_metrics') IS NOT"
                                                + " NULL")
                                .mapTo(Boolean.class)
                                .one());
    }

    /** The registered models with their champion, open alerts, last run and last drift share. */
    public List<ModelRow> models(TimeRange range, boolean metrics) {
        return jdbi.withHandle(
                h -> {
                    List<ModelRow> rows =
                            h.createQuery(MODELS)
                                    .bind("limit", MAX_MODELS)
                                    .map(
                                            (rs, ctx) ->
                                                    new ModelRow(
                                                            rs.getString("name"),
                                                            integer(rs, "champion"),
                                                            rs.getLong("open_alerts"),
                                                            rs.getObject("run_id") == null
                                                                    ? null
                                                                    : rs.getLong("run_id"),
                                                            rs.getString("run_state"),
                                                            instant(rs, "run_created"),
                                                            null,
                                                            null,
                                                            null))
                                    .list();
                    if (!metrics || rows.isEmpty()) {
                        return rows;
                    }
                    Map<String, Object[]> shares = new HashMap<>();
                    h.createQuery(LAST_DRIFT_SHARES)
                            .bindArray(
                                    "names",
                                    String.class,
                                    rows.stream().map(ModelRow::name).toList())
                            .bind("from", range.from())
                            .bind("to", range.to())
                            .map(
                                    (rs, ctx) ->
                                            shares.put(
                                                    rs.getString("name"),
                                                    new Object[] {
                                                        dbl(rs, "value"),
                                                        rs.getBoolean("drift_detected"),
                                                        instant(rs, "window_start")
                                                    }))
                            .list();
                    List<ModelRow> out = new ArrayList<>(rows.size());
                    for (ModelRow r : rows) {
                        Object[] s = shares.get(r.name());
                        out.add(
                                s == null
                                        ? r
                                        : new ModelRow(
                                                r.name(),
                                                r.champion(),
                                                r.openAlerts(),
                                                r.runId(),
                                                r.runState(),
                                                r.runCreated(),
                                                (Double) s[0],
                                                (Boolean) s[1],
                                                (Instant) s[2]));
                    }
                    return out;
                });
    }

    /** Whether the model is registered or has drift metrics. */
    public boolean modelExists(String model, boolean metrics) {
        return jdbi.withHandle(
                h ->
                        h.createQuery(MODEL_REGISTERED).bind("m", model).mapTo(Long.class).one() > 0
                                || metrics
                                        && h.createQuery(MODEL_HAS_METRICS)
                                                        .bind("m", model)
                                                        .mapTo(Long.class)
                                                        .one()
                                                > 0);
    }

    /** The model's champion version, or null. */
    public Integer champion(String model) {
        return jdbi.withHandle(
                h ->
                        h.createQuery(CHAMPION)
                                .bind("m", model)
                                .mapTo(Integer.class)
                                .findOne()
                                .orElse(null));
    }

    /**
     * The heatmap's cells: per feature (in name order) the bucketed deciding statistic (the largest
     * in the bucket) and whether drift was decided in the bucket.
     */
    public Map<String, List<Point>> heatmap(String model, TimeRange range, long bucketSeconds) {
        Map<String, List<Point>> cells = new LinkedHashMap<>();
        jdbi.useHandle(
                h ->
                        bounded(h, HEATMAP, model, range, bucketSeconds)
                                .bind("s", resolution(h, model, range))
                                .map(
                                        (rs, ctx) ->
                                                cells.computeIfAbsent(
                                                                rs.getString("feature"),
                                                                k -> new ArrayList<>())
                                                        .add(point(rs, bucketSeconds)))
                                .list());
        return cells;
    }

    /** The model's dataset drift share over time and its threshold (the latest), bucketed. */
    public List<Point> driftShare(
            String model, TimeRange range, long bucketSeconds, double[] threshold) {
        return jdbi.withHandle(
                h ->
                        bounded(h, DRIFT_SHARE_SERIES, model, range, bucketSeconds)
                                .bind("s", resolution(h, model, range))
                                .map(
                                        (rs, ctx) -> {
                                            Double t = dbl(rs, "threshold");
                                            if (t != null) {
                                                threshold[0] = t;
                                            }
                                            return new Point(
                                                    bucketStart(rs, bucketSeconds),
                                                    dbl(rs, "value"),
                                                    false);
                                        })
                                .list());
    }

    /** Realised performance metrics and label coverage over time, per metric, bucketed (mean). */
    public Map<String, List<Point>> performance(String model, TimeRange range, long bucketSeconds) {
        Map<String, List<Point>> lines = new LinkedHashMap<>();
        jdbi.useHandle(
                h ->
                        bounded(h, PERFORMANCE_SERIES, model, range, bucketSeconds)
                                .map(
                                        (rs, ctx) ->
                                                lines.computeIfAbsent(
                                                                rs.getString("metric"),
                                                                k -> new ArrayList<>())
                                                        .add(
                                                                new Point(
                                                                        bucketStart(
                                                                                rs, bucketSeconds),
                                                                        dbl(rs, "value"),
                                                                        false)))
                                .list());
        return lines;
    }

    /** The feature's deciding statistic over time, per statistic, and its threshold (latest). */
    public Map<String, List<Point>> featureSeries(
            String model, String feature, TimeRange range, long bucketSeconds, double[] threshold) {
        Map<String, List<Point>> lines = new LinkedHashMap<>();
        jdbi.useHandle(
                h ->
                        bounded(h, FEATURE_SERIES, model, range, bucketSeconds)
                                .bind("f", feature)
                                .bind("s", resolution(h, model, range))
                                .map(
                                        (rs, ctx) -> {
                                            Double t = dbl(rs, "threshold");
                                            if (t != null) {
                                                threshold[0] = t;
                                            }
                                            return lines.computeIfAbsent(
                                                            rs.getString("metric"),
                                                            k -> new ArrayList<>())
                                                    .add(point(rs, bucketSeconds));
                                        })
                                .list());
        return lines;
    }

    /**
     * The feature's window starting at {@code at} (or, when null, its latest window in the range)
     * and every statistic of it; null when there is none.
     */
    public LatestWindow window(String model, String feature, TimeRange range, Instant at) {
        return jdbi.withHandle(
                h -> {
                    var latest =
                            (at == null
                                            ? h.createQuery(FEATURE_LATEST)
                                                    .bind("from", range.from())
                                                    .bind("to", range.to())
                                            : h.createQuery(FEATURE_AT).bind("w", at))
                                    .bind("m", model)
                                    .bind("f", feature)
                                    .map(
                                            (rs, ctx) ->
                                                    new Object[] {
                                                        rs.getString("model_version"),
                                                        instant(rs, "window_start"),
                                                        instant(rs, "window_end"),
                                                        rs.getInt("window_seconds")
                                                    })
                                    .findOne();
                    if (latest.isEmpty()) {
                        return null;
                    }
                    Object[] l = latest.get();
                    String[] distribution = {null};
                    List<Statistic> stats =
                            h.createQuery(FEATURE_STATISTICS)
                                    .bind("m", model)
                                    .bind("v", (String) l[0])
                                    .bind("f", feature)
                                    .bind("w", (Instant) l[1])
                                    .bind("s", (Integer) l[3])
                                    .bind("limit", MAX_LIST)
                                    .map(
                                            (rs, ctx) -> {
                                                if (DISTRIBUTION_METRIC.equals(
                                                        rs.getString("metric"))) {
                                                    distribution[0] = rs.getString("distribution");
                                                }
                                                return new Statistic(
                                                        rs.getString("metric"),
                                                        dbl(rs, "value"),
                                                        dbl(rs, "p_value"),
                                                        dbl(rs, "threshold"),
                                                        rs.getBoolean("drift_detected"),
                                                        rs.getLong("sample_count"),
                                                        rs.getLong("reference_count"));
                                            })
                                    .list();
                    Instant[] around =
                            h.createQuery(FEATURE_NEIGHBOURS)
                                    .bind("m", model)
                                    .bind("f", feature)
                                    .bind("w", (Instant) l[1])
                                    .bind("from", range.from())
                                    .bind("to", range.to())
                                    .map(
                                            (rs, ctx) ->
                                                    new Instant[] {
                                                        instant(rs, "previous"), instant(rs, "next")
                                                    })
                                    .one();
                    return new LatestWindow(
                            (String) l[0],
                            (Instant) l[1],
                            (Instant) l[2],
                            stats,
                            distribution[0],
                            around[0],
                            around[1]);
                });
    }

    /** The model's alerts that started in the range, newest first. */
    public List<AlertRow> modelAlerts(String model, TimeRange range) {
        return jdbi.withHandle(
                h ->
                        h.createQuery(MODEL_ALERTS)
                                .bind("m", model)
                                .bind("from", range.from())
                                .bind("to", range.to())
                                .bind("limit", MAX_LIST)
                                .map(
                                        (rs, ctx) ->
                                                new AlertRow(
                                                        rs.getLong("id"),
                                                        rs.getString("alertname"),
                                                        rs.getString("severity"),
                                                        rs.getString("status"),
                                                        model,
                                                        instant(rs, "starts_at"),
                                                        instant(rs, "ends_at"),
                                                        rs.getString("feature"),
                                                        rs.getString("delivery_state")))
                                .list());
    }

    /** The model's retraining runs created in the range, newest first, with their transitions. */
    public List<RunRow> runs(String model, TimeRange range) {
        return jdbi.withHandle(
                h -> {
                    List<RunRow> runs =
                            h.createQuery(MODEL_RUNS)
                                    .bind("m", model)
                                    .bind("from", range.from())
                                    .bind("to", range.to())
                                    .bind("limit", MAX_LIST)
                                    .map(
                                            (rs, ctx) ->
                                                    new RunRow(
                                                            rs.getLong("id"),
                                                            rs.getString("state"),
                                                            rs.getString("requested_by"),
                                                            rs.getString("trigger_fingerprint"),
                                                            integer(rs, "champion_version"),
                                                            integer(rs, "candidate_version"),
                                                            instant(rs, "created_at"),
                                                            instant(rs, "finished_at"),
                                                            rs.getString("failure_reason"),
                                                            new ArrayList<>()))
                                    .list();
                    if (runs.isEmpty()) {
                        return runs;
                    }
                    Map<Long, RunRow> byId = new HashMap<>();
                    runs.forEach(r -> byId.put(r.id(), r));
                    h.createQuery(RUN_TRANSITIONS)
                            .bindArray("runs", Long.class, new ArrayList<>(byId.keySet()))
                            .bind("limit", MAX_LIST * 12)
                            .map(
                                    (rs, ctx) ->
                                            byId.get(rs.getLong("run_id"))
                                                    .transitions()
                                                    .add(
                                                            new Transition(
                                                                    rs.getString("from_state"),
                                                                    rs.getString("to_state"),
                                                                    instant(rs, "at"),
                                                                    rs.getString("detail"))))
                            .list();
                    return runs;
                });
    }

    /** Firing alerts (newest first) and those resolved that started in the range. */
    public List<AlertRow> alerts(TimeRange range) {
        return jdbi.withHandle(
                h -> {
                    List<AlertRow> out =
                            new ArrayList<>(
                                    h.createQuery(OPEN_ALERTS)
                                            .bind("limit", MAX_LIST)
                                            .map(ConsoleQueries::alert)
                                            .list());
                    out.addAll(
                            h.createQuery(RECENT_ALERTS)
                                    .bind("from", range.from())
                                    .bind("to", range.to())
                                    .bind("limit", MAX_LIST)
                                    .map(ConsoleQueries::alert)
                                    .list());
                    return out;
                });
    }

    /** The deliveries of these alerts, per alert id. */
    public Map<Long, List<DeliveryRow>> deliveries(List<Long> alertIds) {
        Map<Long, List<DeliveryRow>> out = new HashMap<>();
        if (alertIds.isEmpty()) {
            return out;
        }
        jdbi.useHandle(
                h ->
                        h.createQuery(ALERT_DELIVERIES)
                                .bindArray("alerts", Long.class, alertIds)
                                .bind("limit", MAX_LIST * 20)
                                .map(
                                        (rs, ctx) ->
                                                out.computeIfAbsent(
                                                                rs.getLong("alert_id"),
                                                                k -> new ArrayList<>())
                                                        .add(
                                                                new DeliveryRow(
                                                                        rs.getLong("alert_id"),
                                                                        rs.getString("route"),
                                                                        rs.getString("receiver"),
                                                                        rs.getString("event"),
                                                                        rs.getString("status"),
                                                                        rs.getInt("attempts"),
                                                                        integer(rs, "last_status"),
                                                                        instant(rs, "created_at"),
                                                                        instant(
                                                                                rs,
                                                                                "delivered_at"))))
                                .list());
        return out;
    }

    /**
     * The window size the model's charts read over {@code range} ({@link
     * TimeRange#resolutionSeconds}): among the model's base windows (the size of its latest row in
     * the range) and the coarser resolutions the jobs partition, the coarsest that has rows of the
     * model in the range and gives the range enough windows. -1 when the model has no rows in the
     * range.
     */
    static int resolution(Handle h, String model, TimeRange range) {
        Integer base =
                h.createQuery(LATEST_RESOLUTION)
                        .bind("m", model)
                        .bind("from", range.from())
                        .bind("to", range.to())
                        .mapTo(Integer.class)
                        .findOne()
                        .orElse(null);
        if (base == null) {
            return -1;
        }
        List<Long> sizes = new ArrayList<>();
        sizes.add((long) base);
        for (int s : h.createQuery(PARTITIONED_RESOLUTIONS).mapTo(Integer.class).list()) {
            sizes.add((long) s);
        }
        while (true) {
            long pick = range.resolutionSeconds(base, sizes);
            if (pick == base
                    || h.createQuery(HAS_RESOLUTION)
                                    .bind("m", model)
                                    .bind("s", (int) pick)
                                    .bind("from", range.from())
                                    .bind("to", range.to())
                                    .mapTo(Long.class)
                                    .one()
                            > 0) {
                return (int) pick;
            }
            sizes.remove(pick);
        }
    }

    private static org.jdbi.v3.core.statement.Query bounded(
            Handle h, String sql, String model, TimeRange range, long bucketSeconds) {
        return h.createQuery(sql)
                .bind("m", model)
                .bind("from", range.from())
                .bind("to", range.to())
                .bind("bucket", (double) bucketSeconds)
                .bind("limit", MAX_ROWS);
    }

    private static AlertRow alert(ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx)
            throws SQLException {
        return new AlertRow(
                rs.getLong("id"),
                rs.getString("alertname"),
                rs.getString("severity"),
                rs.getString("status"),
                rs.getString("model_name"),
                instant(rs, "starts_at"),
                instant(rs, "ends_at"),
                rs.getString("feature"),
                rs.getString("delivery_state"));
    }

    private static Point point(ResultSet rs, long bucketSeconds) throws SQLException {
        return new Point(
                bucketStart(rs, bucketSeconds), dbl(rs, "value"), rs.getBoolean("drifted"));
    }

    private static Instant bucketStart(ResultSet rs, long bucketSeconds) throws SQLException {
        return Instant.ofEpochSecond(rs.getLong("b") * bucketSeconds);
    }

    private static Double dbl(ResultSet rs, String column) throws SQLException {
        double v = rs.getDouble(column);
        return rs.wasNull() ? null : v;
    }

    private static Integer integer(ResultSet rs, String column) throws SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? null : v;
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Object o = rs.getObject(column);
        if (o == null) {
            return null;
        }
        if (o instanceof Timestamp t) {
            return t.toInstant();
        }
        if (o instanceof OffsetDateTime t) {
            return t.toInstant();
        }
        return rs.getObject(column, OffsetDateTime.class).toInstant();
    }
}
