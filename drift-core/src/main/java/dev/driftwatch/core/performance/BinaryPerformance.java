package dev.driftwatch.core.performance;

import dev.driftwatch.core.DriftCoreException;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Binary classification in a window: the confusion counts of the predicted label, score histograms
 * of positives and negatives ({@code bins} equal-width bins over [0, 1]), sums for log loss and the
 * Brier score, and calibration sums over 10 equal-width bins.
 *
 * <p>Exact: accuracy, precision, recall, specificity (TN / (TN + FP)), F1, positive rate, log loss
 * (scores clipped to [1e-15, 1 - 1e-15]), Brier, ECE (10 bins, a score s in bin min(9, floor(10
 * s))). From the histograms, with a bound computed from the same histograms:
 *
 * <ul>
 *   <li>{@code roc_auc}: pairs in different bins are ordered exactly; a positive-negative pair in
 *       the same bin is counted as a tie (1/2). Its true contribution lies in [0, 1], so {@code
 *       roc_auc_error_bound = 0.5 * sum_b pos_b neg_b / (P N)}.
 *   <li>{@code pr_auc} (average precision): each bin's positives get the precision at the bin's
 *       lower edge. Inside a bin the precision at any threshold lies between {@code (TP0 + 1) /
 *       (TP0 + FP0 + 1 + neg_b)} and {@code (TP0 + pos_b) / (TP0 + FP0 + pos_b)} (TP0, FP0 from the
 *       bins above), so {@code pr_auc_error_bound = sum_b pos_b / P * (max_b - min_b)}.
 * </ul>
 */
public final class BinaryPerformance implements PerformanceAccumulator {
    /** Score histogram bins by default. */
    public static final int DEFAULT_BINS = 1000;

    static final double CLIP = 1e-15;
    static final int CALIBRATION_BINS = 10;

    private final long[] positives;
    private final long[] negatives;
    private long tp;
    private long fp;
    private long tn;
    private long fn;
    private long scored;
    private double logLossSum;
    private double brierSum;
    private final double[] calibrationScore = new double[CALIBRATION_BINS];
    private final long[] calibrationPositives = new long[CALIBRATION_BINS];
    private final long[] calibrationCount = new long[CALIBRATION_BINS];

    public BinaryPerformance(int bins) {
        if (bins < 2) {
            throw new DriftCoreException("score histogram needs at least 2 bins");
        }
        positives = new long[bins];
        negatives = new long[bins];
    }

    /**
     * Adds (sign +1) or retracts (sign -1) one labelled prediction.
     *
     * @param score the predicted probability of the positive class, or NaN when there is none
     */
    public void add(double score, boolean predictedPositive, boolean actualPositive, int sign) {
        if (predictedPositive) {
            if (actualPositive) {
                tp += sign;
            } else {
                fp += sign;
            }
        } else if (actualPositive) {
            fn += sign;
        } else {
            tn += sign;
        }
        if (score == score) {
            double s = Math.min(1.0, Math.max(0.0, score));
            int bin = Math.min(positives.length - 1, (int) (s * positives.length));
            (actualPositive ? positives : negatives)[bin] += sign;
            scored += sign;
            double p = Math.min(1.0 - CLIP, Math.max(CLIP, s));
            logLossSum += sign * -(actualPositive ? Math.log(p) : Math.log(1.0 - p));
            double d = s - (actualPositive ? 1.0 : 0.0);
            brierSum += sign * d * d;
            int c = Math.min(CALIBRATION_BINS - 1, (int) (s * CALIBRATION_BINS));
            calibrationScore[c] += sign * s;
            calibrationPositives[c] += actualPositive ? sign : 0;
            calibrationCount[c] += sign;
        }
    }

    @Override
    public TaskType task() {
        return TaskType.BINARY;
    }

    @Override
    public long labeled() {
        return tp + fp + tn + fn;
    }

    @Override
    public void merge(PerformanceAccumulator other) {
        if (!(other instanceof BinaryPerformance o) || o.positives.length != positives.length) {
            throw new DriftCoreException("cannot merge different performance windows");
        }
        tp += o.tp;
        fp += o.fp;
        tn += o.tn;
        fn += o.fn;
        scored += o.scored;
        logLossSum += o.logLossSum;
        brierSum += o.brierSum;
        for (int i = 0; i < positives.length; i++) {
            positives[i] += o.positives[i];
            negatives[i] += o.negatives[i];
        }
        for (int i = 0; i < CALIBRATION_BINS; i++) {
            calibrationScore[i] += o.calibrationScore[i];
            calibrationPositives[i] += o.calibrationPositives[i];
            calibrationCount[i] += o.calibrationCount[i];
        }
    }

    @Override
    public Map<String, Double> metrics() {
        Map<String, Double> m = new LinkedHashMap<>();
        long n = labeled();
        m.put("accuracy", ratio(tp + tn, n));
        Double precision = ratio(tp, tp + fp);
        Double recall = ratio(tp, tp + fn);
        m.put("precision", precision);
        m.put("recall", recall);
        m.put("specificity", ratio(tn, tn + fp));
        m.put("f1", ratio(2 * tp, 2 * tp + fp + fn));
        m.put("positive_rate", ratio(tp + fp, n));
        long pos = 0;
        long neg = 0;
        for (int i = 0; i < positives.length; i++) {
            pos += positives[i];
            neg += negatives[i];
        }
        if (pos > 0 && neg > 0) {
            double pairs = (double) pos * neg;
            double concordant = 0;
            double sameBin = 0;
            long negBelow = 0;
            for (int b = 0; b < positives.length; b++) {
                concordant += (double) positives[b] * negBelow;
                sameBin += (double) positives[b] * negatives[b];
                negBelow += negatives[b];
            }
            m.put("roc_auc", (concordant + 0.5 * sameBin) / pairs);
            m.put("roc_auc_error_bound", 0.5 * sameBin / pairs);
        } else {
            m.put("roc_auc", null);
            m.put("roc_auc_error_bound", null);
        }
        if (pos > 0) {
            double ap = 0;
            double bound = 0;
            long tpAbove = 0;
            long fpAbove = 0;
            for (int b = positives.length - 1; b >= 0; b--) {
                long pb = positives[b];
                long nb = negatives[b];
                if (pb > 0) {
                    double share = (double) pb / pos;
                    double atEdge = (double) (tpAbove + pb) / (tpAbove + fpAbove + pb + nb);
                    double max = (double) (tpAbove + pb) / (tpAbove + fpAbove + pb);
                    double min = (double) (tpAbove + 1) / (tpAbove + fpAbove + 1 + nb);
                    ap += share * atEdge;
                    bound += share * (max - min);
                }
                tpAbove += pb;
                fpAbove += nb;
            }
            m.put("pr_auc", ap);
            m.put("pr_auc_error_bound", bound);
        } else {
            m.put("pr_auc", null);
            m.put("pr_auc_error_bound", null);
        }
        m.put("log_loss", scored == 0 ? null : logLossSum / scored);
        m.put("brier", scored == 0 ? null : brierSum / scored);
        if (scored == 0) {
            m.put("ece", null);
        } else {
            double ece = 0;
            for (int c = 0; c < CALIBRATION_BINS; c++) {
                long k = calibrationCount[c];
                if (k > 0) {
                    ece +=
                            (double) k
                                    / scored
                                    * Math.abs(
                                            (double) calibrationPositives[c] / k
                                                    - calibrationScore[c] / k);
                }
            }
            m.put("ece", ece);
        }
        return m;
    }

    static Double ratio(long a, long b) {
        return b == 0 ? null : (double) a / b;
    }

    @Override
    public void writeTo(DataOutput out) throws IOException {
        out.writeInt(positives.length);
        for (int i = 0; i < positives.length; i++) {
            out.writeLong(positives[i]);
            out.writeLong(negatives[i]);
        }
        out.writeLong(tp);
        out.writeLong(fp);
        out.writeLong(tn);
        out.writeLong(fn);
        out.writeLong(scored);
        out.writeDouble(logLossSum);
        out.writeDouble(brierSum);
        for (int c = 0; c < CALIBRATION_BINS; c++) {
            out.writeDouble(calibrationScore[c]);
            out.writeLong(calibrationPositives[c]);
            out.writeLong(calibrationCount[c]);
        }
    }

    static BinaryPerformance readFrom(DataInput in) throws IOException {
        int bins = in.readInt();
        if (bins < 2 || bins > 1_000_000) {
            throw new DriftCoreException("performance bytes: bad bin count " + bins);
        }
        BinaryPerformance b = new BinaryPerformance(bins);
        for (int i = 0; i < bins; i++) {
            b.positives[i] = in.readLong();
            b.negatives[i] = in.readLong();
        }
        b.tp = in.readLong();
        b.fp = in.readLong();
        b.tn = in.readLong();
        b.fn = in.readLong();
        b.scored = in.readLong();
        b.logLossSum = in.readDouble();
        b.brierSum = in.readDouble();
        for (int c = 0; c < CALIBRATION_BINS; c++) {
            b.calibrationScore[c] = in.readDouble();
            b.calibrationPositives[c] = in.readLong();
            b.calibrationCount[c] = in.readLong();
        }
        return b;
    }
}
