package dev.driftwatch.jobs;

import static dev.driftwatch.jobs.TestEvents.event;
import static dev.driftwatch.jobs.TestEvents.reference;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.driftwatch.jobs.drift.DriftJob;
import dev.driftwatch.jobs.drift.DriftJobOptions;
import dev.driftwatch.jobs.drift.WindowDriftFunction;
import dev.driftwatch.jobs.performance.PerformanceJob;
import dev.driftwatch.jobs.performance.PerformanceJobOptions;
import dev.driftwatch.jobs.shared.KafkaFormats;
import dev.driftwatch.jobs.shared.MetricTables;
import dev.driftwatch.jobs.shared.SharedJobOptions;
import dev.driftwatch.testsupport.TestKafka;
import dev.driftwatch.testsupport.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The fault suite: normal traffic with the {@link HostileRecords} corpus mixed in, through both
 * jobs on real Kafka, PostgreSQL and a MiniCluster. Every hostile record the contract refuses is
 * dead-lettered with a reason (counted by kind and reason), the accepted ones are not, the job
 * never restarts, and the normal traffic's rows are those of a run without the hostile records, row
 * by row, every column but computed_at.
 *
 * <p>CI runs one copy of the corpus; {@code -Ddriftwatch.faults.copies=N} mixes in N copies.
 */
class HostileTrafficITCase {
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
    private static final String MODEL = "fraud";
    private static final int WINDOWS = 3;
    private static final int COPIES = Integer.getInteger("driftwatch.faults.copies", 1);

    private int maxModels = SharedJobOptions.MAX_MODELS.defaultValue();

    /** One reference for every run: its sketches are randomized, built once they are the same. */
    private static final dev.driftwatch.core.profile.ReferenceProfile REFERENCE = reference(MODEL);

    @Test
    void theDriftJobDeadLettersHostileRecordsAndItsRowsStayTheSame(
            @InjectMiniCluster MiniCluster cluster) throws Exception {
        List<byte[]> normal = normalEvents();
        Run clean = run(cluster, true, normal, List.of(), List.of(), List.of());

        List<HostileRecords.Hostile> hostile = new ArrayList<>();
        List<byte[]> mixed = mix(normal, (copy, ts) -> HostileRecords.events(copy, ts), hostile);
        // one model version with metric groups of its own: the other one is pooled
        maxModels = 1;
        Run dirty = run(cluster, true, mixed, List.of(), hostile, HostileRecords.ACCEPTED_EVENTS);
        maxModels = SharedJobOptions.MAX_MODELS.defaultValue();

        assertThat(dirty.restarts).isZero();
        assertThat(dirty.rows).isNotEmpty().isEqualTo(clean.rows);
        java.util.Set<String> modelGroups = new java.util.TreeSet<>();
        METRICS.getMetricsByGroup()
                .keySet()
                .forEach(
                        g -> {
                            Map<String, String> v = g.getAllVariables();
                            if (dirty.id.toString().equals(v.get("<job_id>"))
                                    && v.containsKey("<model>")) {
                                modelGroups.add(v.get("<model>"));
                            }
                        });
        assertThat(modelGroups).hasSize(2).contains(WindowDriftFunction.UNTRACKED_MODELS);
        assertThat(TestJobs.metric(METRICS, dirty.id, "", "untrackedModelEvents")).isPositive();
        report("drift job", hostile.size(), dirty);
    }

    @Test
    void thePerformanceJobDeadLettersHostileRecordsAndItsRowsStayTheSame(
            @InjectMiniCluster MiniCluster cluster) throws Exception {
        List<byte[]> normal = normalEvents();
        List<byte[]> labels = normalLabels();
        Run clean = run(cluster, false, normal, labels, List.of(), List.of());

        List<HostileRecords.Hostile> hostile = new ArrayList<>();
        List<byte[]> mixedEvents =
                mix(normal, (copy, ts) -> HostileRecords.events(copy, ts), hostile);
        List<HostileRecords.Hostile> hostileLabels = new ArrayList<>();
        List<byte[]> mixedLabels =
                mix(labels, (copy, ts) -> HostileRecords.labels(copy, ts), hostileLabels);
        // the job reads the predictions topic that the drift job reads and dead-letters: it drops
        // invalid predictions (counted in invalidEvents) and dead-letters invalid labels only
        Run dirty =
                run(
                        cluster,
                        false,
                        mixedEvents,
                        mixedLabels,
                        hostileLabels,
                        HostileRecords.ACCEPTED_LABELS);

        assertThat(dirty.restarts).isZero();
        assertThat(dirty.rows).isNotEmpty().isEqualTo(clean.rows);
        report("performance job", hostile.size() + hostileLabels.size(), dirty);
    }

    /** The outcome of one run: the normal model's rows, dead letters by kind and reason. */
    private record Run(
            List<String> rows,
            Map<String, Integer> deadByKind,
            Map<String, Integer> byReason,
            int restarts,
            long millis,
            JobID id) {}

    private interface Corpus {
        List<HostileRecords.Hostile> at(int copy, long ts);
    }

    /** The records with {@code COPIES} copies of the corpus spread over them. */
    private static List<byte[]> mix(
            List<byte[]> records, Corpus corpus, List<HostileRecords.Hostile> mixedIn) {
        List<byte[]> out = new ArrayList<>();
        int every = Math.max(1, records.size() / (COPIES + 1));
        int copy = 0;
        for (int i = 0; i < records.size(); i++) {
            out.add(records.get(i));
            if (i > 0 && i % every == 0 && copy < COPIES) {
                // at the time of the normal record before: no hostile record moves event time
                long ts = timestampOf(records.get(i));
                for (HostileRecords.Hostile h : corpus.at(copy++, ts)) {
                    mixedIn.add(h);
                    out.add(h.value());
                }
            }
        }
        return out;
    }

    private static long timestampOf(byte[] record) {
        try {
            return JSON.readTree(record).get("timestamp").asLong();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private Run run(
            MiniCluster cluster,
            boolean drift,
            List<byte[]> events,
            List<byte[]> labels,
            List<HostileRecords.Hostile> hostile,
            List<String> accepted)
            throws Exception {
        List<String> topics =
                TestKafka.createTopics(
                        "predictions", "second", "reference-profiles", "alerts", "dead-letters");
        TestKafka.produce(topics.get(0), events);
        TestKafka.produce(topics.get(1), labels);
        TestPostgres.Connection db = TestPostgres.freshConnection();
        MetricTables.migrate(db.url(), db.user(), db.password());
        Configuration config =
                TestJobs.config(
                        topics,
                        drift ? DriftJobOptions.FEATURES_TOPIC : PerformanceJobOptions.LABELS_TOPIC,
                        db);
        config.set(SharedJobOptions.OUT_OF_ORDERNESS, Duration.ZERO);
        config.set(SharedJobOptions.QUIET_TIMEOUT, Duration.ZERO);
        config.set(SharedJobOptions.MAX_EVENT_BYTES, 512 * 1024);
        config.set(SharedJobOptions.MAX_MODELS, maxModels);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.enableCheckpointing(300);
        if (drift) {
            DriftJob.withKafka(config, List.of(REFERENCE), OffsetsInitializer.earliest(), true)
                    .build(env);
        } else {
            PerformanceJob.withKafka(config, List.of(), OffsetsInitializer.earliest(), true)
                    .build(env);
        }
        long start = System.nanoTime();
        JobID id = env.execute(drift ? "drift-faults" : "performance-faults").getJobID();
        long millis = (System.nanoTime() - start) / 1_000_000;

        int expectedDead = 0;
        Map<String, String> kindOf = new HashMap<>();
        for (HostileRecords.Hostile h : hostile) {
            kindOf.merge(key(h.value()), h.kind(), (a, b) -> a.equals(b) ? a : a + "|" + b);
            if (!accepted.contains(h.kind())) {
                expectedDead++;
            }
        }
        List<ConsumerRecord<byte[], byte[]>> dead =
                TestKafka.readAll(topics.get(4), expectedDead, Duration.ofSeconds(60));
        Map<String, Integer> deadByKind = new TreeMap<>();
        Map<String, Integer> byReason = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : dead) {
            JsonNode letter = JSON.readTree(r.value());
            String reason = letter.get("reason").asText();
            assertThat(reason).isNotBlank();
            byte[] original = Base64.getDecoder().decode(letter.get("original_base64").asText());
            String kind = kindOf.get(key(original));
            if (kind == null && reason.startsWith("event time")) {
                kind = "pre-1970-timestamp"; // dead-lettered by the windows, as a summary
            }
            assertThat(kind).as("dead letter of no hostile record: %s", reason).isNotNull();
            deadByKind.merge(kind, 1, Integer::sum);
            byReason.merge(reasonClass(reason), 1, Integer::sum);
        }
        Map<String, Integer> expected = new TreeMap<>();
        for (HostileRecords.Hostile h : hostile) {
            if (!accepted.contains(h.kind())) {
                expected.merge(kindOf.get(key(h.value())), 1, Integer::sum);
            }
        }
        assertThat(deadByKind).as("dead letters by kind").isEqualTo(expected);
        return new Run(
                rows(Jdbi.create(db.url(), db.user(), db.password()), drift),
                deadByKind,
                byReason,
                TestJobs.restarts(cluster, id),
                millis,
                id);
    }

    /** A record's identity among dead letters: its first bytes as a dead letter carries them. */
    private static String key(byte[] value) {
        byte[] v = value == null ? new byte[0] : value;
        return Base64.getEncoder()
                .encodeToString(
                        Arrays.copyOf(
                                v, Math.min(v.length, KafkaFormats.DEAD_LETTER_ORIGINAL_LIMIT)));
    }

    /** A reason without the values it quotes, to count reasons by class. */
    private static String reasonClass(String reason) {
        String r = reason.replaceAll("'[^']*'", "'…'").replaceAll("[0-9]+", "N");
        return r.length() > 90 ? r.substring(0, 90) + "…" : r;
    }

    /** The normal model's rows, every column but computed_at, as text in a stable order. */
    private static List<String> rows(Jdbi jdbi, boolean drift) {
        String table = drift ? "drift_metrics" : "performance_metrics";
        return jdbi.withHandle(
                h ->
                        h
                                .createQuery("SELECT * FROM " + table + " WHERE model_name = :m")
                                .bind("m", MODEL)
                                .mapToMap()
                                .list()
                                .stream()
                                .map(
                                        r -> {
                                            Map<String, Object> row = new TreeMap<>(r);
                                            row.remove("computed_at");
                                            return row.toString();
                                        })
                                .sorted()
                                .toList());
    }

    private static void report(String job, int hostile, Run run) {
        StringBuilder s = new StringBuilder();
        s.append(
                String.format(
                        Locale.ROOT,
                        "fault suite, %s: %d hostile records (%d copies), %d dead letters, %d"
                                + " restarts, %d normal rows identical, run %d ms%n",
                        job,
                        hostile,
                        COPIES,
                        run.deadByKind.values().stream().mapToInt(Integer::intValue).sum(),
                        run.restarts,
                        run.rows.size(),
                        run.millis));
        run.deadByKind.forEach((k, n) -> s.append(String.format("  kind %-34s %d%n", k, n)));
        run.byReason.forEach((k, n) -> s.append(String.format("  reason %5d  %s%n", n, k)));
        System.out.print(s);
    }

    /** {@code WINDOWS} one-minute windows of 200 events of the normal model, and 5 more. */
    private static List<byte[]> normalEvents() {
        Random random = new Random(7);
        List<byte[]> out = new ArrayList<>();
        for (int w = 0; w <= WINDOWS; w++) {
            int n = w == WINDOWS ? 5 : 200;
            for (int i = 0; i < n; i++) {
                long ts = T0 + w * MINUTE + i * 250L;
                out.add(
                        event(
                                MODEL,
                                ts,
                                i,
                                50 + 10 * random.nextGaussian(),
                                new String[] {"DE", "FR", "IT"}[random.nextInt(3)],
                                random.nextDouble()));
            }
        }
        return out;
    }

    /** A label for two of every three normal predictions. */
    private static List<byte[]> normalLabels() throws Exception {
        List<byte[]> out = new ArrayList<>();
        Random random = new Random(11);
        for (byte[] e : normalEvents()) {
            JsonNode n = JSON.readTree(e);
            if (random.nextInt(3) == 0) {
                continue;
            }
            out.add(
                    String.format(
                                    Locale.ROOT,
                                    "{\"prediction_id\": \"%s\", \"model_name\": \"%s\","
                                            + " \"timestamp\": %d, \"label\": \"%d\"}",
                                    n.get("prediction_id").asText(),
                                    MODEL,
                                    n.get("timestamp").asLong() + 1000,
                                    random.nextInt(2))
                            .getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }
}
