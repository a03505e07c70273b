package dev.driftwatch.core.performance;

import dev.driftwatch.core.DriftCoreException;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Regression in a window, from sums: MAE, RMSE, mean error (prediction - label), R² = 1 - SSE /
 * SST, and MAPE over the labels that are not 0 — a label of 0 makes the percentage error undefined,
 * so such pairs are left out of MAPE and counted in {@code mape_excluded}; MAPE is null when every
 * label is 0.
 */
public final class RegressionPerformance implements PerformanceAccumulator {
    private long n;
    private double sumAbsError;
    private double sumSquaredError;
    private double sumError;
    private double sumAbsPercentError;
    private long nonZeroLabels;
    private double sumLabel;
    private double sumSquaredLabel;

    /** Adds (sign +1) or retracts (sign -1) one labelled prediction. */
    public void add(double prediction, double label, int sign) {
        double e = prediction - label;
        n += sign;
        sumAbsError += sign * Math.abs(e);
        sumSquaredError += sign * e * e;
        sumError += sign * e;
        if (label != 0.0) {
            sumAbsPercentError += sign * Math.abs(e / label);
            nonZeroLabels += sign;
        }
        sumLabel += sign * label;
        sumSquaredLabel += sign * label * label;
    }

    @Override
    public TaskType task() {
        return TaskType.REGRESSION;
    }

    @Override
    public long labeled() {
        return n;
    }

    @Override
    public void merge(PerformanceAccumulator other) {
        if (!(other instanceof RegressionPerformance o)) {
            throw new DriftCoreException("cannot merge different performance windows");
        }
        n += o.n;
        sumAbsError += o.sumAbsError;
        sumSquaredError += o.sumSquaredError;
        sumError += o.sumError;
        sumAbsPercentError += o.sumAbsPercentError;
        nonZeroLabels += o.nonZeroLabels;
        sumLabel += o.sumLabel;
        sumSquaredLabel += o.sumSquaredLabel;
    }

    @Override
    public Map<String, Double> metrics() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("mae", n == 0 ? null : sumAbsError / n);
        m.put("rmse", n == 0 ? null : Math.sqrt(sumSquaredError / n));
        m.put("mape", nonZeroLabels == 0 ? null : sumAbsPercentError / nonZeroLabels);
        m.put("mape_excluded", (double) (n - nonZeroLabels));
        double sst = sumSquaredLabel - sumLabel * sumLabel / n;
        m.put("r2", n < 2 || !(sst > 0) ? null : 1.0 - sumSquaredError / sst);
        m.put("mean_error", n == 0 ? null : sumError / n);
        return m;
    }

    @Override
    public void writeTo(DataOutput out) throws IOException {
        out.writeLong(n);
        out.writeDouble(sumAbsError);
        out.writeDouble(sumSquaredError);
        out.writeDouble(sumError);
        out.writeDouble(sumAbsPercentError);
        out.writeLong(nonZeroLabels);
        out.writeDouble(sumLabel);
        out.writeDouble(sumSquaredLabel);
    }

    static RegressionPerformance readFrom(DataInput in) throws IOException {
        RegressionPerformance r = new RegressionPerformance();
        r.n = in.readLong();
        r.sumAbsError = in.readDouble();
        r.sumSquaredError = in.readDouble();
        r.sumError = in.readDouble();
        r.sumAbsPercentError = in.readDouble();
        r.nonZeroLabels = in.readLong();
        r.sumLabel = in.readDouble();
        r.sumSquaredLabel = in.readDouble();
        return r;
    }
}
