package dev.driftwatch.cli;

import dev.driftwatch.cli.csv.CellValues;
import dev.driftwatch.cli.csv.CsvTable;
import dev.driftwatch.core.calibration.Calibration;
import dev.driftwatch.core.performance.BinaryPerformance;
import dev.driftwatch.core.performance.MulticlassPerformance;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The labelled predictions of a reference CSV (a label column with a score column, or with one
 * probability column per class): the calibration fitted on them and the model's realised
 * performance, both stored in the reference profile.
 *
 * <pre>{@code
 * ReferenceLabels.Fit fit = ReferenceLabels.binary(table, "label", "score", null, "1", 0.5);
 * }</pre>
 */
final class ReferenceLabels {
    private ReferenceLabels() {}

    /** The fitted calibration and the realised metrics of the labelled rows. */
    record Fit(Calibration calibration, Map<String, Double> performance) {}

    /**
     * A binary model: {@code score} is the predicted probability of {@code positiveLabel}; the
     * predicted label is the {@code prediction} column's value, or score >= {@code threshold} when
     * there is none. Rows with an empty label are skipped.
     */
    static Fit binary(
            CsvTable table,
            String label,
            String score,
            String prediction,
            String positiveLabel,
            double threshold) {
        int labelAt = column(table, label, "--label");
        int scoreAt = column(table, score, "--score");
        int predictionAt = prediction == null ? -1 : column(table, prediction, "--prediction");
        List<Double> scores = new ArrayList<>();
        List<Boolean> positives = new ArrayList<>();
        Set<String> labelValues = new LinkedHashSet<>();
        BinaryPerformance realised = new BinaryPerformance(BinaryPerformance.DEFAULT_BINS);
        table.forEachRow(
                (line, row) -> {
                    String actual = row.get(labelAt);
                    if (CellValues.isCategoricalMissing(actual)) {
                        return;
                    }
                    labelValues.add(actual);
                    if (labelValues.size() > 2) {
                        throw new InputException(
                                table.path()
                                        + ": line "
                                        + line
                                        + ": label '"
                                        + actual
                                        + "' is a third class, but --score names a binary model"
                                        + " (labels so far: "
                                        + labelValues
                                        + ")");
                    }
                    double s = probability(table, line, row.get(scoreAt), score);
                    boolean predicted =
                            predictionAt >= 0
                                    ? row.get(predictionAt).equals(positiveLabel)
                                    : s >= threshold;
                    boolean positive = actual.equals(positiveLabel);
                    scores.add(s);
                    positives.add(positive);
                    realised.add(s, predicted, positive, 1);
                });
        requireLabels(table, label, scores.size());
        if (labelValues.size() < 2) {
            throw new InputException(
                    table.path()
                            + ": every label in column '"
                            + label
                            + "' is "
                            + labelValues
                            + "; calibration needs both classes");
        }
        if (!labelValues.contains(positiveLabel)) {
            throw new InputException(
                    table.path()
                            + ": no label in column '"
                            + label
                            + "' is the positive label '"
                            + positiveLabel
                            + "' (labels: "
                            + labelValues
                            + "); set --positive-label");
        }
        double[] s = new double[scores.size()];
        boolean[] y = new boolean[scores.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = scores.get(i);
            y[i] = positives.get(i);
        }
        return new Fit(Calibration.fitBinary(positiveLabel, s, y), performance(realised.metrics()));
    }

    /**
     * A multiclass model: {@code probabilities} maps each class to its probability column; the
     * predicted class is the {@code prediction} column's value, or the most probable class (the
     * first listed on ties). Rows with an empty label are skipped.
     */
    static Fit multiclass(
            CsvTable table, String label, Map<String, String> probabilities, String prediction) {
        if (probabilities.size() < 2 || probabilities.size() > Calibration.MAX_CLASSES) {
            throw new InputException(
                    "--probabilities must name 2 to "
                            + Calibration.MAX_CLASSES
                            + " classes, named "
                            + probabilities.size());
        }
        int labelAt = column(table, label, "--label");
        List<String> classes = new ArrayList<>(probabilities.keySet());
        int[] columns = new int[classes.size()];
        for (int c = 0; c < columns.length; c++) {
            columns[c] = column(table, probabilities.get(classes.get(c)), "--probabilities");
        }
        int predictionAt = prediction == null ? -1 : column(table, prediction, "--prediction");
        List<double[]> rows = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        MulticlassPerformance realised =
                new MulticlassPerformance(MulticlassPerformance.DEFAULT_MAX_CLASSES);
        table.forEachRow(
                (line, row) -> {
                    String actual = row.get(labelAt);
                    if (CellValues.isCategoricalMissing(actual)) {
                        return;
                    }
                    int index = classes.indexOf(actual);
                    if (index < 0) {
                        throw new InputException(
                                table.path()
                                        + ": line "
                                        + line
                                        + ": label '"
                                        + actual
                                        + "' is not one of the --probabilities classes "
                                        + classes);
                    }
                    double[] p = new double[columns.length];
                    double sum = 0;
                    int best = 0;
                    for (int c = 0; c < columns.length; c++) {
                        p[c] =
                                probability(
                                        table,
                                        line,
                                        row.get(columns[c]),
                                        probabilities.get(classes.get(c)));
                        sum += p[c];
                        if (p[c] > p[best]) {
                            best = c;
                        }
                    }
                    if (!(sum > 0)) {
                        throw new InputException(
                                table.path() + ": line " + line + ": the probabilities sum to 0");
                    }
                    String predicted =
                            predictionAt >= 0 ? row.get(predictionAt) : classes.get(best);
                    rows.add(p);
                    labels.add(index);
                    realised.add(actual, predicted, 1);
                });
        requireLabels(table, label, rows.size());
        int[] y = labels.stream().mapToInt(Integer::intValue).toArray();
        Calibration calibration =
                Calibration.fitMulticlass(classes, rows.toArray(new double[0][]), y);
        return new Fit(calibration, performance(realised.metrics()));
    }

    /** Parses {@code CLASS=COLUMN} pairs, in order. */
    static Map<String, String> parseProbabilities(List<String> pairs) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : pairs) {
            int eq = pair.indexOf('=');
            if (eq <= 0 || eq == pair.length() - 1) {
                throw new InputException(
                        "--probabilities takes CLASS=COLUMN pairs, was '" + pair + "'");
            }
            if (out.put(pair.substring(0, eq), pair.substring(eq + 1)) != null) {
                throw new InputException(
                        "--probabilities names class '" + pair.substring(0, eq) + "' twice");
            }
        }
        return out;
    }

    private static int column(CsvTable table, String name, String option) {
        int at = table.indexOf(name);
        if (at < 0) {
            throw new InputException(
                    table.path()
                            + ": line 1: "
                            + option
                            + " names column '"
                            + name
                            + "', which is not in the header "
                            + table.header());
        }
        return at;
    }

    private static double probability(CsvTable table, long line, String cell, String column) {
        double v = CellValues.isNumericMissing(cell) ? Double.NaN : CellValues.parseNumber(cell);
        if (!(v >= 0.0 && v <= 1.0)) {
            throw new InputException(
                    table.path()
                            + ": line "
                            + line
                            + ": column '"
                            + column
                            + "' value '"
                            + cell
                            + "' is not a probability in [0, 1] (a labelled row needs its score)");
        }
        return v;
    }

    private static void requireLabels(CsvTable table, String label, int rows) {
        if (rows == 0) {
            throw new InputException(
                    table.path() + ": column '" + label + "' has no labels (every cell is empty)");
        }
    }

    /** The defined metrics, without the AUC error bounds (which are not performance). */
    private static Map<String, Double> performance(Map<String, Double> metrics) {
        Map<String, Double> out = new LinkedHashMap<>();
        metrics.forEach(
                (k, v) -> {
                    if (v != null && Double.isFinite(v) && !k.endsWith("_error_bound")) {
                        out.put(k, v);
                    }
                });
        return out;
    }

    /** The header's columns without the label column. */
    static List<String> withoutLabel(List<String> header, String label) {
        List<String> out = new ArrayList<>(header);
        out.removeAll(Arrays.asList(label));
        return out;
    }
}
