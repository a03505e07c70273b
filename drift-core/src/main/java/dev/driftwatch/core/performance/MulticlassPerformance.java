package dev.driftwatch.core.performance;

import dev.driftwatch.core.DriftCoreException;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Multiclass classification in a window: the confusion counts (actual, predicted), for at most
 * {@code maxClasses} classes (further ones are pooled as {@value #OTHER}). Exact: accuracy, macro
 * and weighted F1 (weights = actual class support, as scikit-learn), and per-class recall ({@code
 * recall.<class>}).
 */
public final class MulticlassPerformance implements PerformanceAccumulator {
    public static final String OTHER = "__other__";
    public static final int DEFAULT_MAX_CLASSES = 100;

    private final int maxClasses;
    private final TreeMap<String, TreeMap<String, long[]>> confusion = new TreeMap<>();
    private final TreeSet<String> classes = new TreeSet<>();

    public MulticlassPerformance(int maxClasses) {
        this.maxClasses = maxClasses;
    }

    private String bounded(String c) {
        if (classes.contains(c)) {
            return c;
        }
        if (classes.size() < maxClasses) {
            classes.add(c);
            return c;
        }
        classes.add(OTHER);
        return OTHER;
    }

    /** Adds (sign +1) or retracts (sign -1) one labelled prediction. */
    public void add(String actual, String predicted, int sign) {
        addCount(actual, predicted, sign);
    }

    private void addCount(String actual, String predicted, long count) {
        String a = bounded(actual);
        String p = bounded(predicted);
        confusion.computeIfAbsent(a, k -> new TreeMap<>())
                        .computeIfAbsent(p, k -> new long[1])[0] +=
                count;
    }

    @Override
    public TaskType task() {
        return TaskType.MULTICLASS;
    }

    @Override
    public long labeled() {
        long n = 0;
        for (TreeMap<String, long[]> row : confusion.values()) {
            for (long[] c : row.values()) {
                n += c[0];
            }
        }
        return n;
    }

    @Override
    public void merge(PerformanceAccumulator other) {
        if (!(other instanceof MulticlassPerformance o)) {
            throw new DriftCoreException("cannot merge different performance windows");
        }
        o.confusion.forEach((a, row) -> row.forEach((p, c) -> addCount(a, p, c[0])));
    }

    @Override
    public Map<String, Double> metrics() {
        Map<String, Long> support = new TreeMap<>();
        Map<String, Long> predictedCount = new TreeMap<>();
        Map<String, Long> correct = new TreeMap<>();
        long n = 0;
        long right = 0;
        for (Map.Entry<String, TreeMap<String, long[]>> row : confusion.entrySet()) {
            for (Map.Entry<String, long[]> cell : row.getValue().entrySet()) {
                long c = cell.getValue()[0];
                n += c;
                support.merge(row.getKey(), c, Long::sum);
                predictedCount.merge(cell.getKey(), c, Long::sum);
                if (row.getKey().equals(cell.getKey())) {
                    right += c;
                    correct.merge(row.getKey(), c, Long::sum);
                }
            }
        }
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("accuracy", BinaryPerformance.ratio(right, n));
        TreeSet<String> labels = new TreeSet<>(support.keySet());
        labels.addAll(predictedCount.keySet());
        double macro = 0;
        double weighted = 0;
        int counted = 0;
        Map<String, Double> recalls = new LinkedHashMap<>();
        for (String c : labels) {
            long tp = correct.getOrDefault(c, 0L);
            long s = support.getOrDefault(c, 0L);
            long p = predictedCount.getOrDefault(c, 0L);
            double f1 = (s + p) == 0 ? 0.0 : 2.0 * tp / (s + p);
            macro += f1;
            weighted += f1 * s;
            counted++;
            if (s > 0) {
                recalls.put("recall." + c, (double) tp / s);
            }
        }
        m.put("f1_macro", counted == 0 ? null : macro / counted);
        m.put("f1_weighted", n == 0 ? null : weighted / n);
        m.putAll(recalls);
        return m;
    }

    @Override
    public void writeTo(DataOutput out) throws IOException {
        out.writeInt(maxClasses);
        int cells = 0;
        for (TreeMap<String, long[]> row : confusion.values()) {
            cells += row.size();
        }
        out.writeInt(cells);
        for (Map.Entry<String, TreeMap<String, long[]>> row : confusion.entrySet()) {
            for (Map.Entry<String, long[]> cell : row.getValue().entrySet()) {
                out.writeUTF(row.getKey());
                out.writeUTF(cell.getKey());
                out.writeLong(cell.getValue()[0]);
            }
        }
    }

    static MulticlassPerformance readFrom(DataInput in) throws IOException {
        MulticlassPerformance m = new MulticlassPerformance(in.readInt());
        int cells = in.readInt();
        for (int i = 0; i < cells; i++) {
            String a = in.readUTF();
            String p = in.readUTF();
            m.addCount(a, p, in.readLong());
        }
        return m;
    }
}
