package dev.driftwatch.jobs.performance;

import static dev.driftwatch.jobs.shared.JdbcUpsertSink.orNull;
import static dev.driftwatch.jobs.shared.JdbcUpsertSink.time;

import dev.driftwatch.jobs.records.PerformanceMetricRow;
import dev.driftwatch.jobs.shared.JdbcUpsertSink;
import org.jdbi.v3.core.statement.PreparedBatch;

/** How a {@link PerformanceMetricRow} is upserted into {@code performance_metrics}. */
public final class PerformanceMetricsUpsert implements JdbcUpsertSink.Upsert<PerformanceMetricRow> {
    static final String SQL =
            "INSERT INTO performance_metrics (model_name, model_version, segment, metric,"
                    + " estimated, window_start, window_end, window_seconds, value, standard_error, sample_count,"
                    + " labeled_count, computed_at, closed_by)"
                    + " VALUES (:model_name, :model_version, :segment, :metric, :estimated,"
                    + " :window_start, :window_end, :window_seconds, :value, :standard_error, :sample_count,"
                    + " :labeled_count, :computed_at, :closed_by)"
                    + " ON CONFLICT"
                    + " (model_name, model_version, segment, metric, window_seconds, window_start,"
                    + " estimated)"
                    + " DO UPDATE SET window_end = EXCLUDED.window_end, value = EXCLUDED.value,"
                    + " standard_error = EXCLUDED.standard_error, sample_count ="
                    + " EXCLUDED.sample_count, labeled_count = EXCLUDED.labeled_count, computed_at ="
                    + " EXCLUDED.computed_at, closed_by = EXCLUDED.closed_by";

    @Override
    public String table() {
        return "performance_metrics";
    }

    @Override
    public String sql() {
        return SQL;
    }

    @Override
    public void bind(PreparedBatch batch, PerformanceMetricRow r) {
        batch.bind("model_name", r.modelName)
                .bind("model_version", r.modelVersion)
                .bind("segment", r.segment)
                .bind("metric", r.metric)
                .bind("estimated", r.estimated)
                .bind("window_start", time(r.windowStart))
                .bind("window_end", time(r.windowEnd))
                .bind("window_seconds", JdbcUpsertSink.windowSeconds(r.windowStart, r.windowEnd))
                .bind("value", orNull(r.value))
                .bind("standard_error", orNull(r.standardError))
                .bind("sample_count", r.sampleCount)
                .bind("labeled_count", r.labeledCount)
                .bind("computed_at", time(r.computedAt))
                .bind("closed_by", r.closedBy);
    }

    @Override
    public PerformanceMetricRow copy(PerformanceMetricRow r) {
        PerformanceMetricRow c = new PerformanceMetricRow();
        c.modelName = r.modelName;
        c.modelVersion = r.modelVersion;
        c.segment = r.segment;
        c.metric = r.metric;
        c.estimated = r.estimated;
        c.windowStart = r.windowStart;
        c.windowEnd = r.windowEnd;
        c.value = r.value;
        c.standardError = r.standardError;
        c.sampleCount = r.sampleCount;
        c.labeledCount = r.labeledCount;
        c.computedAt = r.computedAt;
        c.closedBy = r.closedBy;
        return c;
    }
}
