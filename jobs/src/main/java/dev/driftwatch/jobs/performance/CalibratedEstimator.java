package dev.driftwatch.jobs.performance;

import dev.driftwatch.core.calibration.Calibration;
import dev.driftwatch.core.event.PredictionEvent;
import dev.driftwatch.core.performance.EstimatedBinaryPerformance;
import dev.driftwatch.core.performance.EstimatedMulticlassPerformance;
import dev.driftwatch.core.performance.EstimatedPerformance;
import dev.driftwatch.core.performance.TaskType;
import dev.driftwatch.core.profile.ReferenceProfile;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A model version's performance estimated before labels, as the performance job applies it: the
 * calibration of its reference profile, and how one prediction (its score or class probabilities
 * and its predicted label) becomes an update of an {@link EstimatedPerformance} window. An update
 * allocates nothing (scratch arrays are reused: one instance per operator, never shared between
 * threads).
 *
 * <ul>
 *   <li>Binary: the calibrated probability of the positive class from {@code prediction.score}; the
 *       predicted label is {@code prediction.label}, else {@code score >= threshold}.
 *   <li>Multiclass: the calibrated vector of {@code prediction.probabilities} over the
 *       calibration's classes (a class the event omits counts 0); the predicted class is {@code
 *       prediction.label}, else the class with the largest probability in the event (index -1 when
 *       it is none of the calibration's).
 * </ul>
 *
 * <pre>{@code
 * CalibratedEstimator estimator = CalibratedEstimator.of(profile, null, decision);
 * EstimatedPerformance window = estimator.newWindow();
 * estimator.add(window, event, 1);
 * }</pre>
 */
public final class CalibratedEstimator {
    private final Calibration calibration;
    private final BinaryDecision decision;

    /** Multiclass: probability pseudo-feature name to class index. */
    private final Map<String, Integer> probabilityIndex = new HashMap<>();

    /** Multiclass: class name to class index. */
    private final Map<String, Integer> classIndex = new HashMap<>();

    private final double[] raw;
    private final double[] calibrated;

    private CalibratedEstimator(Calibration calibration, BinaryDecision decision) {
        this.calibration = calibration;
        this.decision = decision;
        List<String> classes = calibration.classes();
        if (calibration.task() == TaskType.MULTICLASS) {
            for (int c = 0; c < classes.size(); c++) {
                classIndex.put(classes.get(c), c);
                probabilityIndex.put(PredictionEvent.probabilityFeature(classes.get(c)), c);
            }
        }
        raw = new double[classes.size()];
        calibrated = new double[classes.size()];
    }

    /**
     * Why the performance of {@code profile}'s model version cannot be estimated, or null when it
     * can.
     *
     * @param configuredTask the task configured for the model ({@code --task}), or null
     */
    public static String cannotEstimate(
            ReferenceProfile profile, TaskType configuredTask, BinaryDecision decision) {
        if (profile.calibration().isEmpty()) {
            return "its reference profile has no calibration (build it with profile --label)";
        }
        Calibration c = profile.calibration().get();
        if (configuredTask != null && configuredTask != c.task()) {
            return "--task says "
                    + configuredTask.configName()
                    + " but its calibration is "
                    + c.task().configName();
        }
        if (c.task() == TaskType.BINARY && !decision.isPositive(c.classes().get(0))) {
            return "its calibration's positive label '"
                    + c.classes().get(0)
                    + "' is not --positive-label '"
                    + decision.positiveLabel()
                    + "'";
        }
        return null;
    }

    /**
     * The estimator of {@code profile}'s model version, or null when {@link #cannotEstimate} has a
     * reason.
     */
    public static CalibratedEstimator of(
            ReferenceProfile profile, TaskType configuredTask, BinaryDecision decision) {
        if (cannotEstimate(profile, configuredTask, decision) != null) {
            return null;
        }
        return new CalibratedEstimator(profile.calibration().get(), decision);
    }

    public TaskType task() {
        return calibration.task();
    }

    /** An empty window of this model's estimated performance. */
    public EstimatedPerformance newWindow() {
        return calibration.task() == TaskType.BINARY
                ? new EstimatedBinaryPerformance(EstimatedBinaryPerformance.DEFAULT_BINS)
                : new EstimatedMulticlassPerformance(
                        calibration.classes(), EstimatedMulticlassPerformance.DEFAULT_BINS);
    }

    /**
     * Adds (sign +1) or retracts (-1) the prediction of an event.
     *
     * @return false when the event cannot be estimated (no score, or no class probability)
     */
    public boolean add(EstimatedPerformance window, PredictionEvent e, int sign) {
        double score = Double.NaN;
        String label = null;
        String[] names = e.featureNames;
        for (int i = 0; i < names.length; i++) {
            if (PredictionEvent.SCORE_FEATURE.equals(names[i])) {
                score = e.numbers[i];
            } else if (PredictionEvent.LABEL_FEATURE.equals(names[i])) {
                label = e.strings[i];
            }
        }
        return add(window, score, label, names, e.numbers, sign);
    }

    /**
     * Adds (sign +1) or retracts (-1) one prediction.
     *
     * @param predictedLabel {@code prediction.label}, or null
     * @param names names of which the probability pseudo-features ({@code
     *     prediction.probabilities.<class>}) are read; others are skipped (null: none)
     * @param numbers their values
     * @return false when the prediction cannot be estimated (no score, or no class probability)
     */
    public boolean add(
            EstimatedPerformance window,
            double score,
            String predictedLabel,
            String[] names,
            double[] numbers,
            int sign) {
        if (window instanceof EstimatedBinaryPerformance binary) {
            if (score != score) {
                return false;
            }
            binary.add(
                    calibration.calibrate(score),
                    decision.predictsPositive(score, predictedLabel),
                    sign);
            return true;
        }
        EstimatedMulticlassPerformance multiclass = (EstimatedMulticlassPerformance) window;
        if (names == null) {
            return false;
        }
        Arrays.fill(raw, Double.NaN);
        boolean found = false;
        for (int i = 0; i < names.length; i++) {
            Integer c = probabilityIndex.get(names[i]);
            if (c != null) {
                raw[c] = numbers[i];
                found = true;
            }
        }
        if (!found) {
            return false;
        }
        int predicted;
        if (predictedLabel != null) {
            predicted = classIndex.getOrDefault(predictedLabel, -1);
        } else {
            int most = mostProbable(names, numbers);
            predicted = most < 0 ? -1 : probabilityIndex.getOrDefault(names[most], -1);
        }
        calibration.calibrate(raw, calibrated);
        multiclass.add(calibrated, predicted, sign);
        return true;
    }

    /**
     * The position in {@code names} of the class probability pseudo-feature with the largest value
     * (the first on ties; missing values skipped), or -1 when there is none.
     */
    public static int mostProbable(String[] names, double[] numbers) {
        int best = -1;
        for (int i = 0; i < names.length; i++) {
            if (names[i].startsWith(PredictionEvent.PROBABILITY_FEATURE_PREFIX)
                    && numbers[i] == numbers[i]
                    && (best < 0 || numbers[i] > numbers[best])) {
                best = i;
            }
        }
        return best;
    }
}
