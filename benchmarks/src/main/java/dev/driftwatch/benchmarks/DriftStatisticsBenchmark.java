package dev.driftwatch.benchmarks;

import dev.driftwatch.core.drift.FeatureMetrics;
import dev.driftwatch.core.drift.ProfileComparison;
import dev.driftwatch.core.profile.NumericReference;
import dev.driftwatch.core.profile.NumericWindow;
import dev.driftwatch.core.profile.ReferenceProfile;
import dev.driftwatch.core.profile.WindowProfile;
import dev.driftwatch.core.stats.EmpiricalDistribution;
import dev.driftwatch.core.stats.JensenShannonDistance;
import dev.driftwatch.core.stats.KolmogorovSmirnov;
import dev.driftwatch.core.stats.PopulationStabilityIndex;
import dev.driftwatch.core.stats.WassersteinDistance;
import java.util.List;
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
 * JMH: the drift statistics per window and feature (PSI, JS over the reference bins; KS and
 * Wasserstein-1 between the reference profile's distribution and the window's KLL sketch), and the
 * whole comparison of a 22-feature window.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar DriftStatisticsBenchmark
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DriftStatisticsBenchmark {
    /** Events in the window compared. */
    @Param({"100000"})
    public int windowEvents;

    private ReferenceProfile reference;
    private WindowProfile window;
    private long[] referenceCounts;
    private long[] windowCounts;
    private NumericReference numericReference;
    private NumericWindow numericWindow;
    private EmpiricalDistribution referenceDistribution;
    private EmpiricalDistribution windowDistribution;

    @Setup
    public void setUp() {
        SyntheticTraffic traffic = new SyntheticTraffic(1, 20, 42);
        reference = traffic.referenceProfile(0, 5000);
        window = reference.newWindow();
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < windowEvents; i++) {
            for (int f = 0; f < 20; f++) {
                window.numeric(f).update(traffic.numericValue(random, 0, f, 0.25));
            }
            for (int c = 0; c < SyntheticTraffic.CATEGORICAL_FEATURES; c++) {
                window.categorical(20 + c).update(SyntheticTraffic.categoryValue(random, c));
            }
        }
        numericReference = (NumericReference) reference.feature(window.featureName(0));
        numericWindow = window.numeric(0);
        referenceCounts = numericReference.binCounts();
        windowCounts = numericWindow.binCounts();
        referenceDistribution = numericReference.distribution();
        windowDistribution = numericWindow.distribution();
    }

    @Benchmark
    public double psi() {
        return PopulationStabilityIndex.of(referenceCounts, windowCounts);
    }

    @Benchmark
    public double jensenShannon() {
        return JensenShannonDistance.of(referenceCounts, windowCounts);
    }

    /** KS from the profiles, including turning the window's sketch into a distribution. */
    @Benchmark
    public double ksFromSketches() {
        return KolmogorovSmirnov.statistic(
                numericReference.distribution(), numericWindow.distribution());
    }

    /** KS between distributions already built. */
    @Benchmark
    public double ksStatisticOnly() {
        return KolmogorovSmirnov.statistic(referenceDistribution, windowDistribution);
    }

    /**
     * Wasserstein-1 from the profiles, including turning the window's sketch into a distribution.
     */
    @Benchmark
    public double wassersteinFromSketches() {
        return WassersteinDistance.distance(
                numericReference.distribution(), numericWindow.distribution());
    }

    /** Every metric of every feature of a 20 + 2 feature window. */
    @Benchmark
    public List<FeatureMetrics> compareWholeWindow() {
        return ProfileComparison.compare(reference, window);
    }
}
