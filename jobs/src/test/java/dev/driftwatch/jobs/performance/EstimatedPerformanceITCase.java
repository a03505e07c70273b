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
import java.nio.file.Files;
import java.nio.file.Path;
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
 *   <li>{@code classes}: a multiclass model (classes a, b, c) whose events carry {@code
 *       prediction.probabilities}: the true P(y = k | x) = softmax over k of -1.2 (x - m_k)^2, m =
 *       (-1.5, 0, 1.5), so its probabilities are calibrated. Covariate shift only: window w draws x
 *       around m_j moved a share 0.1 w of the way to the nearest boundary between classes (±0.75),
 *       with noise N(0, 0.35). In every window the estimated accuracy, f1_macro and f1_weighted are
 *       within {@value #K} standard errors of the realised ones, and {@code
 *       EstimatedPerformanceDrop} fires.
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
    private static final String CLASSES = "classes";
    private static final List<String> CLASS_NAMES = List.of("a", "b", "c");
    private static final double[] CLASS_CENTERS = {-1.5, 0, 1.5};
    private static final List<String> MODELS = List.of(SHIFT, CONCEPT, CLASSES);

    /** The multiclass metrics both estimated and realised, compared in every window. */
    private static final List<String> MULTICLASS_METRICS =
            List.of("accuracy", "f1_macro", "f1_weighted");

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
        config.set(
                PerformanceJobOptions.TASKS,
                List.of(SHIFT + "=binary", CONCEPT + "=binary", CLASSES + "=multiclass"));
        config.set(PerformanceJobOptions.EMIT_INTERVAL, Duration.ofMillis(500));
        config.set(PerformanceJobOptions.PERFORMANCE_RULES, List.of("accuracy drop>0.1:warning"));
        config.set(
                PerformanceJobOptions.ESTIMATED_PERFORMANCE_RULES,
                List.of("accuracy drop>0.1:warning"));
        config.set(PerformanceJobOptions.ESTIMATION_ERROR_RULES, List.of("accuracy>3:warning"));
        config.set(PerformanceJobOptions.ESTIMATION_ERROR_WINDOWS, 3);

        List<ReferenceProfile> profiles =
                List.of(reference(SHIFT, 1), reference(CONCEPT, 2), multiclassReference(3));
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
            List<List<byte[]>> classLabels = new ArrayList<>();
            for (int step = 0; step < WINDOWS + LABEL_DELAY; step++) {
                if (step < WINDOWS) {
                    List<byte[]> shift = new ArrayList<>();
                    List<byte[]> concept = new ArrayList<>();
                    List<byte[]> classes = new ArrayList<>();
                    shiftLabels.add(window(SHIFT, step, 1.2 - 0.15 * step, 0, shift));
                    conceptLabels.add(
                            window(CONCEPT, step, 1.2, 0.08 * Math.max(0, step - 2), concept));
                    classLabels.add(multiclassWindow(step, 0.1 * step, classes));
                    TestKafka.produce(topics.get(0), interleaved(shift, concept, classes));
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
                    TestKafka.produce(topics.get(1), classLabels.get(labelled));
                }
                if (step >= 1 && step <= WINDOWS) {
                    long closed = start(step - 1);
                    for (String model : MODELS) {
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
                    for (String model : MODELS) {
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
        table.append(
                String.format(
                        Locale.ROOT,
                        "multiclass reference accuracy %.4f%n| window | %s |%n",
                        profiles.get(2).performance().get("accuracy"),
                        String.join(" | ", MULTICLASS_METRICS)
                                + " (estimated ± SE / realised / z)"));
        for (int w = 0; w < WINDOWS; w++) {
            table.append("| ").append(w);
            for (String metric : MULTICLASS_METRICS) {
                Row estimated = row(jdbi, CLASSES, metric, true, start(w));
                Row realised = row(jdbi, CLASSES, metric, false, start(w));
                table.append(
                        String.format(
                                Locale.ROOT,
                                " | %.4f ± %.4f / %.4f / %+.2f",
                                estimated.value(),
                                estimated.standardError(),
                                realised.value(),
                                (realised.value() - estimated.value())
                                        / estimated.standardError()));
            }
            table.append(String.format(Locale.ROOT, " |%n"));
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
        // multiclass: every metric both have within K standard errors, and its estimation error row
        // is realised - estimated (every prediction labelled)
        for (int w = 0; w < WINDOWS; w++) {
            for (String metric : MULTICLASS_METRICS) {
                Row estimated = row(jdbi, CLASSES, metric, true, start(w));
                Row realised = row(jdbi, CLASSES, metric, false, start(w));
                Row error =
                        row(jdbi, CLASSES, metric + EstimationErrorRule.SUFFIX, false, start(w));
                assertThat(Math.abs(realised.value() - estimated.value()))
                        .as("classes %s window %d", metric, w)
                        .isLessThanOrEqualTo(K * estimated.standardError());
                assertThat(error.value())
                        .isCloseTo(
                                realised.value() - estimated.value(),
                                org.assertj.core.data.Offset.offset(1e-9));
            }
        }
        double multiclassReference = profiles.get(2).performance().get("accuracy");
        assertThat(row(jdbi, CLASSES, "accuracy", false, start(WINDOWS - 1)).value())
                .isLessThan(0.85 * multiclassReference);
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

        cookbookPerDayMatchesTheWindows(jdbi);

        Alert estimatedDrop = firing(alerts, PerformanceRule.ESTIMATED_DROP_ALERT, SHIFT);
        Alert realisedDrop = firing(alerts, PerformanceRule.DROP_ALERT, SHIFT);
        Alert estimationError = firing(alerts, EstimationErrorRule.ALERT, CONCEPT);
        assertThat(estimationError.label(AlertLabels.METRIC))
                .isEqualTo("accuracy_estimation_error");
        assertThat(firing(alerts, EstimationErrorRule.ALERT, SHIFT)).isNull();
        assertThat(firing(alerts, PerformanceRule.ESTIMATED_DROP_ALERT, CONCEPT)).isNull();
        assertThat(firing(alerts, EstimationErrorRule.ALERT, CLASSES)).isNull();
        Alert multiclassDrop = firing(alerts, PerformanceRule.ESTIMATED_DROP_ALERT, CLASSES);
        assertThat(multiclassDrop).isNotNull();
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
                        + " %d windows earlier%nEstimationError (concept) fired on window %d%n"
                        + "EstimatedPerformanceDrop (classes) fired on window %d%n",
                k,
                k + 1,
                j,
                j + LABEL_DELAY,
                lead,
                windowEndingAt(estimationError.startsAt()),
                windowEndingAt(multiclassDrop.startsAt()));
    }

    /**
     * The SQL cookbook's "estimated vs realised accuracy per day" query, as the docs print it, run
     * on this database for the covariate-shift model: one day, whose figures are the windows' own
     * combined as the cookbook says (means weighted by predictions and labels; the standard error
     * sqrt(sum((n se)^2)) / sum(n)).
     */
    private static void cookbookPerDayMatchesTheWindows(Jdbi jdbi) throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "sql-cookbook.md"));
        int from = doc.indexOf("-- estimated vs realised accuracy per day");
        assertThat(from).as("the cookbook's per-day query").isNotNegative();
        String query =
                doc.substring(from, doc.indexOf(';', from)).replace("'fraud'", "'" + SHIFT + "'");
        double estimated = 0;
        double variance = 0;
        double realised = 0;
        for (int w = 0; w < WINDOWS; w++) {
            Row e = row(jdbi, SHIFT, "accuracy", true, start(w));
            Row r = row(jdbi, SHIFT, "accuracy", false, start(w));
            estimated += e.value() * e.sampleCount();
            variance += Math.pow(e.sampleCount() * e.standardError(), 2);
            realised += r.value() * r.labeled();
        }
        long n = (long) WINDOWS * PER_WINDOW;
        List<Map<String, Object>> days =
                jdbi.withHandle(h -> h.createQuery(query).mapToMap().list());
        assertThat(days).hasSize(1);
        Map<String, Object> day = days.get(0);
        assertThat(((Number) day.get("estimated")).doubleValue())
                .isCloseTo(estimated / n, org.assertj.core.data.Offset.offset(5e-5));
        assertThat(((Number) day.get("estimated_se")).doubleValue())
                .isCloseTo(Math.sqrt(variance) / n, org.assertj.core.data.Offset.offset(5e-5));
        assertThat(((Number) day.get("realised")).doubleValue())
                .isCloseTo(realised / n, org.assertj.core.data.Offset.offset(5e-5));
        assertThat(((Number) day.get("labelled")).longValue()).isEqualTo(n);
        assertThat(((Number) day.get("predictions")).longValue()).isEqualTo(n);
    }

    /** Alerts from the topic until the four this test expects fired. */
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
                                        && firing(
                                                        out,
                                                        PerformanceRule.ESTIMATED_DROP_ALERT,
                                                        CLASSES)
                                                != null
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

    /** The models' predictions of one window in time order (each list is in time order). */
    @SafeVarargs
    private static List<byte[]> interleaved(List<byte[]>... models) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < PER_WINDOW; i++) {
            for (List<byte[]> m : models) {
                out.add(m.get(i));
            }
        }
        return out;
    }

    /** The true class probabilities of x, which the multiclass model reports (calibrated). */
    private static double[] classProbabilities(double x) {
        double[] p = new double[CLASS_CENTERS.length];
        double sum = 0;
        for (int k = 0; k < p.length; k++) {
            double d = x - CLASS_CENTERS[k];
            p[k] = Math.exp(-1.2 * d * d);
            sum += p[k];
        }
        for (int k = 0; k < p.length; k++) {
            p[k] /= sum;
        }
        return p;
    }

    /**
     * x of the multiclass stream: a class j drawn uniformly, its center moved a share {@code shift}
     * of the way to the nearest boundary between classes (±0.75; the middle class's to either
     * side), and noise N(0, 0.35).
     */
    private static double multiclassDraw(Random random, double shift) {
        int j = random.nextInt(CLASS_CENTERS.length);
        double boundary =
                j == 0
                        ? -0.75
                        : j == CLASS_CENTERS.length - 1
                                ? 0.75
                                : random.nextBoolean() ? 0.75 : -0.75;
        double center = CLASS_CENTERS[j] + shift * (boundary - CLASS_CENTERS[j]);
        return center + 0.35 * random.nextGaussian();
    }

    /** A class drawn from the probabilities. */
    private static int drawClass(Random random, double[] p) {
        double u = random.nextDouble();
        for (int k = 0; k < p.length - 1; k++) {
            u -= p[k];
            if (u < 0) {
                return k;
            }
        }
        return p.length - 1;
    }

    /**
     * The multiclass model's reference profile: calibration fitted on 20,000 labelled rows of the
     * unshifted stream, and the accuracy on them.
     */
    private static ReferenceProfile multiclassReference(long seed) {
        Random random = new Random(seed);
        int n = 20_000;
        double[][] probabilities = new double[n][];
        int[] labels = new int[n];
        int correct = 0;
        for (int i = 0; i < n; i++) {
            probabilities[i] = classProbabilities(multiclassDraw(random, 0));
            labels[i] = drawClass(random, probabilities[i]);
            correct += labels[i] == mostProbable(probabilities[i]) ? 1 : 0;
        }
        return new ReferenceProfile(
                CLASSES,
                "1",
                Instant.parse("2026-11-20T00:00:00Z"),
                TestEvents.profile(0, Instant.EPOCH).features(),
                Map.of("accuracy", (double) correct / n),
                Calibration.fitMulticlass(CLASS_NAMES, probabilities, labels));
    }

    private static int mostProbable(double[] p) {
        int best = 0;
        for (int k = 1; k < p.length; k++) {
            if (p[k] > p[best]) {
                best = k;
            }
        }
        return best;
    }

    /**
     * Adds a window's predictions of the multiclass model to {@code predictions} (the class
     * probabilities only: the predicted class is the most probable one) and returns their labels.
     */
    private static List<byte[]> multiclassWindow(int w, double shift, List<byte[]> predictions) {
        Random random = new Random(7000L * w + 11);
        List<byte[]> labels = new ArrayList<>();
        for (int i = 0; i < PER_WINDOW; i++) {
            double[] p = classProbabilities(multiclassDraw(random, shift));
            int y = drawClass(random, p);
            long t = start(w) + i * (MINUTE / PER_WINDOW);
            String id = w + "-" + i;
            predictions.add(
                    String.format(
                                    Locale.ROOT,
                                    "{\"prediction_id\":\"%s\",\"model_name\":\"%s\","
                                            + "\"model_version\":\"1\",\"timestamp\":%d,"
                                            + "\"features\":{\"amount\":1},\"prediction\":"
                                            + "{\"probabilities\":{\"a\":%s,\"b\":%s,\"c\":%s}}}",
                                    id,
                                    CLASSES,
                                    t,
                                    Double.toString(p[0]),
                                    Double.toString(p[1]),
                                    Double.toString(p[2]))
                            .getBytes(StandardCharsets.UTF_8));
            labels.add(
                    String.format(
                                    Locale.ROOT,
                                    "{\"prediction_id\":\"%s\",\"model_name\":\"%s\","
                                            + "\"timestamp\":%d,\"label\":\"%s\"}",
                                    id,
                                    CLASSES,
                                    t + LABEL_DELAY * MINUTE,
                                    CLASS_NAMES.get(y))
                            .getBytes(StandardCharsets.UTF_8));
        }
        return labels;
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
