package dev.driftwatch.core.performance;

import dev.driftwatch.core.DriftCoreException;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Estimated binary performance of a window from each prediction's calibrated positive probability p
 * and predicted label: expected TP += p, FP += 1 - p for a predicted positive, FN += p, TN += 1 - p
 * for a predicted negative.
 *
 * <p>{@code accuracy} (TP + TN) / n, {@code precision} TP / (TP + FP), {@code recall} TP / (TP +
 * FN), {@code specificity} TN / (TN + FP) and {@code f1} 2 TP / (2 TP + FP + FN) of the expected
 * counts are exact; {@code roc_auc} comes from a histogram of p (see {@link
 * ProbabilityHistogram#rocAuc()} for its bound). Null when a denominator is 0.
 *
 * <p>Standard errors: with labels y_i ~ Bernoulli(p_i), independent, the realised counts are sums A
 * = TP = sum_{predicted positive} y_i and S = TP + FN = sum y_i, with Var A = V1, Cov(A, S) = V1,
 * Var S = V1 + V0, where V1 and V0 are the sums of p (1 - p) over predicted positives and
 * negatives. Every count metric is a function f(A, S) (n and the predicted positives are known), so
 * Var f = f_A^2 V1 + 2 f_A f_S V1 + f_S^2 (V1 + V0) at the expected counts (delta method; exact for
 * accuracy and precision, which are linear).
 *
 * <pre>{@code
 * EstimatedBinaryPerformance w = new EstimatedBinaryPerformance(EstimatedBinaryPerformance.DEFAULT_BINS);
 * w.add(calibration.calibrate(score), score >= 0.5, 1);
 * Estimate accuracy = w.estimates().get("accuracy");
 * }</pre>
 */
public final class EstimatedBinaryPerformance implements EstimatedPerformance {
    /** Probability histogram bins by default. */
    public static final int DEFAULT_BINS = 1000;

    private long predictedPositive;
    private long predictedNegative;
    private double positiveMass; // sum of p over predicted positives
    private double positiveSquares; // sum of p^2 over predicted positives
    private double negativeMass;
    private double negativeSquares;
    private final ProbabilityHistogram histogram;

    public EstimatedBinaryPerformance(int bins) {
        this(new ProbabilityHistogram(bins));
    }

    private EstimatedBinaryPerformance(ProbabilityHistogram histogram) {
        this.histogram = histogram;
    }

    /**
     * Adds (sign +1) or retracts (sign -1) one prediction.
     *
     * @param p the calibrated probability of the positive class, in [0, 1]
     * @throws DriftCoreException when p is not in [0, 1]
     */
    public void add(double p, boolean predictedPositiveLabel, int sign) {
        if (!(p >= 0.0 && p <= 1.0)) {
            throw new DriftCoreException("calibrated probability must be in [0, 1], was " + p);
        }
        if (predictedPositiveLabel) {
            predictedPositive += sign;
            positiveMass += sign * p;
            positiveSquares += sign * p * p;
        } else {
            predictedNegative += sign;
            negativeMass += sign * p;
            negativeSquares += sign * p * p;
        }
        histogram.add(p, sign);
    }

    @Override
    public TaskType task() {
        return TaskType.BINARY;
    }

    @Override
    public long predictions() {
        return predictedPositive + predictedNegative;
    }

    @Override
    public void merge(EstimatedPerformance other) {
        if (!(other instanceof EstimatedBinaryPerformance o)) {
            throw new DriftCoreException("cannot merge different estimated performance windows");
        }
        histogram.merge(o.histogram);
        predictedPositive += o.predictedPositive;
        predictedNegative += o.predictedNegative;
        positiveMass += o.positiveMass;
        positiveSquares += o.positiveSquares;
        negativeMass += o.negativeMass;
        negativeSquares += o.negativeSquares;
    }

    @Override
    public Map<String, Estimate> estimates() {
        double n = predictions();
        double n1 = predictedPositive;
        double tp = positiveMass;
        double fp = n1 - tp;
        double fn = negativeMass;
        double tn = predictedNegative - fn;
        double s = tp + fn;
        double v1 = Math.max(0.0, positiveMass - positiveSquares);
        double v0 = Math.max(0.0, negativeMass - negativeSquares);
        Map<String, Estimate> m = new LinkedHashMap<>();
        m.put("accuracy", n > 0 ? estimate((tp + tn) / n, 2 / n, -1 / n, v1, v0) : null);
        m.put("precision", n1 > 0 ? estimate(tp / n1, 1 / n1, 0, v1, v0) : null);
        m.put("recall", s > 0 ? estimate(tp / s, 1 / s, -tp / (s * s), v1, v0) : null);
        double d = n - s;
        m.put("specificity", d > 0 ? estimate(tn / d, 1 / d, -fp / (d * d), v1, v0) : null);
        double f = n1 + s;
        m.put("f1", f > 0 ? estimate(2 * tp / f, 2 / f, -2 * tp / (f * f), v1, v0) : null);
        m.put("roc_auc", histogram.rocAuc());
        return m;
    }

    /** A count metric with partial derivatives gA (by TP) and gS (by TP + FN). */
    private static Estimate estimate(double value, double gA, double gS, double v1, double v0) {
        double variance = gA * gA * v1 + 2 * gA * gS * v1 + gS * gS * (v1 + v0);
        return new Estimate(value, Math.sqrt(Math.max(0.0, variance)), 0.0);
    }

    @Override
    public void writeTo(DataOutput out) throws IOException {
        out.writeLong(predictedPositive);
        out.writeLong(predictedNegative);
        out.writeDouble(positiveMass);
        out.writeDouble(positiveSquares);
        out.writeDouble(negativeMass);
        out.writeDouble(negativeSquares);
        histogram.writeTo(out);
    }

    static EstimatedBinaryPerformance readFrom(DataInput in) throws IOException {
        long predictedPositive = in.readLong();
        long predictedNegative = in.readLong();
        double positiveMass = in.readDouble();
        double positiveSquares = in.readDouble();
        double negativeMass = in.readDouble();
        double negativeSquares = in.readDouble();
        EstimatedBinaryPerformance e =
                new EstimatedBinaryPerformance(ProbabilityHistogram.readFrom(in));
        e.predictedPositive = predictedPositive;
        e.predictedNegative = predictedNegative;
        e.positiveMass = positiveMass;
        e.positiveSquares = positiveSquares;
        e.negativeMass = negativeMass;
        e.negativeSquares = negativeSquares;
        return e;
    }
}
