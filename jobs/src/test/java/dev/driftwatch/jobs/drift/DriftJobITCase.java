package dev.driftwatch.jobs.drift;

import static dev.driftwatch.jobs.TestEvents.event;
import static dev.driftwatch.jobs.TestEvents.reference;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.driftwatch.core.alert.Alert;
import dev.driftwatch.core.drift.DriftPolicies;
import dev.driftwatch.core.drift.DriftRule;
import dev.driftwatch.core.drift.FeatureMetrics;
import dev.driftwatch.core.drift.ProfileComparison;
import dev.driftwatch.core.drift.Statistic;
import dev.driftwatch.core.drift.WindowDistribution;
import dev.driftwatch.core.profile.CategoricalReference;
import dev.driftwatch.core.profile.NumericReference;
import dev.driftwatch.core.profile.ReferenceProfile;
import dev.driftwatch.core.profile.WindowProfile;
import dev.driftwatch.core.stats.EmpiricalDistribution;
import dev.driftwatch.core.stats.KolmogorovSmirnov;
import dev.driftwatch.core.stats.WassersteinDistance;
import dev.driftwatch.jobs.TestJobs;
import dev.driftwatch.jobs.shared.MetricTables;
import dev.driftwatch.jobs.shared.SharedJobOptions;
import dev.driftwatch.testsupport.TestKafka;
import dev.driftwatch.testsupport.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The drift job end to end on a real Kafka broker, a real PostgreSQL and Flink's MiniCluster:
 * events with a known drift in, rows in drift_metrics equal to drift-core's batch comparison of the
 * same window's values, an alert that fires and later resolves, dead letters for bad records.
 */
class DriftJobITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long T0 = Instant.parse("2026-11-26T10:00:00Z").toEpochMilli();
    private static final long MINUTE = 60_000;
    private static Jdbi jdbi;
    private static TestPostgres.Connection db;

    @BeforeAll
    static void schema() throws Exception {
        db = TestPostgres.connection();
        MetricTables.migrate(db.url(), db.user(), db.password());
        jdbi = Jdbi.create(db.url(), db.user(), db.password());
    }

    @Test
    void driftIsMeasuredStoredAndAlerted() throws Exception {
        runAndCheck("fraud-e2e", job -> job);
    }

    /**
     * A task failure while writing drift_metrics: Flink restarts the job from its last checkpoint
     * (or the start), the rows come out the same (upserts) and no alert is duplicated
     * (transactions).
     */
    @Test
    void aRestartAfterAFailureRewritesTheSameRowsAndNoDuplicateAlert() throws Exception {
        FailingOnceSink.failed.set(false);
        runAndCheck(
                "fraud-restart",
                job -> job.withMetricsSink(new FailingOnceSink(job.metricsSink())));
        assertThat(FailingOnceSink.failed.get()).as("the injected failure happened").isTrue();
    }

    private void runAndCheck(String model, java.util.function.UnaryOperator<DriftJob> wrap)
            throws Exception {
        List<String> topics =
                TestKafka.createTopics(
                        "predictions", "features", "reference-profiles", "alerts", "dead-letters");
        ReferenceProfile reference = reference(model);

        // Four one-minute windows: clean, drifted (amount +15), clean, clean.
        double[] shifts = {0, 15, 0, 0};
        List<byte[]> records = new ArrayList<>();
        // First of all, a valid event stamped in the year 2999: it must not move event time (else
        // every later event of the subtask would be too late, and drift detection blind)
        records.add(
                event(
                        model,
                        java.time.Instant.parse("2999-01-01T00:00:00Z").toEpochMilli(),
                        0,
                        50,
                        "DE",
                        0.5));
        List<List<Double>> amounts = new ArrayList<>();
        List<java.util.Map<String, Long>> countries = new ArrayList<>();
        WindowProfile[] expected = new WindowProfile[shifts.length];
        Random random = new Random(2);
        for (int w = 0; w < shifts.length; w++) {
            expected[w] = reference.newWindow();
            amounts.add(new ArrayList<>());
            countries.add(new java.util.HashMap<>());
            for (int i = 0; i < 600; i++) {
                long ts = T0 + w * MINUTE + (i * 97L) % MINUTE;
                double amount = 50 + shifts[w] + 10 * random.nextGaussian();
                String country = new String[] {"DE", "FR", "IT"}[random.nextInt(3)];
                double score = random.nextDouble();
                records.add(event(model, ts, i, amount, country, score));
                expected[w].numeric(0).update(amount);
                expected[w].categorical(1).update(country);
                expected[w].numeric(2).update(score);
                amounts.get(w).add(amount);
                countries.get(w).merge(country, 1L, Long::sum);
            }
        }
        // Bad records: each kind goes to the dead-letter topic with its reason.
        records.add("this is not json".getBytes(StandardCharsets.UTF_8));
        records.add(
                ("{\"prediction_id\":\"x\",\"model_name\":\""
                                + model
                                + "\",\"model_version\":\"1\","
                                + "\"features\":{}}")
                        .getBytes(StandardCharsets.UTF_8));
        records.add(
                ("{\"prediction_id\":\"x\",\"model_name\":\""
                                + model
                                + "\",\"model_version\":\"1\","
                                + "\"timestamp\":\"soon\",\"features\":{}}")
                        .getBytes(StandardCharsets.UTF_8));
        records.add(
                ("{\"prediction_id\":\"x\",\"model_name\":\""
                                + model
                                + "\",\"model_version\":\"1\","
                                + "\"timestamp\":"
                                + (T0 + 5)
                                + ",\"features\":{\"amount\":[1,2]}}")
                        .getBytes(StandardCharsets.UTF_8));
        records.add(("{\"pad\":\"" + "x".repeat(3000) + "\"}").getBytes(StandardCharsets.UTF_8));
        // values PostgreSQL would refuse in a key column: a NUL, and a name past its index limit
        records.add(
                new String(event(model, T0 + 7, 7, 50, "DE", 0.5), StandardCharsets.UTF_8)
                        .replace("\"model_version\":\"1\"", "\"model_version\":\"1\\u0000x\"")
                        .getBytes(StandardCharsets.UTF_8));
        records.add(event("m".repeat(1500), T0 + 8, 8, 50, "DE", 0.5));
        TestKafka.produce(topics.get(0), records);

        Configuration config = TestJobs.config(topics, DriftJobOptions.FEATURES_TOPIC, db);
        config.set(SharedJobOptions.OUT_OF_ORDERNESS, Duration.ZERO);
        config.set(SharedJobOptions.MAX_EVENT_BYTES, 2000);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.enableCheckpointing(300);
        wrap.apply(
                        DriftJob.withKafka(
                                        config,
                                        List.of(reference),
                                        OffsetsInitializer.earliest(),
                                        true)
                                // the PSI decisions and alerts below are the threshold rule's
                                .withPolicies(DriftPolicies.of(DriftRule.THRESHOLD)))
                .build(env);
        env.execute("drift-job-e2e");

        // drift_metrics rows equal drift-core's batch comparison of the same window values
        for (int w = 0; w < shifts.length; w++) {
            List<FeatureMetrics> batch = ProfileComparison.compare(reference, expected[w]);
            long start = T0 + w * MINUTE;
            for (FeatureMetrics m : batch) {
                for (String metric :
                        List.of(Statistic.PSI.metric(), Statistic.JENSEN_SHANNON.metric())) {
                    double stored = value(model, m.feature(), metric, start);
                    assertThat(stored)
                            .as("%s %s window %d", m.feature(), metric, w)
                            .isCloseTo(
                                    m.metrics().get(metric),
                                    org.assertj.core.data.Offset.offset(1e-12));
                }
            }
            // streamed KS and W1 are within their stated bounds of the exact values between the
            // reference profile's distribution and the window's values
            double ks = value(model, "amount", Statistic.KS.metric(), start);
            double bound = value(model, "amount", Statistic.KS_ERROR_BOUND.metric(), start);
            double[] sample = amounts.get(w).stream().mapToDouble(Double::doubleValue).toArray();
            EmpiricalDistribution referenceAmounts =
                    ((NumericReference) reference.feature("amount")).distribution();
            double exact =
                    KolmogorovSmirnov.statistic(
                            referenceAmounts, EmpiricalDistribution.ofSample(sample));
            assertThat(Math.abs(ks - exact)).isLessThanOrEqualTo(bound + 1e-12);
            double w1 = value(model, "amount", Statistic.WASSERSTEIN.metric(), start);
            double w1Bound =
                    value(model, "amount", Statistic.WASSERSTEIN_ERROR_BOUND.metric(), start);
            double w1Exact =
                    WassersteinDistance.distance(
                            referenceAmounts, EmpiricalDistribution.ofSample(sample));
            assertThat(Math.abs(w1 - w1Exact)).isLessThanOrEqualTo(w1Bound + 1e-9 * w1Exact);
            assertThat(value(model, "", WindowDriftFunction.EVENT_COUNT, start)).isEqualTo(600.0);
            storedDistributionsAreTheWindowsCounts(
                    model, start, reference, amounts.get(w), countries.get(w));
        }
        assertThat(detected(model, "amount", Statistic.PSI.metric(), T0)).isFalse();
        assertThat(detected(model, "amount", Statistic.PSI.metric(), T0 + MINUTE)).isTrue();
        assertThat(detected(model, "amount", Statistic.PSI.metric(), T0 + 2 * MINUTE)).isFalse();
        assertThat(value(model, "", WindowDriftFunction.INVALID_EVENTS, T0)).isEqualTo(1.0);
        assertThat(value(model, "prediction.score", Statistic.PSI.metric(), T0)).isLessThan(0.1);

        // one alert for amount fires in window 1 and resolves after two clean windows
        List<ConsumerRecord<byte[], byte[]>> alerts =
                TestKafka.readAll(topics.get(3), 2, Duration.ofSeconds(20));
        List<Alert> amountAlerts = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : alerts) {
            Alert a = Alert.fromJson(new String(r.value(), StandardCharsets.UTF_8));
            if (a.label("feature").equals("amount")) {
                amountAlerts.add(a);
            }
        }
        assertThat(amountAlerts).hasSize(2);
        assertThat(amountAlerts.get(0).isFiring()).isTrue();
        assertThat(amountAlerts.get(0).label("alertname")).isEqualTo("FeatureDrift");
        assertThat(amountAlerts.get(0).label("metric")).isEqualTo("psi");
        assertThat(amountAlerts.get(0).startsAt()).isEqualTo(Instant.ofEpochMilli(T0 + 2 * MINUTE));
        assertThat(amountAlerts.get(1).isFiring()).isFalse();
        assertThat(amountAlerts.get(1).fingerprint()).isEqualTo(amountAlerts.get(0).fingerprint());
        assertThat(amountAlerts.get(1).endsAt()).isEqualTo(Instant.ofEpochMilli(T0 + 4 * MINUTE));

        // dead letters carry the reason and the original bytes
        List<ConsumerRecord<byte[], byte[]>> dead =
                TestKafka.readAll(topics.get(4), 8, Duration.ofSeconds(20));
        List<String> reasons = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : dead) {
            JsonNode d = JSON.readTree(r.value());
            reasons.add(d.get("reason").asText());
            assertThat(d.get("source_topic").asText()).isEqualTo(topics.get(0));
            assertThat(d.get("original_base64").asText()).isNotEmpty();
        }
        assertThat(reasons)
                .hasSize(8)
                .anySatisfy(
                        r -> assertThat(r).contains("timestamp 2999-01-01T00:00:00Z is more than"))
                .anySatisfy(
                        r ->
                                assertThat(r)
                                        .contains(
                                                "field 'model_version' contains a control character"
                                                        + " (U+0000)"))
                .anySatisfy(
                        r ->
                                assertThat(r)
                                        .contains(
                                                "field 'model_name' is longer than 256 characters"))
                .anySatisfy(r -> assertThat(r).startsWith("malformed JSON"))
                .anySatisfy(r -> assertThat(r).contains("missing required field 'timestamp'"))
                .anySatisfy(r -> assertThat(r).contains("unparseable timestamp 'soon'"))
                .anySatisfy(r -> assertThat(r).contains("feature 'amount' must be"))
                .anySatisfy(r -> assertThat(r).contains("exceeds the limit of 2000"));
    }

    /**
     * The psi rows carry the window's distribution: its counts per reference bin equal the events'
     * amounts binned here by a linear scan of the reference edges, its country counts those of the
     * events; the reference side is the profile's. Only psi rows carry one.
     */
    private static void storedDistributionsAreTheWindowsCounts(
            String model,
            long start,
            ReferenceProfile reference,
            List<Double> amounts,
            java.util.Map<String, Long> countries) {
        NumericReference amountRef = (NumericReference) reference.feature("amount");
        double[] edges = amountRef.edges();
        long[] expected = new long[edges.length + 1];
        for (double v : amounts) {
            int bin = 0;
            while (bin < edges.length && v >= edges[bin]) {
                bin++;
            }
            expected[bin]++;
        }
        WindowDistribution amount = distribution(model, "amount", start);
        assertThat(amount.edges()).containsExactly(edges);
        assertThat(amount.current()).as("amount per bin").containsExactly(expected);
        assertThat(amount.reference()).containsExactly(amountRef.binCounts());

        WindowDistribution country = distribution(model, "country", start);
        java.util.Map<String, Long> stored = new java.util.HashMap<>();
        for (int i = 0; i < country.categories().size(); i++) {
            if (country.current()[i] > 0) {
                stored.put(country.categories().get(i), country.current()[i]);
            }
        }
        assertThat(stored).isEqualTo(countries);
        assertThat(country.currentOther()).isZero();
        CategoricalReference countryRef = (CategoricalReference) reference.feature("country");
        for (int i = 0; i < country.categories().size(); i++) {
            assertThat(country.reference()[i])
                    .isEqualTo(
                            countryRef
                                    .categoryCounts()[
                                    countryRef.indexOf(country.categories().get(i))]);
        }
        long withDistribution =
                jdbi.withHandle(
                        h ->
                                h.createQuery(
                                                "SELECT count(*) FROM drift_metrics WHERE"
                                                        + " model_name = :m AND window_start = :s"
                                                        + " AND distribution IS NOT NULL AND"
                                                        + " metric <> 'psi'")
                                        .bind("m", model)
                                        .bind("s", time(start))
                                        .mapTo(Long.class)
                                        .one());
        assertThat(withDistribution).as("rows other than psi with a distribution").isZero();
    }

    private static WindowDistribution distribution(String model, String feature, long start) {
        String json =
                jdbi.withHandle(
                        h ->
                                h.createQuery(
                                                "SELECT distribution::text FROM drift_metrics WHERE"
                                                        + " model_name = :m AND feature = :f AND"
                                                        + " metric = 'psi' AND window_start = :s"
                                                        + " AND window_seconds = 60")
                                        .bind("m", model)
                                        .bind("f", feature)
                                        .bind("s", time(start))
                                        .mapTo(String.class)
                                        .one());
        assertThat(json).as("%s distribution", feature).isNotNull();
        return WindowDistribution.fromJson(json);
    }

    private static java.time.OffsetDateTime time(long millis) {
        return java.time.OffsetDateTime.ofInstant(
                Instant.ofEpochMilli(millis), java.time.ZoneOffset.UTC);
    }

    private static double value(String model, String feature, String metric, long start) {
        return jdbi.withHandle(
                h ->
                        h.createQuery(
                                        "SELECT value FROM drift_metrics WHERE model_name = :m AND"
                                                + " feature = :f AND metric = :metric AND window_start ="
                                                + " :s AND window_seconds = 60")
                                .bind("m", model)
                                .bind("f", feature)
                                .bind("metric", metric)
                                .bind(
                                        "s",
                                        java.time.OffsetDateTime.ofInstant(
                                                Instant.ofEpochMilli(start),
                                                java.time.ZoneOffset.UTC))
                                .mapTo(Double.class)
                                .one());
    }

    private static boolean detected(String model, String feature, String metric, long start) {
        return jdbi.withHandle(
                h ->
                        h.createQuery(
                                        "SELECT drift_detected FROM drift_metrics WHERE model_name = :m"
                                                + " AND feature = :f AND metric = :metric AND"
                                                + " window_start = :s AND window_seconds = 60")
                                .bind("m", model)
                                .bind("f", feature)
                                .bind("metric", metric)
                                .bind(
                                        "s",
                                        java.time.OffsetDateTime.ofInstant(
                                                Instant.ofEpochMilli(start),
                                                java.time.ZoneOffset.UTC))
                                .mapTo(Boolean.class)
                                .one());
    }

    /** Wraps a sink; its first writer fails once, after a checkpoint had time to complete. */
    static final class FailingOnceSink
            implements org.apache.flink.api.connector.sink2.Sink<
                    dev.driftwatch.jobs.records.DriftMetricRow> {
        static final java.util.concurrent.atomic.AtomicBoolean failed =
                new java.util.concurrent.atomic.AtomicBoolean();
        private final org.apache.flink.api.connector.sink2.Sink<
                        dev.driftwatch.jobs.records.DriftMetricRow>
                delegate;

        FailingOnceSink(
                org.apache.flink.api.connector.sink2.Sink<
                                dev.driftwatch.jobs.records.DriftMetricRow>
                        delegate) {
            this.delegate = delegate;
        }

        @Override
        public org.apache.flink.api.connector.sink2.SinkWriter<
                        dev.driftwatch.jobs.records.DriftMetricRow>
                createWriter(org.apache.flink.api.connector.sink2.WriterInitContext context)
                        throws java.io.IOException {
            var writer = delegate.createWriter(context);
            return new org.apache.flink.api.connector.sink2.SinkWriter<>() {
                private int written;

                @Override
                public void write(dev.driftwatch.jobs.records.DriftMetricRow row, Context ctx)
                        throws java.io.IOException, InterruptedException {
                    writer.write(row, ctx);
                    if (++written == 100 && failed.compareAndSet(false, true)) {
                        Thread.sleep(1000); // lets a checkpoint complete first
                        throw new java.io.IOException("injected failure after 100 rows");
                    }
                }

                @Override
                public void flush(boolean endOfInput)
                        throws java.io.IOException, InterruptedException {
                    writer.flush(endOfInput);
                }

                @Override
                public void close() throws Exception {
                    writer.close();
                }
            };
        }
    }
}
