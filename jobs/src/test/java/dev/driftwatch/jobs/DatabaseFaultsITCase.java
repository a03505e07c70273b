package dev.driftwatch.jobs;

import static dev.driftwatch.jobs.TestEvents.event;
import static dev.driftwatch.jobs.TestEvents.reference;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.driftwatch.jobs.drift.DriftJob;
import dev.driftwatch.jobs.drift.DriftJobOptions;
import dev.driftwatch.jobs.drift.DriftMetricsUpsert;
import dev.driftwatch.jobs.records.DriftMetricRow;
import dev.driftwatch.jobs.shared.JdbcUpsertSink;
import dev.driftwatch.jobs.shared.JobEndpoints;
import dev.driftwatch.jobs.shared.MetricTables;
import dev.driftwatch.jobs.shared.SharedJobOptions;
import dev.driftwatch.testsupport.TcpProxy;
import dev.driftwatch.testsupport.TestKafka;
import dev.driftwatch.testsupport.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The drift job against a database that refuses a row or goes away, on real Kafka, PostgreSQL and a
 * MiniCluster: a refused row reaches the dead-letter topic while every other row is stored; an
 * outage in the middle of a run is waited for (the sink's gauge says so) and, once the database is
 * back, the stored rows are those of a run without an outage — without a single restart of the job.
 */
class DatabaseFaultsITCase {
    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .setConfiguration(METRICS.addToConfiguration(new Configuration()))
                            .build());

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MINUTE = 60_000;
    private static final long T0 = Instant.parse("2026-11-26T10:00:00Z").toEpochMilli();
    private static final Duration WAIT = Duration.ofSeconds(120);

    @Test
    void aRefusedRowIsDeadLetteredAndEveryOtherRowStored(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        String model = "fraud-refused";
        List<String> topics = topics();
        TestKafka.produce(topics.get(0), traffic(model, 3, 0));
        TestPostgres.Connection db = migratedDatabase();
        Configuration config = config(topics, db);
        // unbounded, as in production: a refused row travels on to the dead letters when the
        // checkpoint that wrote the rest of its batch completes, and a later checkpoint commits
        // the dead-letter topic's transaction (a bounded run ends before that one)
        DriftJob job =
                DriftJob.withKafka(
                        config, List.of(reference(model)), OffsetsInitializer.earliest(), false);
        // the row of amount's psi in the second window gets a NUL in its version on its way in
        JdbcUpsertSink<DriftMetricRow> poisoned =
                new JdbcUpsertSink<>(
                        JobEndpoints.database(config),
                        500,
                        JdbcUpsertSink.Backoff.DEFAULT,
                        new PoisonedUpsert("amount", "psi", T0 + MINUTE),
                        JobEndpoints.deadLetters(config, "-refused"));
        StreamExecutionEnvironment env = env();
        job.withMetricsSink(poisoned).build(env);
        JobClient client = env.executeAsync("refused-row");
        JobID id = client.getJobID();
        Jdbi jdbi = Jdbi.create(db.url(), db.user(), db.password());
        // windows 0-2 close (the first events of window 3 close window 2)
        await().atMost(WAIT).until(() -> windowsStored(jdbi, model) == 3);
        List<ConsumerRecord<byte[], byte[]>> dead =
                TestKafka.readAll(topics.get(4), 1, Duration.ofSeconds(60));

        assertThat(TestJobs.restarts(cluster, id)).isZero();
        assertThat(TestJobs.metric(METRICS, id, "", JdbcUpsertSink.ROWS_REFUSED)).isEqualTo(1);
        client.cancel().get();
        Map<String, StoredRows.Row> rows = StoredRows.of(jdbi, model);
        assertThat(rows).doesNotContainKey("amount/psi/" + (T0 + MINUTE));
        assertThat(rows)
                .containsKey("amount/psi/" + T0)
                .containsKey("amount/psi/" + (T0 + 2 * MINUTE))
                .containsKey("amount/ks_statistic/" + (T0 + MINUTE));
        long perWindow = rows.keySet().stream().filter(k -> k.endsWith("/" + T0)).count();
        assertThat(rows).hasSize((int) (3 * perWindow - 1));

        assertThat(dead).hasSize(1);
        JsonNode letter = JSON.readTree(dead.get(0).value());
        assertThat(letter.get("table").asText()).isEqualTo("drift_metrics");
        assertThat(letter.get("reason").asText())
                .startsWith("drift_metrics refused the row: 22021")
                .contains("invalid byte sequence");
        JsonNode row = JSON.readTree(letter.get("original").asText());
        assertThat(row.get("modelName").asText()).isEqualTo(model);
        assertThat(row.get("feature").asText()).isEqualTo("amount");
        assertThat(row.get("metric").asText()).isEqualTo("psi");
        assertThat(
                        new String(
                                dead.get(0).headers().lastHeader("driftwatch-reason").value(),
                                StandardCharsets.UTF_8))
                .startsWith("drift_metrics refused the row");
    }

    /**
     * The database is cut off (a proxy in front of it) while the job runs: windows that close
     * meanwhile wait in the sink, which retries with backoff; after the database is back every row
     * is stored once, equal to an uninterrupted run, and the job never restarted.
     */
    @Test
    void anOutageMidRunIsBridgedWithoutARestart(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        String model = "fraud-outage";
        int windows = 6;
        List<byte[]> records = traffic(model, windows, 0);
        int firstHalf = records.size() / 2 + 10; // windows 0-2 closed by the first events of 3

        // the run without an outage: the same records, read at full speed
        List<String> reference = topics();
        TestKafka.produce(reference.get(0), records);
        TestPostgres.Connection uninterruptedDb = migratedDatabase();
        StreamExecutionEnvironment env = env();
        DriftJob.withKafka(
                        config(reference, uninterruptedDb),
                        List.of(reference(model)),
                        OffsetsInitializer.earliest(),
                        true)
                .build(env);
        env.execute("uninterrupted");

        List<String> topics = topics();
        TestPostgres.Connection db = migratedDatabase();
        Jdbi jdbi = Jdbi.create(db.url(), db.user(), db.password());
        try (TcpProxy proxy = TcpProxy.forJdbcUrl(db.url())) {
            Configuration config = config(topics, db);
            config.set(SharedJobOptions.JDBC_URL, proxy.jdbcUrl(db.url()));
            config.set(SharedJobOptions.SINK_RETRY_BACKOFF, Duration.ofMillis(50));
            config.set(SharedJobOptions.SINK_RETRY_MAX_BACKOFF, Duration.ofSeconds(1));
            TestKafka.produce(topics.get(0), records.subList(0, firstHalf));
            env = env();
            DriftJob.withKafka(
                            config, List.of(reference(model)), OffsetsInitializer.earliest(), false)
                    .build(env);
            JobClient client = env.executeAsync("outage");
            JobID id = client.getJobID();
            await().atMost(WAIT).until(() -> windowsStored(jdbi, model) == 3);

            proxy.cut();
            long cutAt = System.nanoTime();
            TestKafka.produce(topics.get(0), records.subList(firstHalf, records.size()));
            await().atMost(WAIT)
                    .until(
                            () ->
                                    TestJobs.metric(
                                                            METRICS,
                                                            id,
                                                            "",
                                                            JdbcUpsertSink.DATABASE_UNAVAILABLE)
                                                    == 1
                                            && TestJobs.metric(
                                                            METRICS, id, "", JdbcUpsertSink.RETRIES)
                                                    >= 5);
            assertThat(windowsStored(jdbi, model)).isEqualTo(3);
            proxy.restore();
            long restoredAt = System.nanoTime();
            await().atMost(WAIT).until(() -> windowsStored(jdbi, model) == windows);
            long backAfterMs = (System.nanoTime() - restoredAt) / 1_000_000;
            await().atMost(WAIT)
                    .until(
                            () ->
                                    TestJobs.metric(
                                                    METRICS,
                                                    id,
                                                    "",
                                                    JdbcUpsertSink.DATABASE_UNAVAILABLE)
                                            == 0);
            System.out.printf(
                    "job outage: database cut for %d ms, %d sink retries, all windows stored %d ms"
                            + " after it was back, %d restarts%n",
                    (restoredAt - cutAt) / 1_000_000,
                    TestJobs.metric(METRICS, id, "", JdbcUpsertSink.RETRIES),
                    backAfterMs,
                    TestJobs.restarts(cluster, id));

            assertThat(TestJobs.restarts(cluster, id)).isZero();
            assertThat(TestJobs.metric(METRICS, id, "", JdbcUpsertSink.ROWS_REFUSED)).isZero();
            client.cancel().get();
        }
        long end = T0 + windows * MINUTE;
        StoredRows.assertSame(
                StoredRows.of(jdbi, model),
                StoredRows.of(
                        Jdbi.create(
                                uninterruptedDb.url(),
                                uninterruptedDb.user(),
                                uninterruptedDb.password()),
                        model),
                start -> start < end);
    }

    /** Windows whose event_count row is stored. */
    private static long windowsStored(Jdbi jdbi, String model) {
        return StoredRows.of(jdbi, model).values().stream()
                .filter(r -> r.metric().equals("event_count"))
                .count();
    }

    /** {@code windows} one-minute windows of 200 events, and the first events of the next one. */
    private static List<byte[]> traffic(String model, int windows, int seed) {
        Random random = new Random(seed);
        List<byte[]> out = new ArrayList<>();
        for (int w = 0; w <= windows; w++) {
            int n = w == windows ? 5 : 200;
            for (int i = 0; i < n; i++) {
                long ts = T0 + w * MINUTE + i * 250L;
                out.add(
                        event(
                                model,
                                ts,
                                i,
                                50 + (w % 2) * 8 + 10 * random.nextGaussian(),
                                new String[] {"DE", "FR", "IT"}[random.nextInt(3)],
                                random.nextDouble()));
            }
        }
        return out;
    }

    private static List<String> topics() throws Exception {
        return TestKafka.createTopics(
                "predictions", "features", "reference-profiles", "alerts", "dead-letters");
    }

    private static TestPostgres.Connection migratedDatabase() {
        TestPostgres.Connection db = TestPostgres.freshConnection();
        MetricTables.migrate(db.url(), db.user(), db.password());
        return db;
    }

    private static Configuration config(List<String> topics, TestPostgres.Connection db)
            throws Exception {
        Configuration config = TestJobs.config(topics, DriftJobOptions.FEATURES_TOPIC, db);
        config.set(SharedJobOptions.OUT_OF_ORDERNESS, Duration.ZERO);
        config.set(SharedJobOptions.QUIET_TIMEOUT, Duration.ZERO);
        return config;
    }

    private static StreamExecutionEnvironment env() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.enableCheckpointing(200);
        return env;
    }

    /**
     * drift_metrics' upsert, except that one row gets a NUL in its version (PostgreSQL refuses it).
     */
    static final class PoisonedUpsert implements JdbcUpsertSink.Upsert<DriftMetricRow> {
        private final DriftMetricsUpsert upsert = new DriftMetricsUpsert();
        private final String feature;
        private final String metric;
        private final long windowStart;

        PoisonedUpsert(String feature, String metric, long windowStart) {
            this.feature = feature;
            this.metric = metric;
            this.windowStart = windowStart;
        }

        @Override
        public String table() {
            return upsert.table();
        }

        @Override
        public String sql() {
            return upsert.sql();
        }

        @Override
        public void bind(PreparedBatch batch, DriftMetricRow row) {
            upsert.bind(batch, row);
            if (row.feature.equals(feature)
                    && row.metric.equals(metric)
                    && row.windowStart == windowStart) {
                batch.bind("model_version", row.modelVersion + "\u0000");
            }
        }

        @Override
        public DriftMetricRow copy(DriftMetricRow row) {
            return upsert.copy(row);
        }
    }
}
