package dev.driftwatch.core.calibration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.driftwatch.core.DriftCoreException;
import dev.driftwatch.core.performance.BinaryPerformance;
import dev.driftwatch.core.performance.TaskType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * The map from a classifier's scores to calibrated probabilities, fitted on the reference data and
 * stored in the reference profile, so that estimated performance needs nothing else.
 *
 * <p>Binary: one {@link IsotonicMap} for the positive class's score. Multiclass: one per class,
 * one-vs-rest on that class's probability, the calibrated vector renormalised to sum 1 (uniform
 * when every calibrated value is 0, as scikit-learn's {@code CalibratedClassifierCV}).
 *
 * <p>Isotonic regression is chosen only when it lowers the expected calibration error on held-out
 * folds: row i is in fold i mod {@value #FOLDS}; each fold is predicted by maps fitted on the other
 * folds, and its ECE (10 equal-width bins, {@link BinaryPerformance}'s definition; for multiclass
 * the mean over classes of each class's one-vs-rest ECE) is computed on that fold alone; the mean
 * over folds is compared with the same mean for the uncalibrated scores. (Pooling the held-out
 * predictions of all folds before binning would not do: each group of equal scores then averages to
 * its own in-sample frequency, and isotonic would win even on calibrated scores.) Otherwise, and
 * with fewer than {@code 2 * FOLDS} rows, the map is the identity (scores clipped to [0, 1];
 * multiclass vectors renormalised).
 *
 * <pre>{@code
 * Calibration c = Calibration.fitBinary("1", scores, isPositive);
 * double p = c.calibrate(0.83);
 * }</pre>
 */
public final class Calibration {
    /** Version of the JSON form. */
    public static final int FORMAT_VERSION = 1;

    /** Held-out folds for choosing the method. */
    public static final int FOLDS = 5;

    /** Most classes of a multiclass calibration. */
    public static final int MAX_CLASSES = 50;

    /** Most knots of one class's map. */
    public static final int MAX_KNOTS = 1000;

    /** Most knots of all maps together (keeps a profile well below a Kafka record's 1 MiB). */
    public static final int MAX_TOTAL_KNOTS = 10_000;

    /** How scores become probabilities. */
    public enum Method {
        IDENTITY,
        ISOTONIC;

        String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final TaskType task;
    private final Method method;
    private final List<String> classes;
    private final List<IsotonicMap> maps;
    private final long rows;
    private final double heldOutEceIdentity;
    private final double heldOutEceIsotonic;

    /**
     * A calibration with the given maps.
     *
     * @param classes binary: the positive label alone; multiclass: the classes in
     *     probability-vector order
     * @param maps one per class for {@link Method#ISOTONIC}, none for {@link Method#IDENTITY}
     * @param heldOutEceIdentity the held-out ECE of the uncalibrated scores, NaN when not measured
     * @param heldOutEceIsotonic the held-out ECE of isotonic calibration, NaN when not measured
     */
    public Calibration(
            TaskType task,
            Method method,
            List<String> classes,
            List<IsotonicMap> maps,
            long rows,
            double heldOutEceIdentity,
            double heldOutEceIsotonic) {
        if (task == TaskType.REGRESSION) {
            throw new DriftCoreException("calibration: regression models have no calibration");
        }
        Objects.requireNonNull(method, "method");
        if (task == TaskType.BINARY && classes.size() != 1) {
            throw new DriftCoreException(
                    "calibration: a binary calibration names one positive label");
        }
        if (task == TaskType.MULTICLASS && (classes.size() < 2 || classes.size() > MAX_CLASSES)) {
            throw new DriftCoreException(
                    "calibration: classes must number 2 to "
                            + MAX_CLASSES
                            + ", were "
                            + classes.size());
        }
        Set<String> seen = new HashSet<>();
        for (String c : classes) {
            if (c == null || c.isEmpty()) {
                throw new DriftCoreException("calibration: class names must be non-empty");
            }
            if (!seen.add(c)) {
                throw new DriftCoreException("calibration: class '" + c + "' appears twice");
            }
        }
        int expectedMaps = method == Method.ISOTONIC ? classes.size() : 0;
        if (maps.size() != expectedMaps) {
            throw new DriftCoreException(
                    "calibration: method "
                            + method.jsonName()
                            + " needs "
                            + expectedMaps
                            + " maps, found "
                            + maps.size());
        }
        int knots = 0;
        for (IsotonicMap m : maps) {
            if (m.knots() > MAX_KNOTS) {
                throw new DriftCoreException(
                        "calibration: a map has " + m.knots() + " knots, at most " + MAX_KNOTS);
            }
            knots += m.knots();
        }
        if (knots > MAX_TOTAL_KNOTS) {
            throw new DriftCoreException(
                    "calibration: maps have " + knots + " knots, at most " + MAX_TOTAL_KNOTS);
        }
        if (rows < 0) {
            throw new DriftCoreException("calibration: rows must not be negative");
        }
        requireEce(heldOutEceIdentity, "identity");
        requireEce(heldOutEceIsotonic, "isotonic");
        this.task = task;
        this.method = method;
        this.classes = List.copyOf(classes);
        this.maps = List.copyOf(maps);
        this.rows = rows;
        this.heldOutEceIdentity = heldOutEceIdentity;
        this.heldOutEceIsotonic = heldOutEceIsotonic;
    }

    private static void requireEce(double ece, String name) {
        if (ece == ece && !(ece >= 0.0 && ece <= 1.0)) {
            throw new DriftCoreException(
                    "calibration: held_out_ece." + name + " must be in [0, 1], was " + ece);
        }
    }

    /**
     * Fits a binary calibration on reference scores and labels.
     *
     * @param scores the predicted probability of the positive class, each in [0, 1]
     * @param positive whether each row's label is the positive class
     */
    public static Calibration fitBinary(String positiveLabel, double[] scores, boolean[] positive) {
        int n = scores.length;
        if (n == 0 || positive.length != n) {
            throw new DriftCoreException(
                    "calibration: needs equal, non-zero numbers of scores and labels");
        }
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            requireProbability(scores[i], "score of row " + i);
            y[i] = positive[i] ? 1.0 : 0.0;
        }
        List<String> classes = List.of(positiveLabel);
        if (n < 2 * FOLDS) {
            return identity(TaskType.BINARY, classes, n, Double.NaN, Double.NaN);
        }
        double eceIdentity = 0;
        double eceIsotonic = 0;
        for (int f = 0; f < FOLDS; f++) {
            IsotonicMap m = IsotonicMap.fit(train(scores, f), train(y, f), MAX_KNOTS);
            double[] raw = held(scores, f);
            double[] calibrated = new double[raw.length];
            for (int i = 0; i < raw.length; i++) {
                calibrated[i] = m.apply(raw[i]);
            }
            eceIdentity += ece(raw, held(y, f)) / FOLDS;
            eceIsotonic += ece(calibrated, held(y, f)) / FOLDS;
        }
        if (eceIsotonic < eceIdentity) {
            return new Calibration(
                    TaskType.BINARY,
                    Method.ISOTONIC,
                    classes,
                    List.of(IsotonicMap.fit(scores, y, MAX_KNOTS)),
                    n,
                    eceIdentity,
                    eceIsotonic);
        }
        return identity(TaskType.BINARY, classes, n, eceIdentity, eceIsotonic);
    }

    /**
     * Fits a multiclass calibration on reference probability vectors and labels.
     *
     * @param probabilities one row per example, one column per class in {@code classes} order, each
     *     in [0, 1], with a positive sum
     * @param labels each row's actual class, an index into {@code classes}
     */
    public static Calibration fitMulticlass(
            List<String> classes, double[][] probabilities, int[] labels) {
        int n = probabilities.length;
        int k = classes.size();
        if (k < 2 || k > MAX_CLASSES) {
            throw new DriftCoreException(
                    "calibration: classes must number 2 to " + MAX_CLASSES + ", were " + k);
        }
        if (n == 0 || labels.length != n) {
            throw new DriftCoreException(
                    "calibration: needs equal, non-zero numbers of probability vectors and labels");
        }
        double[][] columns = new double[k][n];
        double[][] targets = new double[k][n];
        for (int i = 0; i < n; i++) {
            if (probabilities[i].length != k) {
                throw new DriftCoreException(
                        "calibration: row "
                                + i
                                + " has "
                                + probabilities[i].length
                                + " probabilities, expected "
                                + k);
            }
            double sum = 0;
            for (int c = 0; c < k; c++) {
                requireProbability(probabilities[i][c], "probability of row " + i);
                columns[c][i] = probabilities[i][c];
                sum += probabilities[i][c];
            }
            if (!(sum > 0)) {
                throw new DriftCoreException(
                        "calibration: row " + i + " has probabilities summing to 0");
            }
            if (labels[i] < 0 || labels[i] >= k) {
                throw new DriftCoreException("calibration: row " + i + " has no valid class");
            }
            targets[labels[i]][i] = 1.0;
        }
        int maxKnots = Math.min(MAX_KNOTS, MAX_TOTAL_KNOTS / k);
        if (n < 2 * FOLDS) {
            return identity(TaskType.MULTICLASS, classes, n, Double.NaN, Double.NaN);
        }
        Calibration identity = identity(TaskType.MULTICLASS, classes, n, Double.NaN, Double.NaN);
        double eceIdentity = 0;
        double eceIsotonic = 0;
        for (int f = 0; f < FOLDS; f++) {
            List<IsotonicMap> maps = new ArrayList<>();
            double[][] heldTargets = new double[k][];
            for (int c = 0; c < k; c++) {
                maps.add(IsotonicMap.fit(train(columns[c], f), train(targets[c], f), maxKnots));
                heldTargets[c] = held(targets[c], f);
            }
            Calibration fold =
                    new Calibration(
                            TaskType.MULTICLASS,
                            Method.ISOTONIC,
                            classes,
                            maps,
                            n,
                            Double.NaN,
                            Double.NaN);
            double[][] rows = new double[heldTargets[0].length][];
            for (int i = f, j = 0; i < n; i += FOLDS, j++) {
                rows[j] = probabilities[i];
            }
            eceIdentity += classwiseEce(identity, rows, heldTargets) / FOLDS;
            eceIsotonic += classwiseEce(fold, rows, heldTargets) / FOLDS;
        }
        if (eceIsotonic < eceIdentity) {
            List<IsotonicMap> maps = new ArrayList<>();
            for (int c = 0; c < k; c++) {
                maps.add(IsotonicMap.fit(columns[c], targets[c], maxKnots));
            }
            return new Calibration(
                    TaskType.MULTICLASS,
                    Method.ISOTONIC,
                    classes,
                    maps,
                    n,
                    eceIdentity,
                    eceIsotonic);
        }
        return identity(TaskType.MULTICLASS, classes, n, eceIdentity, eceIsotonic);
    }

    private static Calibration identity(
            TaskType task,
            List<String> classes,
            long rows,
            double eceIdentity,
            double eceIsotonic) {
        return new Calibration(
                task, Method.IDENTITY, classes, List.of(), rows, eceIdentity, eceIsotonic);
    }

    private static void requireProbability(double v, String what) {
        if (!(v >= 0.0 && v <= 1.0)) {
            throw new DriftCoreException("calibration: " + what + " is not in [0, 1]: " + v);
        }
    }

    /** The rows of {@code values} outside fold {@code f}. */
    private static double[] train(double[] values, int f) {
        int n = values.length;
        int held = n / FOLDS + (f < n % FOLDS ? 1 : 0);
        double[] out = new double[n - held];
        int j = 0;
        for (int i = 0; i < n; i++) {
            if (i % FOLDS != f) {
                out[j++] = values[i];
            }
        }
        return out;
    }

    /** The rows of {@code values} in fold {@code f}. */
    private static double[] held(double[] values, int f) {
        int n = values.length;
        double[] out = new double[n / FOLDS + (f < n % FOLDS ? 1 : 0)];
        for (int i = f, j = 0; i < n; i += FOLDS, j++) {
            out[j] = values[i];
        }
        return out;
    }

    /** ECE with {@link BinaryPerformance}'s 10 bins. */
    static double ece(double[] p, double[] y) {
        BinaryPerformance b = new BinaryPerformance(2);
        for (int i = 0; i < p.length; i++) {
            b.add(p[i], p[i] >= 0.5, y[i] == 1.0, 1);
        }
        return b.metrics().get("ece");
    }

    /** Mean over classes of the one-vs-rest ECE of the rows calibrated by {@code c}. */
    private static double classwiseEce(Calibration c, double[][] rows, double[][] targets) {
        int k = targets.length;
        int n = rows.length;
        double[][] columns = new double[k][n];
        double[] out = new double[k];
        for (int i = 0; i < n; i++) {
            c.calibrate(rows[i], out);
            for (int j = 0; j < k; j++) {
                columns[j][i] = out[j];
            }
        }
        double sum = 0;
        for (int j = 0; j < k; j++) {
            sum += ece(columns[j], targets[j]);
        }
        return sum / k;
    }

    /**
     * The calibrated probability of the positive class (binary); NaN stays NaN, other scores are
     * clipped to [0, 1].
     */
    public double calibrate(double score) {
        if (task != TaskType.BINARY) {
            throw new DriftCoreException(
                    "calibration: a multiclass model needs a probability vector");
        }
        if (score != score) {
            return Double.NaN;
        }
        return method == Method.ISOTONIC
                ? maps.get(0).apply(Math.min(1.0, Math.max(0.0, score)))
                : Math.min(1.0, Math.max(0.0, score));
    }

    /**
     * Calibrates a multiclass probability vector into {@code out} (no allocation): each class's
     * map, then renormalised to sum 1 (uniform when every value is 0). Inputs are clipped to [0,
     * 1]; NaN counts as 0.
     */
    public void calibrate(double[] probabilities, double[] out) {
        int k = classes.size();
        if (task != TaskType.MULTICLASS || probabilities.length != k || out.length != k) {
            throw new DriftCoreException(
                    "calibration: expected a vector of " + k + " class probabilities");
        }
        double sum = 0;
        for (int c = 0; c < k; c++) {
            double v = probabilities[c];
            v = v == v ? Math.min(1.0, Math.max(0.0, v)) : 0.0;
            if (method == Method.ISOTONIC) {
                v = maps.get(c).apply(v);
            }
            out[c] = v;
            sum += v;
        }
        for (int c = 0; c < k; c++) {
            out[c] = sum > 0 ? out[c] / sum : 1.0 / k;
        }
    }

    public TaskType task() {
        return task;
    }

    public Method method() {
        return method;
    }

    /** Binary: the positive label alone; multiclass: the classes in probability-vector order. */
    public List<String> classes() {
        return classes;
    }

    /** One map per class when the method is isotonic; empty otherwise. */
    public List<IsotonicMap> maps() {
        return maps;
    }

    /** Reference rows the calibration was fitted on. */
    public long rows() {
        return rows;
    }

    /** Held-out ECE of the uncalibrated scores (NaN when not measured). */
    public double heldOutEceIdentity() {
        return heldOutEceIdentity;
    }

    /** Held-out ECE of isotonic calibration (NaN when not measured). */
    public double heldOutEceIsotonic() {
        return heldOutEceIsotonic;
    }

    /** The JSON form (the {@code calibration} section of a reference profile). */
    public ObjectNode toJsonNode() {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("format_version", FORMAT_VERSION);
        root.put("task", task.configName());
        root.put("method", method.jsonName());
        if (task == TaskType.BINARY) {
            root.put("positive_label", classes.get(0));
        } else {
            ArrayNode cs = root.putArray("classes");
            classes.forEach(cs::add);
        }
        root.put("rows", rows);
        root.put("folds", FOLDS);
        if (heldOutEceIdentity == heldOutEceIdentity && heldOutEceIsotonic == heldOutEceIsotonic) {
            ObjectNode ece = root.putObject("held_out_ece");
            ece.put("identity", heldOutEceIdentity);
            ece.put("isotonic", heldOutEceIsotonic);
        }
        if (!maps.isEmpty()) {
            ArrayNode ms = root.putArray("maps");
            for (IsotonicMap m : maps) {
                ObjectNode o = ms.addObject();
                ArrayNode xs = o.putArray("x");
                for (double v : m.x()) {
                    xs.add(v);
                }
                ArrayNode ys = o.putArray("y");
                for (double v : m.y()) {
                    ys.add(v);
                }
            }
        }
        return root;
    }

    /**
     * Reads and validates the JSON form.
     *
     * @throws DriftCoreException naming the first bad field, e.g. {@code calibration.maps[0]: ...}
     */
    public static Calibration fromJsonNode(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new DriftCoreException("calibration must be an object");
        }
        JsonNode version = root.get("format_version");
        if (version == null || !version.isIntegralNumber()) {
            throw new DriftCoreException(
                    "calibration.format_version is required and must be an integer");
        }
        if (version.asLong() != FORMAT_VERSION) {
            throw new DriftCoreException(
                    "calibration: unsupported format_version "
                            + version.asText()
                            + " (this version reads "
                            + FORMAT_VERSION
                            + ")");
        }
        String taskName = text(root, "task");
        TaskType task =
                switch (taskName) {
                    case "binary" -> TaskType.BINARY;
                    case "multiclass" -> TaskType.MULTICLASS;
                    default ->
                            throw new DriftCoreException(
                                    "calibration.task must be binary or multiclass, was '"
                                            + taskName
                                            + "'");
                };
        String methodName = text(root, "method");
        Method method =
                switch (methodName) {
                    case "identity" -> Method.IDENTITY;
                    case "isotonic" -> Method.ISOTONIC;
                    default ->
                            throw new DriftCoreException(
                                    "calibration.method must be identity or isotonic, was '"
                                            + methodName
                                            + "'");
                };
        List<String> classes = new ArrayList<>();
        if (task == TaskType.BINARY) {
            classes.add(text(root, "positive_label"));
        } else {
            JsonNode cs = root.get("classes");
            if (cs == null || !cs.isArray()) {
                throw new DriftCoreException(
                        "calibration.classes is required and must be an array");
            }
            if (cs.size() > MAX_CLASSES) {
                throw new DriftCoreException(
                        "calibration.classes has "
                                + cs.size()
                                + " classes, at most "
                                + MAX_CLASSES);
            }
            for (int i = 0; i < cs.size(); i++) {
                if (!cs.get(i).isTextual()) {
                    throw new DriftCoreException("calibration.classes[" + i + "] must be a string");
                }
                classes.add(cs.get(i).asText());
            }
        }
        JsonNode rowsNode = root.get("rows");
        if (rowsNode == null || !rowsNode.isIntegralNumber() || !rowsNode.canConvertToLong()) {
            throw new DriftCoreException("calibration.rows is required and must be an integer");
        }
        double eceIdentity = Double.NaN;
        double eceIsotonic = Double.NaN;
        JsonNode ece = root.get("held_out_ece");
        if (ece != null) {
            if (!ece.isObject()) {
                throw new DriftCoreException("calibration.held_out_ece must be an object");
            }
            eceIdentity = number(ece.get("identity"), "held_out_ece.identity");
            eceIsotonic = number(ece.get("isotonic"), "held_out_ece.isotonic");
        }
        List<IsotonicMap> maps = new ArrayList<>();
        JsonNode ms = root.get("maps");
        if (ms != null) {
            if (!ms.isArray()) {
                throw new DriftCoreException("calibration.maps must be an array");
            }
            if (ms.size() > MAX_CLASSES) {
                throw new DriftCoreException(
                        "calibration.maps has " + ms.size() + " maps, at most " + MAX_CLASSES);
            }
            for (int i = 0; i < ms.size(); i++) {
                maps.add(readMap(ms.get(i), "maps[" + i + "]"));
            }
        }
        return new Calibration(
                task, method, classes, maps, rowsNode.asLong(), eceIdentity, eceIsotonic);
    }

    private static IsotonicMap readMap(JsonNode m, String where) {
        if (m == null || !m.isObject()) {
            throw new DriftCoreException("calibration." + where + " must be an object");
        }
        double[] x = numbers(m.get("x"), where + ".x");
        double[] y = numbers(m.get("y"), where + ".y");
        try {
            return new IsotonicMap(x, y);
        } catch (DriftCoreException e) {
            throw new DriftCoreException("calibration." + where + ": " + e.getMessage());
        }
    }

    private static double[] numbers(JsonNode a, String where) {
        if (a == null || !a.isArray()) {
            throw new DriftCoreException(
                    "calibration." + where + " is required and must be an array");
        }
        if (a.size() > MAX_KNOTS) {
            throw new DriftCoreException(
                    "calibration." + where + " has " + a.size() + " knots, at most " + MAX_KNOTS);
        }
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = number(a.get(i), where + "[" + i + "]");
        }
        return out;
    }

    private static double number(JsonNode v, String where) {
        if (v == null || !v.isNumber()) {
            throw new DriftCoreException(
                    "calibration." + where + " is required and must be a number");
        }
        return v.asDouble();
    }

    private static String text(JsonNode node, String name) {
        JsonNode v = node.get(name);
        if (v == null || !v.isTextual()) {
            throw new DriftCoreException(
                    "calibration." + name + " is required and must be a string");
        }
        return v.asText();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Calibration c
                && task == c.task
                && method == c.method
                && classes.equals(c.classes)
                && maps.equals(c.maps)
                && rows == c.rows
                && Double.compare(heldOutEceIdentity, c.heldOutEceIdentity) == 0
                && Double.compare(heldOutEceIsotonic, c.heldOutEceIsotonic) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(task, method, classes, maps, rows);
    }

    @Override
    public String toString() {
        return "Calibration["
                + task.configName()
                + ", "
                + method.jsonName()
                + ", "
                + Collections.unmodifiableList(classes)
                + "]";
    }
}
