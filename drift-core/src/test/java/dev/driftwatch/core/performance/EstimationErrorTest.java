package dev.driftwatch.core.performance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.driftwatch.core.calibration.Calibration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The estimate against the realised metric, window by window, on synthetic data with known P(y|x):
 * on windows resampled from the reference the standard error is the size of the estimation error
 * (coverage of 2 SE and the root mean square of the z-scores); under covariate shift (P(x) changes,
 * P(y|x) does not) the estimate follows the realised metric within 2 SE in at least 90% of windows;
 * under concept drift (P(y|x) changes) the estimation error is large.
 *
 * <p>The model: features x1, x2 ~ N(0, sigma^2), true P(y = 1 | x) = sigmoid(z) with z = 1.5 x1 -
 * x2 + 0.3, an overconfident score sigmoid(3 z), predicted positive when the score >= 0.5; its
 * calibration is fitted on a reference of 20,000 rows with sigma = 1.
 */
class EstimationErrorTest {
    private static final List<String> BINARY_METRICS =
            List.of("accuracy", "precision", "recall", "specificity", "f1", "roc_auc");

    /** Labelled rows: the model's raw scores and the actual labels. */
    private record Rows(double[] scores, boolean[] labels) {}

    private static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }

    /**
     * @param sigma the features' standard deviation (covariate shift when not 1)
     * @param concept the true P(y=1|x) is sigmoid(concept * z) (concept drift when not 1)
     */
    private static Rows rows(SplittableRandom random, int n, double sigma, double concept) {
        double[] scores = new double[n];
        boolean[] labels = new boolean[n];
        for (int i = 0; i < n; i++) {
            double z = 1.5 * sigma * random.nextGaussian() - sigma * random.nextGaussian() + 0.3;
            scores[i] = sigmoid(3 * z);
            labels[i] = random.nextDouble() < sigmoid(concept * z);
        }
        return new Rows(scores, labels);
    }

    private static Calibration calibration(Rows reference) {
        Calibration c = Calibration.fitBinary("1", reference.scores, reference.labels);
        assertThat(c.method())
                .as("the overconfident score is recalibrated")
                .isEqualTo(Calibration.Method.ISOTONIC);
        return c;
    }

    /** Realised metrics of a window, with the realised AUC computed exactly (ties 1/2). */
    private static Map<String, Double> realised(double[] scores, boolean[] labels) {
        double tp = 0;
        double fp = 0;
        double fn = 0;
        double tn = 0;
        for (int i = 0; i < scores.length; i++) {
            boolean predicted = scores[i] >= 0.5;
            if (predicted) {
                if (labels[i]) {
                    tp++;
                } else {
                    fp++;
                }
            } else if (labels[i]) {
                fn++;
            } else {
                tn++;
            }
        }
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("accuracy", (tp + tn) / scores.length);
        m.put("precision", tp / (tp + fp));
        m.put("recall", tp / (tp + fn));
        m.put("specificity", tn / (tn + fp));
        m.put("f1", 2 * tp / (2 * tp + fp + fn));
        m.put("roc_auc", exactAuc(scores, labels));
        return m;
    }

    static double exactAuc(double[] scores, boolean[] labels) {
        double[] w = new double[labels.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = labels[i] ? 1 : 0;
        }
        return ProbabilityHistogramTest.exactAuc(scores, w);
    }

    private static EstimatedBinaryPerformance estimate(
            Calibration c, double[] scores, int from, int to) {
        EstimatedBinaryPerformance e =
                new EstimatedBinaryPerformance(EstimatedBinaryPerformance.DEFAULT_BINS);
        for (int i = from; i < to; i++) {
            e.add(c.calibrate(scores[i]), scores[i] >= 0.5, 1);
        }
        return e;
    }

    /** Per metric: the z-scores (realised - estimated) / SE of every window. */
    private static final class ZScores {
        final Map<String, List<Double>> z = new LinkedHashMap<>();
        final Map<String, List<Double>> error = new LinkedHashMap<>();

        void add(Map<String, Estimate> estimates, Map<String, Double> realised) {
            for (String k : BINARY_METRICS) {
                Estimate e = estimates.get(k);
                double diff = realised.get(k) - e.value();
                // the binning bound widens the band; it is far below the SE here
                double excess = Math.max(0, Math.abs(diff) - e.errorBound());
                z.computeIfAbsent(k, x -> new ArrayList<>())
                        .add(Math.signum(diff) * excess / e.standardError());
                error.computeIfAbsent(k, x -> new ArrayList<>()).add(diff);
            }
        }

        double within(String k, double band) {
            return z.get(k).stream().filter(v -> Math.abs(v) <= band).count()
                    / (double) z.get(k).size();
        }

        double rms(String k) {
            return Math.sqrt(z.get(k).stream().mapToDouble(v -> v * v).average().orElseThrow());
        }

        double meanError(String k) {
            return error.get(k).stream().mapToDouble(v -> v).average().orElseThrow();
        }
    }

    @Test
    void standardErrorMatchesTheSpreadOfResampledReferenceWindows() {
        SplittableRandom random = new SplittableRandom(17);
        Rows reference = rows(random, 20_000, 1.0, 1.0);
        Calibration c = calibration(reference);
        ZScores z = new ZScores();
        int windows = 400;
        int size = 500;
        double[] scores = new double[size];
        boolean[] labels = new boolean[size];
        for (int w = 0; w < windows; w++) {
            for (int i = 0; i < size; i++) {
                int row = random.nextInt(reference.scores.length);
                scores[i] = reference.scores[row];
                labels[i] = reference.labels[row];
            }
            z.add(estimate(c, scores, 0, size).estimates(), realised(scores, labels));
        }
        for (String k : BINARY_METRICS) {
            assertThat(z.within(k, 2))
                    .as("%s: share of windows within 2 SE (nominal 0.954)", k)
                    .isGreaterThanOrEqualTo(0.92);
            assertThat(z.rms(k))
                    .as("%s: root mean square of (realised - estimated) / SE", k)
                    .isBetween(0.85, 1.15);
        }
    }

    @Test
    void underCovariateShiftTheEstimateTracksTheRealisedMetric() {
        SplittableRandom random = new SplittableRandom(23);
        Calibration c = calibration(rows(random, 20_000, 1.0, 1.0));
        ZScores z = new ZScores();
        int windows = 100;
        double firstRealised = 0;
        double lastRealised = 0;
        double lastEstimated = 0;
        for (int w = 0; w < windows; w++) {
            // the features concentrate towards the decision boundary: accuracy falls
            double sigma = 1.0 - 0.7 * w / (windows - 1);
            Rows window = rows(random, 1000, sigma, 1.0);
            Map<String, Estimate> e = estimate(c, window.scores, 0, 1000).estimates();
            Map<String, Double> r = realised(window.scores, window.labels);
            z.add(e, r);
            if (w == 0) {
                firstRealised = r.get("accuracy");
            }
            lastRealised = r.get("accuracy");
            lastEstimated = e.get("accuracy").value();
        }
        assertThat(firstRealised - lastRealised)
                .as("the shift lowers the realised accuracy")
                .isGreaterThan(0.1);
        assertThat(Math.abs(lastEstimated - lastRealised))
                .as("and the estimate follows it")
                .isLessThan(0.05);
        for (String k : BINARY_METRICS) {
            assertThat(z.within(k, 2))
                    .as("%s: share of shifted windows within 2 SE", k)
                    .isGreaterThanOrEqualTo(0.9);
        }
    }

    @Test
    void underConceptDriftTheEstimationErrorIsLarge() {
        SplittableRandom random = new SplittableRandom(29);
        Calibration c = calibration(rows(random, 20_000, 1.0, 1.0));
        ZScores z = new ZScores();
        for (int w = 0; w < 50; w++) {
            // the inputs stay as in the reference; the label's dependence on them reverses
            Rows window = rows(random, 1000, 1.0, -0.5);
            z.add(
                    estimate(c, window.scores, 0, 1000).estimates(),
                    realised(window.scores, window.labels));
        }
        for (String k : List.of("accuracy", "f1", "roc_auc")) {
            assertThat(z.within(k, 3))
                    .as("%s: share of drifted windows within 3 SE", k)
                    .isLessThanOrEqualTo(0.05);
            assertThat(z.meanError(k))
                    .as("%s: the realised metric falls far below the estimate", k)
                    .isLessThan(-0.2);
        }
    }

    @Test
    void multiclassStandardErrorMatchesTheSpreadOfResampledWindows() {
        SplittableRandom random = new SplittableRandom(31);
        List<String> classes = List.of("a", "b", "c", "d");
        int n = 20_000;
        double[][] probs = new double[n][4];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            double sum = 0;
            for (int k = 0; k < 4; k++) {
                probs[i][k] = Math.exp(1.5 * random.nextGaussian() + 0.3 * k);
                sum += probs[i][k];
            }
            for (int k = 0; k < 4; k++) {
                probs[i][k] /= sum;
            }
            // the label drawn from the probabilities: they are calibrated by construction
            double u = random.nextDouble();
            double cumulative = 0;
            labels[i] = 3;
            for (int k = 0; k < 4; k++) {
                cumulative += probs[i][k];
                if (u < cumulative) {
                    labels[i] = k;
                    break;
                }
            }
        }
        List<String> metrics =
                List.of(
                        "accuracy",
                        "precision_macro",
                        "recall_macro",
                        "f1_macro",
                        "specificity_macro",
                        "f1_weighted",
                        "recall.a",
                        "roc_auc_macro",
                        "roc_auc_weighted");
        Map<String, List<Double>> z = new LinkedHashMap<>();
        int size = 600;
        for (int w = 0; w < 300; w++) {
            EstimatedMulticlassPerformance e =
                    new EstimatedMulticlassPerformance(
                            classes, EstimatedMulticlassPerformance.DEFAULT_BINS);
            int[][] confusion = new int[4][4];
            double[][] p = new double[size][];
            int[] y = new int[size];
            for (int i = 0; i < size; i++) {
                int row = random.nextInt(n);
                p[i] = probs[row];
                y[i] = labels[row];
                int predicted = argmax(p[i]);
                e.add(p[i], predicted, 1);
                confusion[y[i]][predicted]++;
            }
            Map<String, Double> r = realisedMulticlass(confusion, p, y, size);
            Map<String, Estimate> est = e.estimates();
            for (String k : metrics) {
                Estimate x = est.get(k);
                double diff = r.get(k) - x.value();
                double excess = Math.max(0, Math.abs(diff) - x.errorBound());
                z.computeIfAbsent(k, q -> new ArrayList<>()).add(excess / x.standardError());
            }
        }
        for (String k : metrics) {
            List<Double> v = z.get(k);
            double within = v.stream().filter(x -> x <= 2).count() / (double) v.size();
            double rms = Math.sqrt(v.stream().mapToDouble(x -> x * x).average().orElseThrow());
            assertThat(within).as("%s: share within 2 SE", k).isGreaterThanOrEqualTo(0.92);
            // the AUC averages' standard error is an upper bound
            assertThat(rms)
                    .as("%s: rms z", k)
                    .isBetween(k.startsWith("roc_auc_") ? 0.7 : 0.85, 1.15);
        }
    }

    private static int argmax(double[] p) {
        int best = 0;
        for (int k = 1; k < p.length; k++) {
            if (p[k] > p[best]) {
                best = k;
            }
        }
        return best;
    }

    private static Map<String, Double> realisedMulticlass(
            int[][] confusion, double[][] p, int[] y, int n) {
        int k = confusion.length;
        double correct = 0;
        double precision = 0;
        double recall = 0;
        double f1 = 0;
        double specificity = 0;
        double f1Weighted = 0;
        double recallA = 0;
        double aucMacro = 0;
        double aucWeighted = 0;
        for (int c = 0; c < k; c++) {
            double tp = confusion[c][c];
            double support = 0;
            double predicted = 0;
            for (int j = 0; j < k; j++) {
                support += confusion[c][j];
                predicted += confusion[j][c];
            }
            correct += tp;
            double fp = predicted - tp;
            double fn = support - tp;
            double tn = n - tp - fp - fn;
            precision += (predicted > 0 ? tp / predicted : 0) / k;
            recall += (support > 0 ? tp / support : 0) / k;
            double classF1 = 2 * tp / (2 * tp + fp + fn);
            f1 += classF1 / k;
            f1Weighted += classF1 * support / n;
            specificity += tn / (tn + fp) / k;
            if (c == 0) {
                recallA = tp / support;
            }
            double[] scores = new double[n];
            boolean[] labels = new boolean[n];
            for (int i = 0; i < n; i++) {
                scores[i] = p[i][c];
                labels[i] = y[i] == c;
            }
            double auc = exactAuc(scores, labels);
            aucMacro += auc / k;
            aucWeighted += auc * support / n;
        }
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("accuracy", correct / n);
        m.put("precision_macro", precision);
        m.put("recall_macro", recall);
        m.put("f1_macro", f1);
        m.put("specificity_macro", specificity);
        m.put("f1_weighted", f1Weighted);
        m.put("recall.a", recallA);
        m.put("roc_auc_macro", aucMacro);
        m.put("roc_auc_weighted", aucWeighted);
        return m;
    }
}
