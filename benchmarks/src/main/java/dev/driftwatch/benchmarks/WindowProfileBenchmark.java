package dev.driftwatch.benchmarks;

import dev.driftwatch.core.profile.ReferenceProfile;
import dev.driftwatch.core.profile.WindowProfile;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH: {@link WindowProfile} costs: update per value and per event (all numeric features plus 2
 * categorical), merge of a partial window, and the binary form both ways.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar WindowProfileBenchmark
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class WindowProfileBenchmark {
    private static final int VALUES = 1 << 14;

    /** Numeric features per event (2 categorical are added). */
    @Param({"20"})
    public int features;

    /** Events in the windows that are merged and serialised. */
    @Param({"100000"})
    public int windowEvents;

    private SyntheticTraffic traffic;
    private WindowProfile window;
    private double[][] values;
    private String[][] categories;
    private int next;
    private WindowProfile filled;
    private WindowProfile partial;
    private byte[] filledBytes;

    @Setup
    public void setUp() {
        traffic = new SyntheticTraffic(1, features, 42);
        ReferenceProfile reference = traffic.referenceProfile(0, 5000);
        window = reference.newWindow();
        SplittableRandom random = new SplittableRandom(1);
        values = new double[VALUES][features];
        categories = new String[VALUES][SyntheticTraffic.CATEGORICAL_FEATURES];
        for (int i = 0; i < VALUES; i++) {
            for (int f = 0; f < features; f++) {
                values[i][f] = traffic.numericValue(random, 0, f, 0.25);
            }
            for (int c = 0; c < SyntheticTraffic.CATEGORICAL_FEATURES; c++) {
                categories[i][c] = SyntheticTraffic.categoryValue(random, c);
            }
        }
        filled = reference.newWindow();
        partial = reference.newWindow();
        for (int i = 0; i < windowEvents; i++) {
            updateEvent(filled, i & (VALUES - 1));
            if (i < 20_000) {
                updateEvent(partial, (i * 7) & (VALUES - 1));
            }
        }
        filledBytes = filled.toByteArray();
    }

    private void updateEvent(WindowProfile w, int row) {
        double[] v = values[row];
        for (int f = 0; f < features; f++) {
            w.numeric(f).update(v[f]);
        }
        String[] c = categories[row];
        for (int k = 0; k < c.length; k++) {
            w.categorical(features + k).update(c[k]);
        }
    }

    /** One numeric value: bin search, moments, exact or grid update. */
    @Benchmark
    public WindowProfile updatePerValue() {
        int row = next++ & (VALUES - 1);
        window.numeric(row % features).update(values[row][row % features]);
        return window;
    }

    /** One event: every numeric feature and the 2 categorical ones. */
    @Benchmark
    public WindowProfile updatePerEvent() {
        updateEvent(window, next++ & (VALUES - 1));
        return window;
    }

    /** Merges a 20,000-event partial window (what a pre-aggregator flushes) into a window. */
    @Benchmark
    public WindowProfile mergePartial() {
        filled.merge(partial);
        return filled;
    }

    /** The versioned binary form of a full window. */
    @Benchmark
    public byte[] toByteArray() {
        return filled.toByteArray();
    }

    /** Reads the binary form of a full window. */
    @Benchmark
    public WindowProfile heapify() {
        return WindowProfile.heapify(filledBytes);
    }
}
