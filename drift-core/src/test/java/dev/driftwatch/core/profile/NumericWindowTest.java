package dev.driftwatch.core.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.driftwatch.core.DriftCoreException;
import dev.driftwatch.core.stats.CdfDistances;
import dev.driftwatch.core.stats.EmpiricalDistribution;
import dev.driftwatch.core.stats.KolmogorovSmirnov;
import dev.driftwatch.core.stats.WassersteinDistance;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The forms of a numeric window: exact while the distinct values fit {@link
 * NumericWindow#EXACT_BYTES}, on the reference's grid with exact extremes beyond; the switch
 * between them in updates and in every kind of merge; their bytes.
 */
class NumericWindowTest {
    private static final NumericReference REF =
            (NumericReference) TestProfiles.amountAndCountry().feature("amount");

    @Test
    void aSmallWindowIsExact() {
        double[] values = gaussian(new Random(1), 500);
        NumericWindow w = window(values);
        assertThat(w.isExact()).isTrue();
        assertThat(w.distribution()).isEqualTo(EmpiricalDistribution.ofSample(values));
    }

    @Test
    void continuousValuesSwitchToTheGridWhenTheirEncodingPassesTheLimit() {
        // 8 bytes per distinct value + 1 byte per count of 1
        int fit = NumericWindow.EXACT_BYTES / 9;
        double[] values = gaussian(new Random(2), fit + 1);
        NumericWindow w = window(Arrays.copyOf(values, fit));
        assertThat(w.isExact()).isTrue();
        w.update(values[fit]);
        assertThat(w.isExact()).isFalse();
        assertThat(w.isGrid()).isTrue();
        EmpiricalDistribution d = w.distribution();
        assertThat(d.count()).isEqualTo(fit + 1);
        assertThat(d.rankError()).isPositive();
    }

    @Test
    void discreteValuesStayExactWhateverTheirNumber() {
        Random random = new Random(3);
        double[] values = new double[300_000];
        for (int i = 0; i < values.length; i++) {
            values[i] = Math.floor(Math.exp(3 + random.nextGaussian())); // ties, a long tail
        }
        NumericWindow w = window(values);
        assertThat(w.isExact()).isTrue();
        assertThat(w.distribution()).isEqualTo(EmpiricalDistribution.ofSample(values));
        assertThat(bytesOf(w).length).isLessThanOrEqualTo(8 * 1024);
    }

    @Test
    void theGridFormKeepsTheExtremesExactly() {
        Random random = new Random(4);
        double[] values = new double[50_000];
        for (int i = 0; i < values.length; i++) {
            values[i] = Math.pow(1.0 - random.nextDouble(), -1.0 / 1.2); // Pareto
        }
        NumericWindow w = window(values);
        assertThat(w.isExact()).isFalse();
        EmpiricalDistribution exact = EmpiricalDistribution.ofSample(values);
        EmpiricalDistribution d = w.distribution();
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int t = NumericWindow.EXTREMES;
        double low = sorted[t - 1];
        double high = sorted[sorted.length - t];
        for (int i = 0; i < t; i++) {
            double x = sorted[i];
            if (x < low) {
                assertThat(d.cdf(x)).as("CDF at the %d-th smallest", i + 1).isEqualTo(exact.cdf(x));
            }
            double y = sorted[sorted.length - 1 - i];
            assertThat(d.cdf(y)).as("CDF at the %d-th largest", i + 1).isEqualTo(exact.cdf(y));
        }
        assertThat(low).isLessThan(high);
        assertThat(Math.abs(d.cdf(sorted[25_000]) - exact.cdf(sorted[25_000])))
                .isLessThanOrEqualTo(d.rankError());
        assertThat(
                        Math.abs(
                                WassersteinDistance.distance(exact, d)
                                        - WassersteinDistance.distance(exact, exact)))
                .isLessThanOrEqualTo(d.wassersteinError());
        assertThat(KolmogorovSmirnov.statistic(exact, d)).isLessThanOrEqualTo(d.rankError());
    }

    @Test
    void everyKindOfMergeGivesTheSingleForm() {
        Random random = new Random(5);
        double[] few = gaussian(random, 300);
        double[] more = gaussian(random, 600); // 300 + 600 distinct overflow the exact form
        double[] many = gaussian(random, 5_000);

        NumericWindow exactPlusExact = window(few);
        exactPlusExact.merge(window(Arrays.copyOf(more, 100)));
        assertThat(exactPlusExact.isExact()).isTrue();
        assertThat(exactPlusExact.distribution())
                .isEqualTo(EmpiricalDistribution.ofSample(concat(few, Arrays.copyOf(more, 100))));

        NumericWindow overflow = window(few);
        overflow.merge(window(more));
        assertGridOf(overflow, concat(few, more));

        NumericWindow exactPlusSketch = window(few);
        exactPlusSketch.merge(window(many));
        assertGridOf(exactPlusSketch, concat(few, many));

        NumericWindow sketchPlusExact = window(many);
        sketchPlusExact.merge(window(few));
        assertGridOf(sketchPlusExact, concat(many, few));

        NumericWindow sketchPlusSketch = window(many);
        sketchPlusSketch.merge(window(more));
        sketchPlusSketch.merge(window(many));
        assertGridOf(sketchPlusSketch, concat(concat(many, more), many));

        NumericWindow emptyPlusSketch = REF.newWindow();
        emptyPlusSketch.merge(window(many));
        assertGridOf(emptyPlusSketch, many);
    }

    @Test
    void mergedExtremesAreTheSmallestAndLargestOfAllValues() {
        Random random = new Random(7);
        int t = NumericWindow.EXTREMES;
        for (int round = 0; round < 200; round++) {
            // sketch-form parts of different sizes, with ties (values on a grid of 0.01) and with
            // parts whose extremes interleave, nest or lie wholly beyond the other's
            int parts = 2 + random.nextInt(4);
            double[] all = new double[0];
            NumericWindow merged = null;
            for (int p = 0; p < parts; p++) {
                double shift = random.nextInt(5) * 3.0;
                double[] values = new double[1_500 + random.nextInt(3_000)];
                for (int i = 0; i < values.length; i++) {
                    values[i] = Math.rint((shift + 10 * random.nextGaussian()) * 100) / 100;
                }
                all = concat(all, values);
                NumericWindow w = window(values);
                assertThat(w.isExact()).isFalse();
                if (merged == null) {
                    merged = w;
                } else if (random.nextBoolean()) {
                    merged.merge(w);
                } else {
                    w.merge(merged);
                    merged = w;
                }
                double[] sorted = all.clone();
                Arrays.sort(sorted);
                assertThat(merged.lowestKept())
                        .as("round %d, %d parts: lowest", round, p + 1)
                        .containsExactly(Arrays.copyOf(sorted, t));
                assertThat(merged.highestKept())
                        .as("round %d, %d parts: highest", round, p + 1)
                        .containsExactly(
                                Arrays.copyOfRange(sorted, sorted.length - t, sorted.length));
            }
        }
    }

    /**
     * A grid-form window of exactly these values: count, extremes, bounds, and the same state as
     * the single pass.
     */
    private static void assertGridOf(NumericWindow w, double[] values) {
        assertThat(w.isGrid()).isTrue();
        NumericWindow single = window(values);
        assertThat(w.binCounts()).containsExactly(single.binCounts());
        assertThat(w.lowestKept()).containsExactly(single.lowestKept());
        assertThat(w.highestKept()).containsExactly(single.highestKept());
        var d1 = w.gridDistancesTo(REF.distribution());
        var d2 = single.gridDistancesTo(REF.distribution());
        assertThat(d1.ks()).isEqualTo(d2.ks());
        assertThat(d1.wasserstein()).isCloseTo(d2.wasserstein(), within(1e-9 * d2.wasserstein()));
        var exactDistances =
                CdfDistances.between(REF.distribution(), EmpiricalDistribution.ofSample(values));
        assertThat(Math.abs(d1.ks() - exactDistances.ks())).isLessThanOrEqualTo(d1.ksErrorBound());
        assertThat(Math.abs(d1.wasserstein() - exactDistances.wasserstein()))
                .isLessThanOrEqualTo(d1.wassersteinErrorBound());
        assertThat(w.finiteCount()).isEqualTo(values.length);
        EmpiricalDistribution d = w.distribution();
        EmpiricalDistribution exact = EmpiricalDistribution.ofSample(values);
        assertThat(d.count()).isEqualTo(values.length);
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int t = NumericWindow.EXTREMES;
        for (int i = 0; i < t; i++) {
            double y = sorted[sorted.length - 1 - i];
            assertThat(d.cdf(y)).isEqualTo(exact.cdf(y));
            if (sorted[i] < sorted[t - 1]) {
                assertThat(d.cdf(sorted[i])).isEqualTo(exact.cdf(sorted[i]));
            }
        }
        assertThat(KolmogorovSmirnov.statistic(exact, d)).isLessThanOrEqualTo(d.rankError());
        assertThat(WassersteinDistance.distance(exact, d))
                .isLessThanOrEqualTo(d.wassersteinError());
    }

    @Test
    void bothFormsSurviveTheirBytesAndStayWithinTheBudget() {
        Random random = new Random(6);
        for (int size : new int[] {0, 1, 100, 780, 790, 1_000, 100_000}) {
            NumericWindow w = window(gaussian(random, size));
            w.update(Double.NaN);
            w.updateTypeMismatch();
            byte[] bytes = bytesOf(w);
            assertThat(bytes.length).as("bytes at %d values", size).isLessThanOrEqualTo(8 * 1024);
            WindowProfile p = profileOf(w);
            WindowProfile back = WindowProfile.heapify(p.toByteArray());
            assertThat(back.toByteArray()).isEqualTo(p.toByteArray());
            assertThat(back.numeric(0).isExact()).isEqualTo(w.isExact());
            assertThat(back.numeric(0).isGrid()).isEqualTo(w.isGrid());
            if (w.isExact()) {
                assertThat(back.numeric(0).distribution()).isEqualTo(p.numeric(0).distribution());
            } else {
                // offset sums travel in single precision, their rounding in the carried error
                WindowProfile again = WindowProfile.heapify(back.toByteArray());
                assertThat(again.numeric(0).distribution())
                        .isEqualTo(back.numeric(0).distribution());
                var before = p.numeric(0).gridDistancesTo(REF.distribution());
                var after = back.numeric(0).gridDistancesTo(REF.distribution());
                assertThat(after.ks()).isEqualTo(before.ks());
                assertThat(Math.abs(after.wasserstein() - before.wasserstein()))
                        .isLessThanOrEqualTo(
                                after.wassersteinErrorBound() - before.wassersteinErrorBound());
            }
        }
    }

    @Test
    void exactBytesThatDoNotAddUpAreRejected() {
        WindowProfile p = profileOf(window(new double[] {1.0, 2.0, 2.0}));
        byte[] bytes = p.toByteArray();
        // the last byte is the count of the value 2.0 (a varint 2): make it 3
        bytes[bytes.length - 1] = 3;
        assertThatThrownBy(() -> WindowProfile.heapify(bytes))
                .isInstanceOf(DriftCoreException.class)
                .hasMessageContaining("exact values count 4 but the window has 3");
    }

    private static WindowProfile profileOf(NumericWindow w) {
        WindowProfile p =
                new ReferenceProfile("m", "1", java.time.Instant.EPOCH, java.util.Map.of("x", REF))
                        .newWindow();
        p.numeric(0).merge(w);
        return p;
    }

    private static NumericWindow window(double[] values) {
        NumericWindow w = REF.newWindow();
        for (double v : values) {
            w.update(v);
        }
        return w;
    }

    private static double[] gaussian(Random random, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = 50 + 10 * random.nextGaussian();
        }
        return v;
    }

    private static double[] concat(double[] a, double[] b) {
        double[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    static byte[] bytesOf(NumericWindow w) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DataOutputStream data = new DataOutputStream(out)) {
            w.writeTo(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
