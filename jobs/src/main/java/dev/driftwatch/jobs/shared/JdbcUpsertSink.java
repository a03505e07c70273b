package dev.driftwatch.jobs.shared;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.driftwatch.jobs.records.DeadLetter;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.connector.sink2.CommittableMessage;
import org.apache.flink.streaming.api.connector.sink2.CommittableWithLineage;
import org.apache.flink.streaming.api.connector.sink2.SupportsPostCommitTopology;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.util.Collector;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes rows to a PostgreSQL table as batched upserts on its primary key; one implementation for
 * every metric table (the row type's {@link Upsert} says how a row is written).
 *
 * <ul>
 *   <li><b>Checkpoint-aligned.</b> Rows are written when a batch fills and at every checkpoint
 *       (Sink V2 {@code flush}, before the barrier): a checkpoint cannot complete with unwritten
 *       rows, and a replay after a failure rewrites the same rows (upserts), so no row is lost or
 *       stored twice.
 *   <li><b>A refused row is isolated.</b> When the database refuses a batch for its data ({@link
 *       DatabaseFailure#refused()}: a NUL byte in text, an index row too large, a value out of
 *       range), the batch is split in halves and each half written again, down to the single row
 *       that is refused; the others are stored. The refused row goes, as JSON with the database's
 *       message, to the dead letters (as the sink's committables: they reach {@code refusedRows},
 *       exactly once, after the checkpoint that wrote the rest of its batch, and are committed to
 *       the topic by the next one; a bounded run, which ends with its final checkpoint, does not
 *       deliver the refused rows of that last checkpoint). Counted in {@code sinkRowsRefused}; the
 *       job goes on.
 *   <li><b>An unavailable database is waited for.</b> Any other failure (the database down,
 *       restarting, out of connections, a network error, a timeout, a missing table) is retried
 *       with exponential backoff, forever: the rows stay in the writer, the checkpoint waits, and
 *       the job does not fail. The gauge {@code sinkDatabaseUnavailable} is 1 meanwhile, {@code
 *       sinkRetries} counts the attempts, and the log says so once when the database is lost and
 *       once when it is back.
 * </ul>
 *
 * <pre>{@code
 * rows.sinkTo(new JdbcUpsertSink<>(connection, 500, Backoff.DEFAULT, new DriftMetricsUpsert(),
 *         deadLetterSink));
 * }</pre>
 *
 * @param <T> the row type
 */
public class JdbcUpsertSink<T>
        implements Sink<T>, SupportsCommitter<DeadLetter>, SupportsPostCommitTopology<DeadLetter> {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcUpsertSink.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Metric: 1 while the database cannot take rows, else 0. */
    public static final String DATABASE_UNAVAILABLE = "sinkDatabaseUnavailable";

    /** Metric: failed attempts to write while the database could not take rows. */
    public static final String RETRIES = "sinkRetries";

    /** How often a writer maintains its table's partitions (and at its first write). */
    public static final long MAINTENANCE_INTERVAL_MS = 3_600_000;

    /** Metric: rows the database refused (dead-lettered). */
    public static final String ROWS_REFUSED = "sinkRowsRefused";

    /** Where to write. The password is never logged. */
    public record Connection(String jdbcUrl, String user, String password) implements Serializable {
        @Override
        public String toString() {
            return "Connection[" + jdbcUrl + ", user=" + user + "]";
        }

        /**
         * A jdbi on this database. Connections time out (10 s to connect, 5 min per statement)
         * unless the URL sets {@code connectTimeout} or {@code socketTimeout} itself, so that a
         * database that stops answering counts as unavailable instead of blocking forever.
         */
        public Jdbi jdbi() {
            Properties p = new Properties();
            p.setProperty("user", user);
            p.setProperty("password", password == null ? "" : password);
            p.setProperty("connectTimeout", "10");
            p.setProperty("socketTimeout", "300");
            p.setProperty("tcpKeepAlive", "true");
            return Jdbi.create(jdbcUrl, p);
        }
    }

    /** Exponential backoff between attempts while the database is unavailable. */
    public record Backoff(long initialMs, long maxMs) implements Serializable {
        public static final Backoff DEFAULT = new Backoff(200, 30_000);

        public Backoff {
            if (initialMs < 1 || maxMs < initialMs) {
                throw new IllegalArgumentException(
                        "backoff needs 1 ms <= initial <= max, was " + initialMs + ", " + maxMs);
            }
        }

        public static Backoff of(Duration initial, Duration max) {
            return new Backoff(initial.toMillis(), max.toMillis());
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
    private final Backoff backoff;
    private final Upsert<T> upsert;
    private final Sink<DeadLetter> refusedRows;
    private final MetricPartitions partitions;

    /**
     * @param refusedRows where refused rows go, as dead letters (the dead-letter topic)
     */
    public JdbcUpsertSink(
            Connection connection,
            int batchSize,
            Backoff backoff,
            Upsert<T> upsert,
            Sink<DeadLetter> refusedRows) {
        this(connection, batchSize, backoff, upsert, refusedRows, null);
    }

    /**
     * @param partitions the table's partitions, maintained before the first write and every {@link
     *     #MAINTENANCE_INTERVAL_MS} after (null: none)
     */
    public JdbcUpsertSink(
            Connection connection,
            int batchSize,
            Backoff backoff,
            Upsert<T> upsert,
            Sink<DeadLetter> refusedRows,
            MetricPartitions partitions) {
        this.partitions = partitions;
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1");
        }
        this.connection = connection;
        this.batchSize = batchSize;
        this.backoff = backoff;
        this.upsert = upsert;
        this.refusedRows = refusedRows;
    }

    @Override
    public Writer<T> createWriter(WriterInitContext context) {
        return new Writer<>(
                connection.jdbi(), batchSize, backoff, upsert, context.metricGroup(), partitions);
    }

    @Override
    public Committer<DeadLetter> createCommitter(CommitterInitContext context) {
        return new Committer<>() {
            @Override
            public void commit(Collection<CommitRequest<DeadLetter>> requests) {
                // nothing to commit: the rows are stored; the refused ones travel on below
            }

            @Override
            public void close() {}
        };
    }

    @Override
    public SimpleVersionedSerializer<DeadLetter> getCommittableSerializer() {
        return new DeadLetterSerializer();
    }

    @Override
    public void addPostCommitTopology(DataStream<CommittableMessage<DeadLetter>> committables) {
        String name = upsert.table() + " refused rows";
        committables
                .flatMap(new RefusedRows())
                .returns(Types.POJO(DeadLetter.class))
                .uid(upsert.table() + "-refused-rows")
                .name(name)
                .sinkTo(refusedRows)
                .uid(upsert.table() + "-refused-rows-sink")
                .name(name + " (dead letters)");
    }

    /** The refused rows among the sink's committables. */
    static final class RefusedRows
            implements FlatMapFunction<CommittableMessage<DeadLetter>, DeadLetter> {
        @Override
        public void flatMap(CommittableMessage<DeadLetter> message, Collector<DeadLetter> out) {
            if (message instanceof CommittableWithLineage<DeadLetter> c) {
                out.collect(c.getCommittable());
            }
        }
    }

    /** Buffers rows and writes them in batches, isolating refused rows (see the class comment). */
    static final class Writer<T> implements CommittingSinkWriter<T, DeadLetter> {
        private final Jdbi jdbi;
        private final int batchSize;
        private final Backoff backoff;
        private final Upsert<T> upsert;
        private final List<T> pending = new ArrayList<>();
        private final List<DeadLetter> refused = new ArrayList<>();
        private final Counter retries;
        private final Counter rowsRefused;
        private final MetricPartitions partitions;
        private long nextMaintenance = Long.MIN_VALUE;
        private volatile int unavailable;
        private Handle handle;
        private long unavailableSince;
        private long retriesThisOutage;

        Writer(Jdbi jdbi, int batchSize, Backoff backoff, Upsert<T> upsert, MetricGroup metrics) {
            this(jdbi, batchSize, backoff, upsert, metrics, null);
        }

        Writer(
                Jdbi jdbi,
                int batchSize,
                Backoff backoff,
                Upsert<T> upsert,
                MetricGroup metrics,
                MetricPartitions partitions) {
            this.partitions = partitions;
            this.jdbi = jdbi;
            this.batchSize = batchSize;
            this.backoff = backoff;
            this.upsert = upsert;
            this.retries = metrics.counter(RETRIES);
            this.rowsRefused = metrics.counter(ROWS_REFUSED);
            metrics.gauge(DATABASE_UNAVAILABLE, () -> unavailable);
        }

        @Override
        public void write(T row, Context context) throws InterruptedException {
            pending.add(upsert.copy(row));
            if (pending.size() >= batchSize) {
                writePending();
            }
        }

        @Override
        public void flush(boolean endOfInput) throws InterruptedException {
            writePending();
        }

        /** The rows refused since the last call, as dead letters. */
        @Override
        public Collection<DeadLetter> prepareCommit() {
            List<DeadLetter> out = new ArrayList<>(refused);
            refused.clear();
            return out;
        }

        @Override
        public void close() {
            closeHandle();
        }

        /** True while the database cannot take rows. */
        boolean databaseUnavailable() {
            return unavailable == 1;
        }

        private void writePending() throws InterruptedException {
            if (pending.isEmpty()) {
                return;
            }
            maintainPartitions();
            writeIsolating(pending);
            pending.clear();
        }

        /**
         * Creates and drops the table's partitions when due. A failure is logged and tried again a
         * minute later: rows without their partition go to a default partition meanwhile.
         */
        private void maintainPartitions() {
            long now = System.currentTimeMillis();
            if (partitions == null || now < nextMaintenance) {
                return;
            }
            try {
                jdbi.useHandle(h -> partitions.maintain(h, Instant.ofEpochMilli(now)));
                nextMaintenance = now + MAINTENANCE_INTERVAL_MS;
            } catch (RuntimeException e) {
                nextMaintenance = now + 60_000;
                LOG.warn(
                        "{}: could not maintain the partitions ({}); rows go to the default"
                                + " partitions until the next attempt",
                        upsert.table(),
                        DatabaseFailure.of(e).describe());
            }
        }

        /** Writes the rows; a refused batch is split in halves until the refused rows are alone. */
        private void writeIsolating(List<T> rows) throws InterruptedException {
            DatabaseFailure refusal = writeOnceAvailable(rows);
            if (refusal == null) {
                return;
            }
            if (rows.size() == 1) {
                refuse(rows.get(0), refusal);
                return;
            }
            int half = rows.size() / 2;
            writeIsolating(rows.subList(0, half));
            writeIsolating(rows.subList(half, rows.size()));
        }

        /**
         * Writes the rows in one transaction, retrying while the database cannot take them.
         *
         * @return null once written, or why the database refused them
         */
        private DatabaseFailure writeOnceAvailable(List<T> rows) throws InterruptedException {
            long delay = backoff.initialMs();
            while (true) {
                DatabaseFailure failure;
                try {
                    writeBatch(rows);
                    available();
                    return null;
                } catch (RuntimeException e) {
                    failure = DatabaseFailure.of(e);
                }
                if (failure.refused()) {
                    available();
                    return failure;
                }
                closeHandle();
                unavailable(failure);
                Thread.sleep(delay);
                delay = Math.min(delay * 2, backoff.maxMs());
            }
        }

        private void writeBatch(List<T> rows) {
            if (handle == null) {
                handle = jdbi.open();
            }
            handle.useTransaction(
                    h -> {
                        PreparedBatch batch = h.prepareBatch(upsert.sql());
                        for (T r : rows) {
                            upsert.bind(batch, r);
                            batch.add();
                        }
                        batch.execute();
                    });
        }

        private void unavailable(DatabaseFailure failure) {
            retries.inc();
            retriesThisOutage++;
            if (unavailable == 0) {
                unavailable = 1;
                unavailableSince = System.nanoTime();
                LOG.warn(
                        "{}: the database cannot take rows ({}); holding {} rows and retrying with"
                                + " backoff up to {} ms until it can ({} = 1)",
                        upsert.table(),
                        failure.describe(),
                        pending.size(),
                        backoff.maxMs(),
                        DATABASE_UNAVAILABLE);
            }
        }

        private void available() {
            if (unavailable == 1) {
                unavailable = 0;
                LOG.info(
                        "{}: the database takes rows again after {} retries in {} ms",
                        upsert.table(),
                        retriesThisOutage,
                        (System.nanoTime() - unavailableSince) / 1_000_000);
                retriesThisOutage = 0;
            }
        }

        private void refuse(T row, DatabaseFailure failure) {
            rowsRefused.inc();
            DeadLetter d = new DeadLetter();
            d.reason = upsert.table() + " refused the row: " + failure.describe();
            d.table = upsert.table();
            d.partition = -1;
            d.offset = -1;
            d.original = json(row).getBytes(StandardCharsets.UTF_8);
            refused.add(d);
            LOG.warn("{} (the row goes to the dead letters)", d.reason);
        }

        private void closeHandle() {
            if (handle != null) {
                try {
                    handle.close();
                } catch (RuntimeException ignored) {
                    // the connection is gone already
                }
                handle = null;
            }
        }
    }

    /** The row as JSON (its fields); never fails, whatever the row holds. */
    static String json(Object row) {
        try {
            return JSON.writeValueAsString(row);
        } catch (IOException | RuntimeException e) {
            return JSON.createObjectNode().put("row", String.valueOf(row)).toString();
        }
    }

    /** Refused rows between the writer and the committer (checkpointed with them). */
    static final class DeadLetterSerializer implements SimpleVersionedSerializer<DeadLetter> {
        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(DeadLetter d) throws IOException {
            DataOutputSerializer out = new DataOutputSerializer(256);
            writeString(out, d.reason);
            writeString(out, d.sourceTopic);
            writeString(out, d.table);
            out.writeInt(d.partition);
            out.writeLong(d.offset);
            if (d.original == null) {
                out.writeInt(-1);
            } else {
                out.writeInt(d.original.length);
                out.write(d.original);
            }
            return out.getCopyOfBuffer();
        }

        @Override
        public DeadLetter deserialize(int version, byte[] bytes) throws IOException {
            if (version != 1) {
                throw new IOException("unknown refused-row format version " + version);
            }
            DataInputDeserializer in = new DataInputDeserializer(bytes);
            DeadLetter d = new DeadLetter();
            d.reason = readString(in);
            d.sourceTopic = readString(in);
            d.table = readString(in);
            d.partition = in.readInt();
            d.offset = in.readLong();
            int n = in.readInt();
            if (n >= 0) {
                d.original = new byte[n];
                in.readFully(d.original);
            }
            return d;
        }

        private static void writeString(DataOutputSerializer out, String s) throws IOException {
            if (s == null) {
                out.writeInt(-1);
                return;
            }
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            out.writeInt(b.length);
            out.write(b);
        }

        private static String readString(DataInputDeserializer in) throws IOException {
            int n = in.readInt();
            if (n < 0) {
                return null;
            }
            byte[] b = new byte[n];
            in.readFully(b);
            return new String(b, StandardCharsets.UTF_8);
        }
    }

    /** NULL for a NaN or infinite value. */
    public static Double orNull(double v) {
        return Double.isFinite(v) ? v : null;
    }

    /**
     * The {@code window_seconds} column of a window: its size in whole seconds (clamped to the
     * column's range).
     */
    public static int windowSeconds(long windowStartMs, long windowEndMs) {
        long s = (windowEndMs - windowStartMs) / 1000;
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, s));
    }

    /** A timestamptz value. */
    public static OffsetDateTime time(long epochMs) {
        return OffsetDateTime.ofInstant(Instant.ofEpochMilli(epochMs), ZoneOffset.UTC);
    }
}
