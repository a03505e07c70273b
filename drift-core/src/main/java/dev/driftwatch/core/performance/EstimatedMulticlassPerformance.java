package dev.driftwatch.core.performance;

import dev.driftwatch.core.DriftCoreException;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Estimated multiclass performance of a window from each prediction's calibrated class-probability
 * vector p (over a fixed list of classes) and predicted class: one-vs-rest, for each class k the
 * expected TP_k = sum over predictions of k of p_k, FP_k = (predictions of k) - TP_k, support S_k =
 * sum of p_k, FN_k = S_k - TP_k, TN_k = n - TP_k - FP_k - FN_k.
 *
 * <p>Metrics: {@code accuracy} sum_k TP_k / n; {@code precision}, {@code recall}, {@code
 * specificity}, {@code f1} per class, averaged {@code _macro} (mean over the classes, a class with
 * a zero denominator counting 0, as scikit-learn's {@code zero_division=0}) and {@code _weighted}
 * (weights S_k / n, scikit-learn's support weights in expectation); {@code roc_auc_macro} and
 * {@code roc_auc_weighted} over the classes whose one-vs-rest AUC is defined ({@link
 * ProbabilityHistogram#rocAuc()}, bound averaged likewise); {@code recall.<class>}.
 *
 * <p>Standard errors: each prediction's label is one draw from its vector p, independently. The
 * count metrics are functions of A_k = realised TP_k and S_k = realised support, whose covariances
 * are Cov(A_k, A_l) = [k = l] sum_{pred k} p_k (1 - p_k), Cov(A_k, S_l) = [k = l] sum_{pred k} p_k
 * - sum_{pred k} p_k p_l, Cov(S_k, S_l) = [k = l] sum p_k - sum p_k p_l, all kept in the state; the
 * variance is the delta method's g' Cov g with g the gradient at the expected counts. The AUC
 * averages' standard errors are an upper bound of the delta method's: the term coupling a row's
 * classes is replaced by its Cauchy-Schwarz lower bound.
 *
 * <p>State: O(classes^2 + classes * bins), at most {@value #MAX_CLASSES} classes.
 */
public final class EstimatedMulticlassPerformance implements EstimatedPerformance {
    /** Probability histogram bins per class by default. */
    public static final int DEFAULT_BINS = 100;

    /** Most classes. */
    public static final int MAX_CLASSES = 50;

    private final List<String> classes;
    private final int k;
    private long predictions;
    private final long[] predicted;
    private final double[] hit; // sum over predictions of class c of p_c
    private final double[] support; // sum of p_c
    private final double[] predictedProducts; // [c * k + l]: sum over predictions of c of p_c p_l
    private final double[] products; // upper triangle c <= l: sum of p_c p_l
    private final ProbabilityHistogram[] histograms;

    public EstimatedMulticlassPerformance(List<String> classes, int bins) {
        if (classes.size() < 2 || classes.size() > MAX_CLASSES) {
            throw new DriftCoreException(
                    "estimated multiclass performance needs 2 to "
                            + MAX_CLASSES
                            + " classes, had "
                            + classes.size());
        }
        Set<String> seen = new HashSet<>();
        for (String c : classes) {
            if (c == null || c.isEmpty() || !seen.add(c)) {
                throw new DriftCoreException(
                        "estimated multiclass performance: classes must be distinct, non-empty names");
            }
        }
        this.classes = List.copyOf(classes);
        k = classes.size();
        predicted = new long[k];
        hit = new double[k];
        support = new double[k];
        predictedProducts = new double[k * k];
        products = new double[k * (k + 1) / 2];
        histograms = new ProbabilityHistogram[k];
        for (int c = 0; c < k; c++) {
            histograms[c] = new ProbabilityHistogram(bins);
        }
    }

    /** The classes, in probability-vector order. */
    public List<String> classes() {
        return classes;
    }

    /**
     * Adds (sign +1) or retracts (sign -1) one prediction. No allocation.
     *
     * @param p the calibrated probabilities of {@link #classes()}, each in [0, 1], summing to 1
     * @param predictedClass the index of the predicted class, or -1 when it is none of them
     * @throws DriftCoreException when p has the wrong length or a value outside [0, 1]
     */
    public void add(double[] p, int predictedClass, int sign) {
        if (p.length != k || predictedClass < -1 || predictedClass >= k) {
            throw new DriftCoreException(
                    "expected " + k + " class probabilities and a class index below " + k);
        }
        for (double v : p) {
            if (!(v >= 0.0 && v <= 1.0)) {
                throw new DriftCoreException("calibrated probability must be in [0, 1], was " + v);
            }
        }
        predictions += sign;
        if (predictedClass >= 0) {
            predicted[predictedClass] += sign;
            hit[predictedClass] += sign * p[predictedClass];
            double pk = sign * p[predictedClass];
            int row = predictedClass * k;
            for (int l = 0; l < k; l++) {
                predictedProducts[row + l] += pk * p[l];
            }
        }
        int t = 0;
        for (int c = 0; c < k; c++) {
            double pc = sign * p[c];
            support[c] += pc;
            for (int l = c; l < k; l++) {
                products[t++] += pc * p[l];
            }
            histograms[c].add(p[c], sign);
        }
    }

    private double product(int c, int l) {
        int a = Math.min(c, l);
        int b = Math.max(c, l);
        return products[a * k - a * (a - 1) / 2 + (b - a)];
    }

    @Override
    public TaskType task() {
        return TaskType.MULTICLASS;
    }

    @Override
    public long predictions() {
        return predictions;
    }

    @Override
    public void merge(EstimatedPerformance other) {
        if (!(other instanceof EstimatedMulticlassPerformance o) || !o.classes.equals(classes)) {
            throw new DriftCoreException(
                    "cannot merge estimated performance windows of different classes");
        }
        for (int c = 0; c < k; c++) {
            histograms[c].merge(o.histograms[c]);
        }
        predictions += o.predictions;
        for (int c = 0; c < k; c++) {
            predicted[c] += o.predicted[c];
            hit[c] += o.hit[c];
            support[c] += o.support[c];
        }
        for (int i = 0; i < predictedProducts.length; i++) {
            predictedProducts[i] += o.predictedProducts[i];
        }
        for (int i = 0; i < products.length; i++) {
            products[i] += o.products[i];
        }
    }

    /** Per-class values and their partial derivatives by A_k and S_k (all 0 when undefined). */
    private record PerClass(double[] value, double[] byHit, double[] bySupport) {
        PerClass(int k) {
            this(new double[k], new double[k], new double[k]);
        }
    }

    @Override
    public Map<String, Estimate> estimates() {
        Map<String, Estimate> m = new LinkedHashMap<>();
        double n = predictions;
        List<String> names =
                List.of(
                        "accuracy",
                        "precision_macro",
                        "precision_weighted",
                        "recall_macro",
                        "recall_weighted",
                        "specificity_macro",
                        "specificity_weighted",
                        "f1_macro",
                        "f1_weighted",
                        "roc_auc_macro",
                        "roc_auc_weighted");
        if (!(n > 0)) {
            names.forEach(name -> m.put(name, null));
            return m;
        }
        double[] gA = new double[k];
        double[] gS = new double[k];
        double correct = 0;
        for (int c = 0; c < k; c++) {
            correct += hit[c];
            gA[c] = 1 / n;
        }
        m.put("accuracy", new Estimate(correct / n, standardError(gA, gS), 0.0));
        PerClass precision = new PerClass(k);
        PerClass recall = new PerClass(k);
        PerClass specificity = new PerClass(k);
        PerClass f1 = new PerClass(k);
        for (int c = 0; c < k; c++) {
            double a = hit[c];
            double s = support[c];
            double nc = predicted[c];
            if (nc > 0) {
                set(precision, c, a / nc, 1 / nc, 0);
            }
            if (s > 0) {
                set(recall, c, a / s, 1 / s, -a / (s * s));
            }
            double d = n - s;
            if (d > 0) {
                set(specificity, c, (n - nc - s + a) / d, 1 / d, -(nc - a) / (d * d));
            }
            double f = nc + s;
            if (f > 0) {
                set(f1, c, 2 * a / f, 2 / f, -2 * a / (f * f));
            }
        }
        putAverages(m, "precision", precision, n, gA, gS);
        putAverages(m, "recall", recall, n, gA, gS);
        putAverages(m, "specificity", specificity, n, gA, gS);
        putAverages(m, "f1", f1, n, gA, gS);
        putAucAverages(m);
        for (int c = 0; c < k; c++) {
            if (support[c] > 0) {
                java.util.Arrays.fill(gA, 0);
                java.util.Arrays.fill(gS, 0);
                gA[c] = recall.byHit[c];
                gS[c] = recall.bySupport[c];
                m.put(
                        "recall." + classes.get(c),
                        new Estimate(recall.value[c], standardError(gA, gS), 0.0));
            }
        }
        return m;
    }

    private static void set(PerClass p, int c, double value, double byHit, double bySupport) {
        p.value[c] = value;
        p.byHit[c] = byHit;
        p.bySupport[c] = bySupport;
    }

    private void putAverages(
            Map<String, Estimate> m, String name, PerClass p, double n, double[] gA, double[] gS) {
        double macro = 0;
        for (int c = 0; c < k; c++) {
            macro += p.value[c] / k;
            gA[c] = p.byHit[c] / k;
            gS[c] = p.bySupport[c] / k;
        }
        m.put(name + "_macro", new Estimate(macro, standardError(gA, gS), 0.0));
        double weighted = 0;
        for (int c = 0; c < k; c++) {
            weighted += support[c] * p.value[c] / n;
            gA[c] = support[c] * p.byHit[c] / n;
            gS[c] = (p.value[c] + support[c] * p.bySupport[c]) / n;
        }
        m.put(name + "_weighted", new Estimate(weighted, standardError(gA, gS), 0.0));
    }

    /**
     * Macro and weighted AUC. With weights w_c (1 / classes, or S_c / sum S over the classes with a
     * defined AUC) and g_c the per-bin AUC gradient of class c, the delta-method variance is sum_i
     * [sum_c w_c^2 g_c(p_ic)^2 p_ic - (sum_c w_c g_c(p_ic) p_ic)^2] (one categorical draw per row).
     * The subtracted square couples the classes of a row, which the state does not keep; it is
     * replaced by its Cauchy-Schwarz lower bound (sum_i sum_c w_c g_c(p_ic) p_ic)^2 / n, so the
     * standard error is an upper bound of the delta method's (the weights taken as fixed).
     */
    private void putAucAverages(Map<String, Estimate> m) {
        ProbabilityHistogram.Auc[] auc = new ProbabilityHistogram.Auc[k];
        int defined = 0;
        double weightSum = 0;
        for (int c = 0; c < k; c++) {
            auc[c] = histograms[c].auc();
            if (auc[c] != null) {
                defined++;
                weightSum += support[c];
            }
        }
        if (defined == 0) {
            m.put("roc_auc_macro", null);
            m.put("roc_auc_weighted", null);
            return;
        }
        double[] macro = new double[k];
        double[] weighted = new double[k];
        for (int c = 0; c < k; c++) {
            if (auc[c] != null) {
                macro[c] = 1.0 / defined;
                weighted[c] = support[c] / weightSum;
            }
        }
        m.put("roc_auc_macro", aucAverage(auc, macro));
        m.put("roc_auc_weighted", aucAverage(auc, weighted));
    }

    private Estimate aucAverage(ProbabilityHistogram.Auc[] auc, double[] weights) {
        double value = 0;
        double bound = 0;
        double squared = 0;
        double linear = 0;
        for (int c = 0; c < k; c++) {
            if (auc[c] != null) {
                double w = weights[c];
                value += w * auc[c].value();
                bound += w * auc[c].bound();
                squared += w * w * auc[c].gradientSquaredMass();
                linear += w * auc[c].gradientMass();
            }
        }
        double variance = squared - linear * linear / predictions;
        return new Estimate(value, Math.sqrt(Math.max(0.0, variance)), bound);
    }

    /** sqrt(g' Cov g) for the gradient (gA by A_k, gS by S_k) at the expected counts. */
    private double standardError(double[] gA, double[] gS) {
        double variance = 0;
        for (int c = 0; c < k; c++) {
            double ncc = predictedProducts[c * k + c];
            variance += gA[c] * gA[c] * (hit[c] - ncc);
            double cross = gA[c] * gS[c] * hit[c];
            double ss = gS[c] * gS[c] * support[c];
            for (int l = 0; l < k; l++) {
                cross -= gA[c] * predictedProducts[c * k + l] * gS[l];
                ss -= gS[c] * gS[l] * product(c, l);
            }
            variance += 2 * cross + ss;
        }
        return Math.sqrt(Math.max(0.0, variance));
    }

    @Override
    public void writeTo(DataOutput out) throws IOException {
        out.writeInt(k);
        for (String c : classes) {
            out.writeUTF(c);
        }
        out.writeLong(predictions);
        for (int c = 0; c < k; c++) {
            out.writeLong(predicted[c]);
            out.writeDouble(hit[c]);
            out.writeDouble(support[c]);
        }
        for (double v : predictedProducts) {
            out.writeDouble(v);
        }
        for (double v : products) {
            out.writeDouble(v);
        }
        for (ProbabilityHistogram h : histograms) {
            h.writeTo(out);
        }
    }

    static EstimatedMulticlassPerformance readFrom(DataInput in) throws IOException {
        int k = in.readInt();
        if (k < 2 || k > MAX_CLASSES) {
            throw new DriftCoreException("estimated performance bytes: bad class count " + k);
        }
        List<String> classes = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            classes.add(in.readUTF());
        }
        long predictions = in.readLong();
        long[] predicted = new long[k];
        double[] hit = new double[k];
        double[] support = new double[k];
        for (int c = 0; c < k; c++) {
            predicted[c] = in.readLong();
            hit[c] = in.readDouble();
            support[c] = in.readDouble();
        }
        double[] predictedProducts = new double[k * k];
        for (int i = 0; i < predictedProducts.length; i++) {
            predictedProducts[i] = in.readDouble();
        }
        double[] products = new double[k * (k + 1) / 2];
        for (int i = 0; i < products.length; i++) {
            products[i] = in.readDouble();
        }
        ProbabilityHistogram[] histograms = new ProbabilityHistogram[k];
        for (int c = 0; c < k; c++) {
            histograms[c] = ProbabilityHistogram.readFrom(in);
            if (histograms[c].bins() != histograms[0].bins()) {
                throw new DriftCoreException(
                        "estimated performance bytes: classes have different bin counts");
            }
        }
        EstimatedMulticlassPerformance e;
        try {
            e = new EstimatedMulticlassPerformance(classes, histograms[0].bins());
        } catch (DriftCoreException ex) {
            throw new DriftCoreException("estimated performance bytes: " + ex.getMessage());
        }
        e.predictions = predictions;
        System.arraycopy(predicted, 0, e.predicted, 0, k);
        System.arraycopy(hit, 0, e.hit, 0, k);
        System.arraycopy(support, 0, e.support, 0, k);
        System.arraycopy(predictedProducts, 0, e.predictedProducts, 0, predictedProducts.length);
        System.arraycopy(products, 0, e.products, 0, products.length);
        System.arraycopy(histograms, 0, e.histograms, 0, k);
        return e;
    }
}
