package dev.driftwatch.jobs.drift;

import static dev.driftwatch.jobs.shared.JdbcUpsertSink.orNull;
import static dev.driftwatch.jobs.shared.JdbcUpsertSink.time;

import dev.driftwatch.jobs.records.DriftMetricRow;
import dev.driftwatch.jobs.shared.JdbcUpsertSink;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * How a {@link DriftMetricRow} is upserted into {@code drift_metrics} (its {@code window_seconds}:
 * the size of its window).
 */
public final class DriftMetricsUpsert implements JdbcUpsertSink.Upsert<DriftMetricRow> {
    static final String SQL =
            "INSERT INTO drift_metrics (model_name, model_version, segment, feature, metric,"
                    + " window_start, window_end, window_seconds, value, p_value, threshold,"
                    + " drift_detected, sample_count, reference_count, computed_at, closed_by,"
                    + " distribution) VALUES (:model_name, :model_version, :segment, :feature,"
                    + " :metric, :window_start, :window_end, :window_seconds, :value, :p_value,"
                    + " :threshold, :drift_detected, :sample_count, :reference_count, :computed_at,"
                    + " :closed_by, CAST(:distribution AS jsonb)) ON CONFLICT (model_name,"
                    + " model_version, segment, feature, metric, window_seconds, window_start)"
                    + " DO UPDATE SET window_end ="
                    + " EXCLUDED.window_end, value = EXCLUDED.value, p_value = EXCLUDED.p_value,"
                    + " threshold = EXCLUDED.threshold, drift_detected = EXCLUDED.drift_detected,"
                    + " sample_count = EXCLUDED.sample_count, reference_count ="
                    + " EXCLUDED.reference_count, computed_at = EXCLUDED.computed_at, closed_by ="
                    + " EXCLUDED.closed_by, distribution = EXCLUDED.distribution";

    @Override
    public String table() {
        return "drift_metrics";
    }

    @Override
    public String sql() {
        return SQL;
    }

    @Override
    public void bind(PreparedBatch batch, DriftMetricRow r) {
        batch.bind("model_name", r.modelName)
                .bind("model_version", r.modelVersion)
                .bind("segment", r.segment)
                .bind("feature", r.feature)
                .bind("metric", r.metric)
                .bind("window_start", time(r.windowStart))
                .bind("window_end", time(r.windowEnd))
                .bind("window_seconds", JdbcUpsertSink.windowSeconds(r.windowStart, r.windowEnd))
                .bind("value", orNull(r.value))
                .bind("p_value", orNull(r.pValue))
                .bind("threshold", orNull(r.threshold))
                .bind("drift_detected", r.driftDetected)
                .bind("sample_count", r.sampleCount)
                .bind("reference_count", r.referenceCount)
                .bind("computed_at", time(r.computedAt))
                .bind("closed_by", r.closedBy)
                .bind("distribution", r.distribution);
    }

    @Override
    public DriftMetricRow copy(DriftMetricRow r) {
        DriftMetricRow c = new DriftMetricRow();
        c.modelName = r.modelName;
        c.modelVersion = r.modelVersion;
        c.segment = r.segment;
        c.feature = r.feature;
        c.metric = r.metric;
        c.windowStart = r.windowStart;
        c.windowEnd = r.windowEnd;
        c.value = r.value;
        c.pValue = r.pValue;
        c.threshold = r.threshold;
        c.driftDetected = r.driftDetected;
        c.sampleCount = r.sampleCount;
        c.referenceCount = r.referenceCount;
        c.computedAt = r.computedAt;
        c.closedBy = r.closedBy;
        c.distribution = r.distribution;
        return c;
    }
}
