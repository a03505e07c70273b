package dev.driftwatch.jobs.shared;

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
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes rows to a PostgreSQL table as batched upserts on its primary key. Rows are flushed when a
 * batch fills and at every checkpoint (Sink V2 {@code flush}), so a checkpoint completes only once
 * its rows are stored; a replay after a failure rewrites the same rows. A failed batch is retried
 * with exponential backoff; if it keeps failing the job fails and restarts from its last checkpoint
 * (nothing is lost).
 *
 * @param <T> the row type; {@link Upsert} says how it is written
 */
public class JdbcUpsertSink<T> implements Sink<T> {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcUpsertSink.class);

    /** Where to write. The password is never logged. */
    public record Connection(String jdbcUrl, String user, String password) implements Serializable {
        @Override
        public String toString() {
            return "Connection[" + jdbcUrl + ", user=" + user + "]";
        }
    }

    /**
     * One table's upsert: its SQL, how a row binds to it, and a copy (rows may be reused upstream).
     */
    public interface Upsert<T> extends Serializable {
        String table();

        String sql();

        void bind(PreparedBatch batch, T row);

        T copy(T row);
    }

    private final Connection connection;
    private final int batchSize;
    private final int maxAttempts;
    private final Upsert<T> upsert;

    public JdbcUpsertSink(Connection connection, int batchSize, Upsert<T> upsert) {
        this(connection, batchSize, 5, upsert);
    }

    JdbcUpsertSink(Connection connection, int batchSize, int maxAttempts, Upsert<T> upsert) {
        this.connection = connection;
        this.batchSize = batchSize;
        this.maxAttempts = maxAttempts;
        this.upsert = upsert;
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        return new Writer<>(
                Jdbi.create(connection.jdbcUrl(), connection.user(), connection.password()),
                batchSize,
                maxAttempts,
                upsert);
    }

    /** Buffers rows and writes them in batches. */
    static final class Writer<T> implements SinkWriter<T> {
        private final Jdbi jdbi;
        private final int batchSize;
        private final int maxAttempts;
        private final Upsert<T> upsert;
        private final List<T> pending = new ArrayList<>();

        Writer(Jdbi jdbi, int batchSize, int maxAttempts, Upsert<T> upsert) {
            this.jdbi = jdbi;
            this.batchSize = batchSize;
            this.maxAttempts = maxAttempts;
            this.upsert = upsert;
        }

        @Override
        public void write(T row, Context context) throws IOException {
            pending.add(upsert.copy(row));
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
                    jdbi.useTransaction(
                            handle -> {
                                PreparedBatch batch = handle.prepareBatch(upsert.sql());
                                for (T r : pending) {
                                    upsert.bind(batch, r);
                                    batch.add();
                                }
                                batch.execute();
                            });
                    pending.clear();
                    return;
                } catch (RuntimeException e) {
                    if (attempt >= maxAttempts) {
                        throw new IOException(
                                "writing "
                                        + pending.size()
                                        + " "
                                        + upsert.table()
                                        + " rows failed after "
                                        + attempt
                                        + " attempts",
                                e);
                    }
                    LOG.warn(
                            "Writing {} failed (attempt {} of {}), retrying in {} ms: {}",
                            upsert.table(),
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

        @Override
        public void close() {}

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

    /** NULL for a NaN or infinite value. */
    public static Double orNull(double v) {
        return Double.isFinite(v) ? v : null;
    }

    /** A timestamptz value. */
    public static OffsetDateTime time(long epochMs) {
        return OffsetDateTime.ofInstant(Instant.ofEpochMilli(epochMs), ZoneOffset.UTC);
    }
}
