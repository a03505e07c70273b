package dev.driftwatch.jobs.shared;

import java.io.Serializable;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jdbi.v3.core.Handle;

/**
 * The partitions of a metric table ({@code drift_metrics}, {@code performance_metrics}): the table
 * is partitioned by LIST ({@code window_seconds}) into one partition per resolution, {@code
 * <table>_r<seconds>}, itself partitioned by RANGE ({@code window_start}) into spans of {@link
 * #spanSeconds} ({@code <table>_r<seconds>_p<yyyymmdd>}) plus a default partition. {@link
 * #maintain} creates the partitions of the job's resolutions, the current span's and the next two
 * ahead, and drops the spans that ended before the retention of their resolution (and deletes the
 * rows of the default partition that started before it). A partition created over rows that went to
 * a default partition meanwhile takes them over. Each table's maintenance runs under a
 * transaction-scoped advisory lock, so parallel writers do it once.
 */
public record MetricPartitions(
        String table, List<Long> resolutionSeconds, Map<Long, Long> retentionSeconds)
        implements Serializable {
    private static final long DAY = 86_400;
    private static final DateTimeFormatter DAY_NAME =
            DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);

    /** Spans created ahead of the current one. */
    public static final int SPANS_AHEAD = 2;

    public MetricPartitions {
        if (!table.matches("[a-z_]+")) {
            throw new IllegalArgumentException("not a metric table name: " + table);
        }
        resolutionSeconds = List.copyOf(resolutionSeconds);
        retentionSeconds = Map.copyOf(retentionSeconds);
    }

    /**
     * The span of one range partition of a resolution: a day for windows under an hour, 30 days for
     * windows under a day, 360 days for longer ones (spans aligned to the epoch).
     */
    public static long spanSeconds(long resolutionSeconds) {
        if (resolutionSeconds < 3600) {
            return DAY;
        }
        return resolutionSeconds < DAY ? 30 * DAY : 360 * DAY;
    }

    /** The name of a resolution's partition. */
    public String resolutionPartition(long seconds) {
        return table + "_r" + seconds;
    }

    /** Creates the partitions due at {@code now} and drops those past their retention. */
    public void maintain(Handle h, Instant now) {
        h.useTransaction(
                t -> {
                    t.createQuery("SELECT pg_advisory_xact_lock(hashtext(:t))")
                            .bind("t", table)
                            .mapTo(String.class)
                            .one();
                    long nowS = now.getEpochSecond();
                    for (long r : resolutionSeconds) {
                        ensureResolution(t, r);
                        long span = spanSeconds(r);
                        long current = Math.floorDiv(nowS, span) * span;
                        for (int i = 0; i <= SPANS_AHEAD; i++) {
                            ensureRange(t, r, current + i * span, current + (i + 1) * span);
                        }
                    }
                    for (Map.Entry<Long, Long> e : new TreeMap<>(retentionSeconds).entrySet()) {
                        dropBefore(t, e.getKey(), nowS - e.getValue());
                    }
                });
    }

    private void ensureResolution(Handle t, long r) {
        String name = resolutionPartition(r);
        if (exists(t, name)) {
            return;
        }
        String other = table + "_other";
        t.execute("LOCK TABLE " + other + " IN ACCESS EXCLUSIVE MODE");
        t.execute(
                "CREATE TABLE "
                        + name
                        + " (LIKE "
                        + table
                        + " INCLUDING DEFAULTS) PARTITION BY RANGE (window_start)");
        t.execute("CREATE TABLE " + name + "_default PARTITION OF " + name + " DEFAULT");
        t.execute(
                "WITH moved AS (DELETE FROM "
                        + other
                        + " WHERE window_seconds = "
                        + r
                        + " RETURNING *) INSERT INTO "
                        + name
                        + " SELECT * FROM moved");
        t.execute(
                "ALTER TABLE "
                        + table
                        + " ATTACH PARTITION "
                        + name
                        + " FOR VALUES IN ("
                        + r
                        + ")");
    }

    private void ensureRange(Handle t, long r, long fromS, long toS) {
        String parent = resolutionPartition(r);
        String name = parent + "_p" + DAY_NAME.format(Instant.ofEpochSecond(fromS));
        if (exists(t, name)) {
            return;
        }
        String from = "'" + Instant.ofEpochSecond(fromS) + "'";
        String to = "'" + Instant.ofEpochSecond(toS) + "'";
        t.execute("LOCK TABLE " + parent + "_default IN ACCESS EXCLUSIVE MODE");
        t.execute("CREATE TABLE " + name + " (LIKE " + table + " INCLUDING DEFAULTS)");
        t.execute(
                "WITH moved AS (DELETE FROM "
                        + parent
                        + "_default WHERE window_start >= "
                        + from
                        + " AND window_start < "
                        + to
                        + " RETURNING *) INSERT INTO "
                        + name
                        + " SELECT * FROM moved");
        t.execute(
                "ALTER TABLE "
                        + parent
                        + " ATTACH PARTITION "
                        + name
                        + " FOR VALUES FROM ("
                        + from
                        + ") TO ("
                        + to
                        + ")");
    }

    /** Drops the range partitions of resolution {@code r} that end at or before {@code cutoffS}. */
    private void dropBefore(Handle t, long r, long cutoffS) {
        String parent = resolutionPartition(r);
        if (!exists(t, parent)) {
            return;
        }
        String cutoff = "'" + Instant.ofEpochSecond(cutoffS) + "'";
        List<String> old =
                t.createQuery(
                                "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid ="
                                        + " i.inhrelid WHERE i.inhparent = CAST(:p AS regclass)"
                                        + " AND pg_get_expr(c.relpartbound, c.oid) <> 'DEFAULT'"
                                        + " AND CAST(substring(pg_get_expr(c.relpartbound, c.oid)"
                                        + " FROM 'TO \\(''([^'']+)''\\)') AS timestamptz) <= CAST("
                                        + cutoff
                                        + " AS timestamptz) ORDER BY 1")
                        .bind("p", parent)
                        .mapTo(String.class)
                        .list();
        for (String name : old) {
            t.execute("DROP TABLE " + name);
        }
        t.execute("DELETE FROM " + parent + "_default WHERE window_start < " + cutoff);
    }

    private static boolean exists(Handle t, String name) {
        return t.createQuery("SELECT to_regclass(:n) IS NOT NULL")
                .bind("n", name)
                .mapTo(Boolean.class)
                .one();
    }
}
