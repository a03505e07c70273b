package dev.driftwatch.core.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The quantile summary ({@link EmpiricalDistribution#compress}) reports exactly the errors it
 * makes, stays within {@code 2 / maxPoints} in rank and keeps sparse tails exact (at the default
 * 2,048 points); the KLL form with exact extremes is exact outside them.
 */
class EmpiricalDistributionTest {

    static double[] sample(String kind, int n, long seed) {
        Random random = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            double u = random.nextDouble();
            v[i] =
                    switch (kind) {
                        case "normal" -> random.nextGaussian();
                        case "pareto" -> Math.pow(1.0 - u, -1.0 / 0.9);
                        case "cauchy" -> Math.tan(Math.PI * (u - 0.5));
                        case "discrete" -> Math.floor(Math.exp(4 * u) * 7); // ~380 levels
                        case "atoms" -> u < 0.4 ? 0.0 : Math.exp(2 * random.nextGaussian());
                        default -> throw new IllegalArgumentException(kind);
                    };
        }
        return v;
    }

    @ParameterizedTest
    @ValueSource(strings = {"normal", "pareto", "cauchy", "discrete", "atoms"})
    void theSummaryReportsExactlyTheErrorsItMakes(String kind) {
        double[] values = sample(kind, 200_000, kind.hashCode());
        EmpiricalDistribution exact = EmpiricalDistribution.ofSample(values);
        for (int maxPoints : new int[] {64, 256, 2048}) {
            EmpiricalDistribution s = exact.compress(maxPoints);
            if (exact.size() <= maxPoints) {
                assertThat(s).isSameAs(exact);
                continue;
            }
            assertThat(s.size()).isLessThanOrEqualTo(maxPoints);
            assertThat(s.count()).isEqualTo(values.length);
            // the rank error is the summary's actual sup distance, within 2 / maxPoints
            double sup = KolmogorovSmirnov.statistic(exact, s);
            assertThat(s.rankError()).isCloseTo(sup, org.assertj.core.data.Offset.offset(1e-12));
            assertThat(s.rankError()).isLessThanOrEqualTo(2.0 / maxPoints);
            // the Wasserstein error is its actual W1 distance to the sample (up to rounding)
            double w = WassersteinDistance.distance(exact, s);
            assertThat(s.wassersteinError()).isGreaterThanOrEqualTo(w);
            assertThat(s.wassersteinError()).isLessThanOrEqualTo(w * (1 + 1e-6) + 1e-300);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"pareto", "cauchy"})
    void sparseTailsStayExact(String kind) {
        double[] values = sample(kind, 100_000, 3);
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        EmpiricalDistribution s = EmpiricalDistribution.ofSample(values).compress(2048);
        for (int i = 0; i < 20; i++) {
            double top = sorted[sorted.length - 1 - i];
            double bottom = sorted[i];
            assertThat(s.cdf(top)).isEqualTo((double) (sorted.length - i) / sorted.length);
            if (kind.equals("cauchy")) {
                assertThat(s.cdf(bottom)).isEqualTo((double) (i + 1) / sorted.length);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void aSketchWithExactExtremesIsExactOutsideThem(int seed) {
        double[] values = sample("cauchy", 30_000, seed);
        KllDoublesSketch sketch = KllDoublesSketch.newHeapInstance(200);
        for (double v : values) {
            sketch.update(v);
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int t = 16;
        double[] lowest = Arrays.copyOf(sorted, t);
        double[] highest = Arrays.copyOfRange(sorted, sorted.length - t, sorted.length);
        EmpiricalDistribution d = EmpiricalDistribution.ofSketch(sketch, lowest, t, highest, t);
        EmpiricalDistribution exact = EmpiricalDistribution.ofSample(values);
        double e = sketch.getNormalizedRankError(false);
        assertThat(d.rankError()).isEqualTo(e);
        assertThat(d.wassersteinError()).isEqualTo(e * (highest[0] - lowest[t - 1]));
        for (int i = 0; i < t - 1; i++) {
            assertThat(d.cdf(sorted[i])).isEqualTo(exact.cdf(sorted[i]));
        }
        for (int i = sorted.length - t; i < sorted.length; i++) {
            assertThat(d.cdf(sorted[i])).isEqualTo(exact.cdf(sorted[i]));
        }
        assertThat(d.cdf(sorted[0] - 1)).isZero();
        // the plain sketch's bound spans the whole range, this one only [L, U]
        EmpiricalDistribution plain = EmpiricalDistribution.ofSketch(sketch);
        assertThat(plain.wassersteinError()).isEqualTo(e * (sorted[sorted.length - 1] - sorted[0]));
        assertThat(d.wassersteinError()).isLessThan(plain.wassersteinError() / 10);
        assertThat(KolmogorovSmirnov.statistic(exact, d)).isLessThanOrEqualTo(e);
        assertThat(WassersteinDistance.distance(exact, d))
                .isLessThanOrEqualTo(d.wassersteinError());
    }

    @org.junit.jupiter.api.Test
    void countsAreValidated() {
        assertThatThrownBy(
                        () ->
                                EmpiricalDistribution.ofCounts(
                                        new double[] {2, 1}, new long[] {1, 1}, 2, 0, 0))
                .hasMessageContaining("strictly increasing");
        assertThatThrownBy(
                        () ->
                                EmpiricalDistribution.ofCounts(
                                        new double[] {1, 2}, new long[] {1, 0}, 2, 0, 0))
                .hasMessageContaining("counts must be >= 1");
        assertThatThrownBy(
                        () ->
                                EmpiricalDistribution.ofCounts(
                                        new double[] {1, Double.NaN}, new long[] {1, 1}, 2, 0, 0))
                .hasMessageContaining("finite");
        assertThatThrownBy(
                        () ->
                                EmpiricalDistribution.ofCounts(
                                        new double[] {1}, new long[] {1}, 1, 1.5, 0))
                .hasMessageContaining("rank error must be in [0, 1]");
        EmpiricalDistribution d =
                EmpiricalDistribution.ofCounts(new double[] {1, 3}, new long[] {2, 6}, 2, 0, 0);
        assertThat(d.cdf(1)).isEqualTo(0.25);
        assertThat(d.weight(1)).isEqualTo(6);
        assertThat(d.isExact()).isTrue();
    }
}
