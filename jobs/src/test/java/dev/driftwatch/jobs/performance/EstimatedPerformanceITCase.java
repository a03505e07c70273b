package dev.driftwatch.jobs.performance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.driftwatch.core.alert.Alert;
import dev.driftwatch.core.alert.AlertLabels;
import dev.driftwatch.core.calibration.Calibration;
import dev.driftwatch.core.profile.ReferenceProfile;
import dev.driftwatch.jobs.TestEvents;
import dev.driftwatch.jobs.TestJobs;
import dev.driftwatch.jobs.shared.MetricTables;
import dev.driftwatch.jobs.shared.SharedJobOptions;
import dev.driftwatch.testsupport.TestKafka;
import dev.driftwatch.testsupport.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Performance estimated before labels, end to end on real Kafka, PostgreSQL and a MiniCluster
 * running the performance job on unbounded sources, with labels {@value #LABEL_DELAY} windows late:
 * the test sends one window of predictions per step and the labels of the window {@value
 * #LABEL_DELAY} steps back, and waits for each step's rows before the next.
 *
 * <p>Two binary models share the stream; both score {@code sigmoid(9 x)} while the truth is {@code
 * P(y = 1 | x) = sigmoid(3 x)} (overconfident scores), so both need the isotonic calibration fitted
 * on their reference (20,000 labelled rows, x ~ ±1.2 + N(0, 0.5)):
 *
 * <ul>
 *   <li>{@code shift}: covariate shift only. Window w draws x ~ ±(1.2 - 0.15 w) + N(0, 0.5), so
 *       more predictions fall near the decision boundary and accuracy falls from 0.94 to about
 *       0.75. In every window the estimate, written when the window closes and before any label, is
 *       within {@value #K} standard errors of the realised accuracy; the {@code
 *       EstimatedPerformanceDrop} alert fires when a window closes, the {@code PerformanceDrop}
 *       alert only once its labels came.
 *   <li>{@code concept}: concept drift only. x keeps the reference's distribution, but from window
 *       3 on a share 0.08 (w - 2) of the labels is flipped (P(y | x) moved). The estimate stays at
 *       the reference accuracy, the realised accuracy falls, the estimation error grows beyond
 *       {@value #K} standard errors and the {@code EstimationError} alert fires.
 * </ul>
 *
 * The random draws are seeded, so the run is reproducible; the per-window table is printed.
 */
class EstimatedPerformanceITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static final long MINUTE = 60_000;
    private static final long T0 = Instant.parse("2026-11-26T10:00:00Z").toEpochMilli();
    private static final Duration WAIT = Duration.ofMinutes(3);

    /** Windows of predictions. */
    private static final int WINDOWS = 10;

    /** Predictions per window and model. */
    private static final int PER_WINDOW = 2000;

    /** Labels of window w are sent with the predictions of window w + LABEL_DELAY. */
    private static final int LABEL_DELAY = 3;

    /** |realised - estimated| within K standard errors in every window of the covariate shift. */
    private static final double K = 3;

    private static final String SHIFT = "shift";
    private static final String CONCEPT = "concept";

    @Test
    void theEstimateTracksCovariateShiftBeforeLabelsAndTheEstimationErrorRevealsConceptDrift()
            throws Exception {
        List<String> topics =
                TestKafka.createTopics(
                        "predictions", "labels", "reference-profiles", "alerts", "dead-letters");
        TestPostgres.Connection db = TestPostgres.connection();
        MetricTables.migrate(db.url(), db.user(), db.password());
        Jdbi jdbi = Jdbi.create(db.url(), db.user(), db.password());

        Configuration config = TestJobs.config(topics, PerformanceJobOptions.LABELS_TOPIC, db);
        config.set(SharedJobOptions.OUT_OF_ORDERNESS, Duration.ZERO);
        config.set(SharedJobOptions.QUIET_TIMEOUT, Duration.ZERO);
        config.set(SharedJobOptions.ALERT_FIRE_AFTER, 1);
        config.set(PerformanceJobOptions.TASKS, List.of(SHIFT + "=binary", CONCEPT + "=binary"));
        config.set(PerformanceJobOptions.EMIT_INTERVAL, Duration.ofMillis(500));
        config.set(PerformanceJobOptions.PERFORMANCE_RULES, List.of("accuracy drop>0.1:warning"));
        config.set(
                PerformanceJobOptions.ESTIMATED_PERFORMANCE_RULES,
                List.of("accuracy drop>0.1:warning"));
        config.set(PerformanceJobOptions.ESTIMATION_ERROR_RULES, List.of("accuracy>3:warning"));
        config.set(PerformanceJobOptions.ESTIMATION_ERROR_WINDOWS, 3);

        List<ReferenceProfile> profiles = List.of(reference(SHIFT, 1), reference(CONCEPT, 2));
        double referenceAccuracy = profiles.get(0).performance().get("accuracy");

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.enableCheckpointing(300);
        PerformanceJob.withKafka(config, profiles, OffsetsInitializer.earliest(), false).build(env);
        JobClient job = env.executeAsync("estimated-performance-e2e");
        List<Alert> alerts;
        try {
            List<List<byte[]>> shiftLabels = new ArrayList<>();
            List<List<byte[]>> conceptLabels = new ArrayList<>();
            for (int step = 0; step < WINDOWS + LABEL_DELAY; step++) {
                if (step < WINDOWS) {
                    List<byte[]> predictions = new ArrayList<>();
                    shiftLabels.add(window(SHIFT, step, 1.2 - 0.15 * step, 0, predictions));
                    conceptLabels.add(
                            window(CONCEPT, step, 1.2, 0.08 * Math.max(0, step - 2), predictions));
                    TestKafka.produce(topics.get(0), interleaved(predictions));
                } else if (step == WINDOWS) {
                    // one prediction of a model without calibration moves event time past the last
                    // window of the others
                    TestKafka.produce(
                            topics.get(0),
                            List.of(prediction("clock", "c", T0 + step * MINUTE, 0.5)));
                }
                int labelled = step - LABEL_DELAY;
                if (labelled >= 0) {
                    TestKafka.produce(topics.get(1), shiftLabels.get(labelled));
                    TestKafka.produce(topics.get(1), conceptLabels.get(labelled));
                }
                if (step >= 1 && step <= WINDOWS) {
                    long closed = start(step - 1);
                    for (String model : List.of(SHIFT, CONCEPT)) {
                        Row estimate =
                                await().atMost(WAIT)
                                        .ignoreExceptions()
                                        .until(
                                                () -> row(jdbi, model, "accuracy", true, closed),
                                                r -> r != null && r.closedBy() != null);
                        // written when the window closed, before any of its labels was sent
                        assertThat(estimate.labeled()).as("%s window %d", model, step - 1).isZero();
                        assertThat(estimate.sampleCount()).isEqualTo(PER_WINDOW);
                        assertThat(estimate.standardError()).isPositive();
                    }
                }
                if (labelled >= 0) {
                    for (String model : List.of(SHIFT, CONCEPT)) {
                        await().atMost(WAIT)
                                .ignoreExceptions()
                                .until(
                                        () ->
                                                row(
                                                        jdbi,
                                                        model,
                                                        "accuracy" + EstimationErrorRule.SUFFIX,
                                                        false,
                                                        start(labelled)),
                                        r -> r != null && r.labeled() == PER_WINDOW);
                    }
                }
            }
            alerts = awaitAlerts(topics.get(3));
        } finally {
            job.cancel().get();
        }

        StringBuilder table =
                new StringBuilder(
                        String.format(
                                Locale.ROOT,
                                "reference accuracy %.4f%n| model | window | estimated ± SE |"
                                        + " realised | (realised - estimated) / SE |%n",
                                referenceAccuracy));
        for (String model : List.of(SHIFT, CONCEPT)) {
            for (int w = 0; w < WINDOWS; w++) {
                Row estimated = row(jdbi, model, "accuracy", true, start(w));
                Row realised = row(jdbi, model, "accuracy", false, start(w));
                table.append(
                        String.format(
                                Locale.ROOT,
                                "| %s | %d | %.4f ± %.4f | %.4f | %+.2f |%n",
                                model,
                                w,
                                estimated.value(),
                                estimated.standardError(),
                                realised.value(),
                                (realised.value() - estimated.value())
                                        / estimated.standardError()));
            }
        }
        System.out.print(table);
        for (String model : List.of(SHIFT, CONCEPT)) {
            for (int w = 0; w < WINDOWS; w++) {
                Row estimated = row(jdbi, model, "accuracy", true, start(w));
                Row realised = row(jdbi, model, "accuracy", false, start(w));
                Row error =
                        row(jdbi, model, "accuracy" + EstimationErrorRule.SUFFIX, false, start(w));
                double z = (realised.value() - estimated.value()) / estimated.standardError();
                // every prediction is labelled: the error row compares with the whole estimate
                assertThat(error.value())
                        .isCloseTo(
                                realised.value() - estimated.value(),
                                org.assertj.core.data.Offset.offset(1e-9));
                assertThat(error.standardError())
                        .isCloseTo(
                                estimated.standardError(),
                                org.assertj.core.data.Offset.offset(1e-12));
                if (model.equals(SHIFT)) {
                    assertThat(Math.abs(z)).as("shift window %d", w).isLessThanOrEqualTo(K);
                } else if (w >= 3) {
                    assertThat(z).as("concept window %d", w).isLessThan(-K);
                }
            }
        }
        // the covariate shift is a real drop: realised accuracy of the last window far below the
        // reference, and the estimate followed it
        assertThat(row(jdbi, SHIFT, "accuracy", false, start(WINDOWS - 1)).value())
                .isLessThan(0.8 * referenceAccuracy);
        // the concept drift: the estimate stays, the error grows
        assertThat(row(jdbi, CONCEPT, "accuracy", true, start(WINDOWS - 1)).value())
                .isGreaterThan(0.9 * referenceAccuracy);
        assertThat(
                        row(jdbi, CONCEPT, "accuracy" + EstimationErrorRule.SUFFIX, false, start(9))
                                .value())
                .isLessThan(
                        row(jdbi, CONCEPT, "accuracy" + EstimationErrorRule.SUFFIX, false, start(4))
                                .value());

        Alert estimatedDrop = firing(alerts, PerformanceRule.ESTIMATED_DROP_ALERT, SHIFT);
        Alert realisedDrop = firing(alerts, PerformanceRule.DROP_ALERT, SHIFT);
        Alert estimationError = firing(alerts, EstimationErrorRule.ALERT, CONCEPT);
        assertThat(estimationError.label(AlertLabels.METRIC))
                .isEqualTo("accuracy_estimation_error");
        assertThat(firing(alerts, EstimationErrorRule.ALERT, SHIFT)).isNull();
        assertThat(firing(alerts, PerformanceRule.ESTIMATED_DROP_ALERT, CONCEPT)).isNull();
        assertThat(estimatedDrop).isNotNull();
        assertThat(realisedDrop).isNotNull();
        // the estimated alert was sent first, and it fired on the closing of window k (step k + 1);
        // the realised one on window j could only come with window j's labels (step j + delay)
        assertThat(alerts.indexOf(estimatedDrop)).isLessThan(alerts.indexOf(realisedDrop));
        int k = windowEndingAt(estimatedDrop.startsAt());
        int j = windowEndingAt(realisedDrop.startsAt());
        int lead = (j + LABEL_DELAY) - (k + 1);
        assertThat(lead).isPositive();
        // concept drift breaches from window 3 on; the alert needs 3 breached windows in a row
        assertThat(windowEndingAt(estimationError.startsAt())).isEqualTo(5);
        System.out.printf(
                Locale.ROOT,
                "EstimatedPerformanceDrop fired on window %d (sent when it closed, step %d);"
                        + " PerformanceDrop on window %d (sent with its labels, step %d):"
                        + " %d windows earlier%nEstimationError (concept) fired on window %d%n",
                k,
                k + 1,
                j,
                j + LABEL_DELAY,
                lead,
                windowEndingAt(estimationError.startsAt()));
    }

    /** Alerts from the topic until the three this test expects fired. */
    private static List<Alert> awaitAlerts(String topic) {
        return await().atMost(WAIT)
                .until(
                        () -> {
                            List<Alert> out = new ArrayList<>();
                            for (var r : TestKafka.readAll(topic, 3, Duration.ofSeconds(5))) {
                                out.add(
                                        Alert.fromJson(
                                                new String(r.value(), StandardCharsets.UTF_8)));
                            }
                            return out;
                        },
                        out ->
                                firing(out, PerformanceRule.ESTIMATED_DROP_ALERT, SHIFT) != null
                                        && firing(out, PerformanceRule.DROP_ALERT, SHIFT) != null
                                        && firing(out, EstimationErrorRule.ALERT, CONCEPT) != null);
    }

    private static Alert firing(List<Alert> alerts, String alertname, String model) {
        return alerts.stream()
                .filter(
                        a ->
                                a.isFiring()
                                        && alertname.equals(a.label(AlertLabels.ALERTNAME))
                                        && model.equals(a.label(AlertLabels.MODEL_NAME)))
                .findFirst()
                .orElse(null);
    }

    private static int windowEndingAt(Instant end) {
        return (int) ((end.toEpochMilli() - T0) / MINUTE) - 1;
    }

    private static long start(int window) {
        return T0 + window * MINUTE;
    }

    private static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }

    /** The model's score of x: overconfident, sigmoid(9 x) where the truth is sigmoid(3 x). */
    private static double score(double x) {
        return sigmoid(9 * x);
    }

    /**
     * The reference profile of a model: calibration fitted on 20,000 labelled reference rows and
     * the accuracy on them.
     */
    private static ReferenceProfile reference(String model, long seed) {
        Random random = new Random(seed);
        int n = 20_000;
        double[] scores = new double[n];
        boolean[] positive = new boolean[n];
        int correct = 0;
        for (int i = 0; i < n; i++) {
            double x = draw(random, 1.2);
            scores[i] = score(x);
            positive[i] = random.nextDouble() < sigmoid(3 * x);
            correct += (scores[i] >= 0.5) == positive[i] ? 1 : 0;
        }
        Calibration calibration = Calibration.fitBinary("1", scores, positive);
        assertThat(calibration.method()).isEqualTo(Calibration.Method.ISOTONIC);
        return new ReferenceProfile(
                model,
                "1",
                Instant.parse("2026-11-20T00:00:00Z"),
                TestEvents.profile(0, Instant.EPOCH).features(),
                Map.of("accuracy", (double) correct / n),
                calibration);
    }

    private static double draw(Random random, double separation) {
        return (random.nextBoolean() ? separation : -separation) + 0.5 * random.nextGaussian();
    }

    /**
     * Adds a window's predictions of the model to {@code predictions} and returns their labels, of
     * which a share {@code flipped} contradicts P(y | x).
     */
    private static List<byte[]> window(
            String model, int w, double separation, double flipped, List<byte[]> predictions) {
        Random random = new Random(1000L * w + model.hashCode());
        List<byte[]> labels = new ArrayList<>();
        for (int i = 0; i < PER_WINDOW; i++) {
            double x = draw(random, separation);
            boolean y = random.nextDouble() < sigmoid(3 * x);
            if (random.nextDouble() < flipped) {
                y = !y;
            }
            long t = start(w) + i * (MINUTE / PER_WINDOW);
            String id = w + "-" + i;
            predictions.add(prediction(model, id, t, score(x)));
            labels.add(
                    String.format(
                                    Locale.ROOT,
                                    "{\"prediction_id\":\"%s\",\"model_name\":\"%s\","
                                            + "\"timestamp\":%d,\"label\":\"%d\"}",
                                    id,
                                    model,
                                    t + LABEL_DELAY * MINUTE,
                                    y ? 1 : 0)
                            .getBytes(StandardCharsets.UTF_8));
        }
        return labels;
    }

    private static byte[] prediction(String model, String id, long t, double score) {
        return String.format(
                        Locale.ROOT,
                        "{\"prediction_id\":\"%s\",\"model_name\":\"%s\",\"model_version\":\"1\","
                                + "\"timestamp\":%d,\"features\":{\"amount\":1},"
                                + "\"prediction\":{\"score\":%s}}",
                        id,
                        model,
                        t,
                        Double.toString(score))
                .getBytes(StandardCharsets.UTF_8);
    }

    /** The two models' predictions in time order (they were added model by model). */
    private static List<byte[]> interleaved(List<byte[]> predictions) {
        int half = predictions.size() / 2;
        List<byte[]> out = new ArrayList<>(predictions.size());
        for (int i = 0; i < half; i++) {
            out.add(predictions.get(i));
            out.add(predictions.get(half + i));
        }
        return out;
    }

    /** One row of performance_metrics. */
    private record Row(
            double value, double standardError, long sampleCount, long labeled, String closedBy) {}

    private static Row row(Jdbi jdbi, String model, String metric, boolean estimated, long start) {
        return jdbi.withHandle(
                h ->
                        h.createQuery(
                                        "SELECT value, standard_error, sample_count, labeled_count,"
                                                + " closed_by FROM performance_metrics WHERE"
                                                + " model_name = :m AND model_version = '1' AND"
                                                + " segment = '' AND metric = :metric AND estimated"
                                                + " = :e AND window_start = :s")
                                .bind("m", model)
                                .bind("metric", metric)
                                .bind("e", estimated)
                                .bind(
                                        "s",
                                        OffsetDateTime.ofInstant(
                                                Instant.ofEpochMilli(start), ZoneOffset.UTC))
                                .map(
                                        (rs, ctx) ->
                                                new Row(
                                                        rs.getDouble(1),
                                                        rs.getObject(2) == null
                                                                ? Double.NaN
                                                                : rs.getDouble(2),
                                                        rs.getLong(3),
                                                        rs.getLong(4),
                                                        rs.getString(5)))
                                .findOne()
                                .orElse(null));
    }
}
