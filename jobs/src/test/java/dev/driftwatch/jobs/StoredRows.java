package dev.driftwatch.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.driftwatch.core.drift.Statistic;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongPredicate;
import org.jdbi.v3.core.Jdbi;

/**
 * drift_metrics rows of one model as stored, and the check that two runs stored the same rows. KS
 * and Wasserstein come from randomized KLL sketches, so two runs agree on them within their stated
 * error bounds (twice the bound: each is within the bound of the exact value); every other value is
 * exact and must be equal.
 */
public final class StoredRows {
    private StoredRows() {}

    /** One stored row. */
    public record Row(
            String feature,
            String metric,
            long windowStart,
            long windowEnd,
            Double value,
            Double pValue,
            Double threshold,
            boolean driftDetected,
            long sampleCount,
            long referenceCount,
            String closedBy) {
        String key() {
            return feature + "/" + metric + "/" + windowStart;
        }
    }

    /**
     * The rows of {@code model}'s base (finest) windows, by feature/metric/window start; the rows
     * of coarser resolutions are left out.
     */
    public static Map<String, Row> of(Jdbi jdbi, String model) {
        return of(jdbi, model, -1);
    }

    /**
     * The rows of {@code model}'s windows of {@code windowSeconds} (-1: the finest it has), by
     * feature/metric/window start.
     */
    public static Map<String, Row> of(Jdbi jdbi, String model, long windowSeconds) {
        Map<String, Row> rows = new LinkedHashMap<>();
        jdbi.useHandle(
                h ->
                        h.createQuery(
                                        "SELECT feature, metric, window_start, window_end, value,"
                                                + " p_value, threshold, drift_detected, sample_count,"
                                                + " reference_count, closed_by FROM drift_metrics"
                                                + " WHERE model_name = :m AND window_seconds ="
                                                + " (CASE WHEN :s >= 0 THEN :s ELSE (SELECT"
                                                + " min(window_seconds) FROM drift_metrics WHERE"
                                                + " model_name = :m) END) ORDER BY window_start,"
                                                + " feature, metric")
                                .bind("m", model)
                                .bind("s", (int) windowSeconds)
                                .map((rs, ctx) -> row(rs))
                                .forEach(r -> rows.put(r.key(), r)));
        return rows;
    }

    private static Row row(ResultSet rs) throws SQLException {
        return new Row(
                rs.getString(1),
                rs.getString(2),
                rs.getTimestamp(3).getTime(),
                rs.getTimestamp(4).getTime(),
                (Double) rs.getObject(5),
                (Double) rs.getObject(6),
                (Double) rs.getObject(7),
                rs.getBoolean(8),
                rs.getLong(9),
                rs.getLong(10),
                rs.getString(11));
    }

    /** Sum of the {@code event_count} rows of the windows {@code windows} accepts. */
    public static double events(Map<String, Row> rows, LongPredicate windows) {
        return rows.values().stream()
                .filter(r -> r.metric().equals("event_count") && windows.test(r.windowStart()))
                .mapToDouble(Row::value)
                .sum();
    }

    /**
     * Asserts that {@code actual} holds the rows of {@code expected} for every window {@code
     * windows} accepts, how the window was closed aside.
     */
    public static void assertSame(
            Map<String, Row> actual, Map<String, Row> expected, LongPredicate windows) {
        Map<String, Row> a = new LinkedHashMap<>();
        Map<String, Row> x = new LinkedHashMap<>();
        actual.forEach(
                (k, r) -> {
                    if (windows.test(r.windowStart())) {
                        a.put(k, r);
                    }
                });
        expected.forEach(
                (k, r) -> {
                    if (windows.test(r.windowStart())) {
                        x.put(k, r);
                    }
                });
        assertThat(a.keySet()).containsExactlyInAnyOrderElementsOf(x.keySet());
        for (Row e : x.values()) {
            Row r = a.get(e.key());
            String m = e.metric();
            if (m.startsWith("ks_") || m.startsWith("wasserstein")) {
                assertThat(r.sampleCount()).as(e.key()).isEqualTo(e.sampleCount());
                assertThat(r.referenceCount()).as(e.key()).isEqualTo(e.referenceCount());
                String bound =
                        m.startsWith("ks_")
                                ? Statistic.KS_ERROR_BOUND.metric()
                                : Statistic.WASSERSTEIN_ERROR_BOUND.metric();
                if (m.equals(Statistic.KS.metric()) || m.equals(Statistic.WASSERSTEIN.metric())) {
                    double tolerance =
                            a.get(e.feature() + "/" + bound + "/" + e.windowStart()).value()
                                    + x.get(e.feature() + "/" + bound + "/" + e.windowStart())
                                            .value();
                    assertThat(r.value()).as(e.key()).isCloseTo(e.value(), within(tolerance));
                }
                continue;
            }
            assertThat(r)
                    .as(e.key())
                    .usingRecursiveComparison()
                    .ignoringFields("closedBy")
                    .isEqualTo(e);
        }
    }

    private static org.assertj.core.data.Offset<Double> within(double tolerance) {
        return org.assertj.core.data.Offset.offset(tolerance + 1e-12);
    }
}
