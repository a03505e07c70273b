package dev.driftwatch.jobs;

import dev.driftwatch.jobs.model.DriftMetricRow;
import java.io.IOException;
import java.io.Serializable;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes {@link DriftMetricRow}s to {@code drift_metrics} as batched upserts on the primary key.
 * Rows are flushed when a batch fills and at every checkpoint (Sink V2 {@code flush}), so a
 * checkpoint completes only once its rows are stored; a replay after a failure rewrites the same
 * rows. A failed batch is retried with exponential backoff; if it keeps failing the job fails and
 * restarts from its last checkpoint (nothing is lost).
 */
public class DriftMetricsSink implements Sink<DriftMetricRow> {
    private static final Logger LOG = LoggerFactory.getLogger(DriftMetricsSink.class);

    static final String UPSERT =
            "INSERT INTO drift_metrics (model_name, model_version, segment, feature, metric,"
                    + " window_start, window_end, value, p_value, threshold, drift_detected,"
                    + " sample_count, reference_count, computed_at) VALUES (:model_name,"
                    + " :model_version, :segment, :feature, :metric, :window_start, :window_end,"
                    + " :value, :p_value, :threshold, :drift_detected, :sample_count,"
                    + " :reference_count, :computed_at) ON CONFLICT (model_name, model_version,"
                    + " segment, feature, metric, window_start) DO UPDATE SET window_end ="
                    + " EXCLUDED.window_end, value = EXCLUDED.value, p_value = EXCLUDED.p_value,"
                    + " threshold = EXCLUDED.threshold, drift_detected = EXCLUDED.drift_detected,"
                    + " sample_count = EXCLUDED.sample_count, reference_count ="
                    + " EXCLUDED.reference_count, computed_at = EXCLUDED.computed_at";

    /** Where to write. The password is never logged. */
    public record Connection(String jdbcUrl, String user, String password) implements Serializable {
        @Override
        public String toString() {
            return "Connection[" + jdbcUrl + ", user=" + user + "]";
        }
    }

    private final Connection connection;
    private final int batchSize;
    private final int maxAttempts;

    public DriftMetricsSink(Connection connection, int batchSize) {
        this(connection, batchSize, 5);
    }

    DriftMetricsSink(Connection connection, int batchSize, int maxAttempts) {
        this.connection = connection;
        this.batchSize = batchSize;
        this.maxAttempts = maxAttempts;
    }

    @Override
    public SinkWriter<DriftMetricRow> createWriter(WriterInitContext context) {
        return new Writer(
                Jdbi.create(connection.jdbcUrl(), connection.user(), connection.password()),
                batchSize,
                maxAttempts);
    }

    /** Buffers rows and writes them in batches. */
    static final class Writer implements SinkWriter<DriftMetricRow> {
        private final Jdbi jdbi;
        private final int batchSize;
        private final int maxAttempts;
        private final List<DriftMetricRow> pending = new ArrayList<>();

        Writer(Jdbi jdbi, int batchSize, int maxAttempts) {
            this.jdbi = jdbi;
            this.batchSize = batchSize;
            this.maxAttempts = maxAttempts;
        }

        @Override
        public void write(DriftMetricRow row, Context context) throws IOException {
            pending.add(copy(row));
            if (pending.size() >= batchSize) {
                writePending();
            }
        }

        @Override
        public void flush(boolean endOfInput) throws IOException {
            writePending();
        }

        private void writePending() throws IOException {
            if (pending.isEmpty()) {
                return;
            }
            long backoff = 200;
            for (int attempt = 1; ; attempt++) {
                try {
                    jdbi.useTransaction(this::upsert);
                    pending.clear();
                    return;
                } catch (RuntimeException e) {
                    if (attempt >= maxAttempts) {
                        throw new IOException(
                                "writing "
                                        + pending.size()
                                        + " drift_metrics rows failed after "
                                        + attempt
                                        + " attempts",
                                e);
                    }
                    LOG.warn(
                            "Writing drift_metrics failed (attempt {} of {}), retrying in {} ms: {}",
                            attempt,
                            maxAttempts,
                            backoff,
                            rootMessage(e));
                    try {
                        Thread.sleep(backoff);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted while retrying", ie);
                    }
                    backoff = Math.min(backoff * 2, 10_000);
                }
            }
        }

        private void upsert(Handle handle) {
            PreparedBatch batch = handle.prepareBatch(UPSERT);
            for (DriftMetricRow r : pending) {
                batch.bind("model_name", r.modelName)
                        .bind("model_version", r.modelVersion)
                        .bind("segment", r.segment)
                        .bind("feature", r.feature)
                        .bind("metric", r.metric)
                        .bind("window_start", time(r.windowStart))
                        .bind("window_end", time(r.windowEnd))
                        .bind("value", orNull(r.value))
                        .bind("p_value", orNull(r.pValue))
                        .bind("threshold", orNull(r.threshold))
                        .bind("drift_detected", r.driftDetected)
                        .bind("sample_count", r.sampleCount)
                        .bind("reference_count", r.referenceCount)
                        .bind("computed_at", time(r.computedAt))
                        .add();
            }
            batch.execute();
        }

        @Override
        public void close() {}

        private static Double orNull(double v) {
            return Double.isFinite(v) ? v : null;
        }

        private static OffsetDateTime time(long epochMs) {
            return OffsetDateTime.ofInstant(Instant.ofEpochMilli(epochMs), ZoneOffset.UTC);
        }

        private static DriftMetricRow copy(DriftMetricRow r) {
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
            return c;
        }

        private static String rootMessage(Throwable e) {
            Throwable t = e;
            while (t.getCause() != null) {
                t = t.getCause();
            }
            return t instanceof SQLException s
                    ? s.getSQLState() + " " + s.getMessage()
                    : t.toString();
        }
    }
}
