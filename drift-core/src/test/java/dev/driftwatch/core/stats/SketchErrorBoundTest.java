package dev.driftwatch.core.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** KS and Wasserstein from KLL sketches stay within their stated bounds of the exact values. */
class SketchErrorBoundTest {

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void sketchStatisticsAreWithinTheirBounds(long seed) {
        Random random = new Random(seed);
        int n = 200_000;
        int m = 120_000;
        double shift = 0.05 * seed;
        double[] ref = new double[n];
        double[] cur = new double[m];
        KllDoublesSketch refSketch = KllDoublesSketch.newHeapInstance(200);
        KllDoublesSketch curSketch = KllDoublesSketch.newHeapInstance(200);
        for (int i = 0; i < n; i++) {
            ref[i] = random.nextGaussian();
            refSketch.update(ref[i]);
        }
        for (int i = 0; i < m; i++) {
            cur[i] = shift + 1.2 * random.nextGaussian();
            curSketch.update(cur[i]);
        }
        EmpiricalDistribution exactRef = EmpiricalDistribution.ofSample(ref);
        EmpiricalDistribution exactCur = EmpiricalDistribution.ofSample(cur);
        EmpiricalDistribution sketchRef = EmpiricalDistribution.ofSketch(refSketch);
        EmpiricalDistribution sketchCur = EmpiricalDistribution.ofSketch(curSketch);
        assertThat(sketchRef.rankError()).isGreaterThan(0.0);

        double exactD = KolmogorovSmirnov.statistic(exactRef, exactCur);
        double sketchD = KolmogorovSmirnov.statistic(sketchRef, sketchCur);
        double dBound = KolmogorovSmirnov.errorBound(sketchRef, sketchCur);
        assertThat(dBound)
                .isEqualTo(
                        refSketch.getNormalizedRankError(false)
                                + curSketch.getNormalizedRankError(false));
        assertThat(Math.abs(sketchD - exactD)).isLessThanOrEqualTo(dBound);

        double exactW = WassersteinDistance.distance(exactRef, exactCur);
        double sketchW = WassersteinDistance.distance(sketchRef, sketchCur);
        double wBound = WassersteinDistance.errorBound(sketchRef, sketchCur);
        assertThat(wBound)
                .isEqualTo(
                        refSketch.getNormalizedRankError(false)
                                        * (refSketch.getMaxItem() - refSketch.getMinItem())
                                + curSketch.getNormalizedRankError(false)
                                        * (curSketch.getMaxItem() - curSketch.getMinItem()));
        assertThat(Math.abs(sketchW - exactW)).isLessThanOrEqualTo(wBound);
    }

    @Test
    void sketchesInExactModeGiveExactStatistics() {
        Random random = new Random(7);
        double[] ref = new double[150];
        double[] cur = new double[90];
        KllDoublesSketch refSketch = KllDoublesSketch.newHeapInstance(200);
        KllDoublesSketch curSketch = KllDoublesSketch.newHeapInstance(200);
        for (int i = 0; i < ref.length; i++) {
            ref[i] = Math.rint(random.nextGaussian() * 3); // ties
            refSketch.update(ref[i]);
        }
        for (int i = 0; i < cur.length; i++) {
            cur[i] = Math.rint(1 + random.nextGaussian() * 3);
            curSketch.update(cur[i]);
        }
        EmpiricalDistribution sr = EmpiricalDistribution.ofSketch(refSketch);
        EmpiricalDistribution sc = EmpiricalDistribution.ofSketch(curSketch);
        assertThat(KolmogorovSmirnov.errorBound(sr, sc)).isZero();
        assertThat(KolmogorovSmirnov.statistic(sr, sc))
                .isEqualTo(
                        KolmogorovSmirnov.statistic(
                                EmpiricalDistribution.ofSample(ref),
                                EmpiricalDistribution.ofSample(cur)));
        assertThat(WassersteinDistance.distance(sr, sc))
                .isCloseTo(
                        WassersteinDistance.distance(
                                EmpiricalDistribution.ofSample(ref),
                                EmpiricalDistribution.ofSample(cur)),
                        org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void kolmogorovSurvivalAgreesWithCommonsMathWherePrecisionAllows() {
        for (double t = 0.2; t <= 3.0; t += 0.05) {
            double commons =
                    1.0
                            - new org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest()
                                    .ksSum(t, 1e-20, 100_000);
            assertThat(KolmogorovSmirnov.kolmogorovSurvival(t))
                    .as("t=%s", t)
                    .isCloseTo(commons, org.assertj.core.data.Offset.offset(1e-12));
        }
        assertThat(KolmogorovSmirnov.kolmogorovSurvival(0.0)).isEqualTo(1.0);
        // Far tail keeps relative precision: 2 exp(-2 t^2) dominates.
        assertThat(KolmogorovSmirnov.kolmogorovSurvival(10.0) / (2 * Math.exp(-200.0)))
                .isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-12));
    }
}
