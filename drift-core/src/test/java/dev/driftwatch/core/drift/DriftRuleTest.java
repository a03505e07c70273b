package dev.driftwatch.core.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.driftwatch.core.DriftCoreException;
import dev.driftwatch.core.profile.CategoricalReference;
import dev.driftwatch.core.profile.CategoricalReferenceBuilder;
import dev.driftwatch.core.profile.CategoricalWindow;
import dev.driftwatch.core.profile.NumericReference;
import dev.driftwatch.core.profile.NumericReferenceBuilder;
import dev.driftwatch.core.profile.NumericWindow;
import dev.driftwatch.core.profile.ReferenceProfile;
import dev.driftwatch.core.profile.TestProfiles;
import dev.driftwatch.core.profile.WindowProfile;
import dev.driftwatch.core.stats.KolmogorovSmirnov;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The rules by name: the default {@code two_sample_test} (what it decides on, why, its level), the
 * old default's known misses that it catches, the popular rules, and the policy file's {@code
 * rule}.
 */
class DriftRuleTest {
    private static final ReferenceProfile REFERENCE = TestProfiles.amountAndCountry();
    private static final DriftPolicies THRESHOLD = DriftPolicies.of(DriftRule.THRESHOLD);

    private static WindowProfile window(int n, double shift, double germanShare, long seed) {
        Random random = new Random(seed);
        WindowProfile w = REFERENCE.newWindow();
        for (int i = 0; i < n; i++) {
            w.numeric(0).update(50 + shift + 10 * random.nextGaussian());
            w.categorical(1).update(random.nextDouble() < germanShare ? "DE" : "FR");
        }
        return w;
    }

    private static NumericReference numericReference(int m, DoubleUnaryOperator f, long seed) {
        Random random = new Random(seed);
        NumericReferenceBuilder b = new NumericReferenceBuilder();
        for (int i = 0; i < m; i++) {
            b.add(f.applyAsDouble(random.nextGaussian()));
        }
        return b.build(10);
    }

    private static NumericMetrics numericWindow(
            NumericReference ref, int n, DoubleUnaryOperator f, Random random) {
        NumericWindow w = ref.newWindow();
        for (int i = 0; i < n; i++) {
            w.update(f.applyAsDouble(random.nextGaussian()));
        }
        return NumericMetrics.of("x", ref, w);
    }

    private static DriftDecision decide(FeatureMetrics m, DriftPolicies policies) {
        return DriftDetector.evaluate(List.of(m), policies).features().get(0).decision();
    }

    @Test
    void theDefaultTestsEachFeatureAndSaysWhichRuleDecidedAndWhy() {
        DriftReport report =
                DriftDetector.evaluate(
                        ProfileComparison.compare(REFERENCE, window(3000, 3, 0.9, 3)),
                        DriftPolicies.defaults());
        DriftDecision amount = report.features().get(0).decision();
        assertThat(amount.rule()).isEqualTo(DriftRule.TWO_SAMPLE_TEST);
        assertThat(amount.method()).isEqualTo(DriftMethod.KS);
        assertThat(amount.detected()).isTrue();
        assertThat(amount.severity()).isEqualTo(DriftDecision.CRITICAL);
        assertThat(amount.threshold()).isEqualTo(0.01);
        assertThat(amount.adjustedPValue()).isGreaterThanOrEqualTo(amount.value());
        assertThat(amount.guard()).contains("less its error bound").contains("n=3000");
        assertThat(amount.note()).contains("Benjamini-Hochberg adjusted p-value");
        DriftDecision country = report.features().get(1).decision();
        assertThat(country.method()).isEqualTo(DriftMethod.CHI_SQUARE_TWO_SAMPLE);
        assertThat(country.detected()).isTrue();
        assertThat(country.value())
                .isEqualTo(
                        report.features().get(1).metrics().pValue(Statistic.CHI_SQUARE_TWO_SAMPLE));
        assertThat(country.guard()).contains("chi-square of homogeneity");
    }

    @Test
    void theDefaultIsCorrectedAcrossFeaturesAtItsLevel() {
        // Benjamini-Hochberg over two p-values: the larger one is compared unchanged, the smaller
        // doubled unless the larger is smaller.
        DriftReport report =
                DriftDetector.evaluate(
                        ProfileComparison.compare(REFERENCE, window(3000, 0.4, 0.4, 5)),
                        DriftPolicies.defaults());
        double p0 = report.features().get(0).decision().value();
        double p1 = report.features().get(1).decision().value();
        double max = Math.max(p0, p1);
        double min = Math.min(p0, p1);
        DriftDecision smaller = report.features().get(p0 <= p1 ? 0 : 1).decision();
        assertThat(smaller.adjustedPValue()).isEqualTo(Math.min(max, 2 * min));
        DriftPolicies lenient =
                DriftPolicies.fromJson(
                        new ObjectMapper()
                                .createObjectNode()
                                .put("level", 0.5)
                                .put("critical_level", 0.4));
        assertThat(lenient.level()).isEqualTo(0.5);
        assertThat(
                        DriftDetector.evaluate(
                                        report.features().stream().map(f -> f.metrics()).toList(),
                                        lenient)
                                .features()
                                .get(0)
                                .decision()
                                .threshold())
                .isEqualTo(0.5);
    }

    @Test
    void aSmallMeanShiftInSamplesOfAThousandIsDetectedWherePsiMissesIt() {
        // 0.3 sd at n = m = 1,000: PSI about 0.06-0.1, under its threshold; KS sees it.
        int detectedNew = 0;
        int detectedOld = 0;
        for (int t = 0; t < 20; t++) {
            NumericReference ref = numericReference(1000, z -> z, 100 + t);
            NumericMetrics m = numericWindow(ref, 1000, z -> z + 0.3, new Random(200 + t));
            detectedNew += decide(m, DriftPolicies.defaults()).detected() ? 1 : 0;
            detectedOld += decide(m, THRESHOLD).detected() ? 1 : 0;
        }
        assertThat(detectedNew).isGreaterThanOrEqualTo(18);
        assertThat(detectedOld).isLessThanOrEqualTo(15);
    }

    @Test
    void roundedValuesWhoseQuantileEdgesCollapseAreDetected() {
        DoubleUnaryOperator rounded = z -> Math.rint(10 + 2 * z);
        DoubleUnaryOperator shifted = z -> Math.rint(10.6 + 2 * z);
        int detectedNew = 0;
        int detectedOld = 0;
        for (int t = 0; t < 20; t++) {
            NumericReference ref = numericReference(1000, rounded, 300 + t);
            assertThat(ref.binCounts().length).isLessThan(10);
            NumericMetrics m = numericWindow(ref, 1000, shifted, new Random(400 + t));
            detectedNew += decide(m, DriftPolicies.defaults()).detected() ? 1 : 0;
            detectedOld += decide(m, THRESHOLD).detected() ? 1 : 0;
        }
        assertThat(detectedNew).isGreaterThanOrEqualTo(18);
        assertThat(detectedOld).isLessThan(detectedNew);
    }

    @Test
    void aHundredRowWindowAgainstALargeReferenceIsTestedAtItsOwnSize() {
        // The old guard's noise floor at n = 100 is about 0.22: a 0.5 sd shift (PSI about 0.2)
        // mostly hides under it. KS at n = 100 against 200,000 values sees most of them.
        NumericReference ref = numericReference(200_000, z -> z, 7);
        Random random = new Random(8);
        int detectedNew = 0;
        int detectedOld = 0;
        int falseNew = 0;
        for (int t = 0; t < 60; t++) {
            NumericMetrics m = numericWindow(ref, 100, z -> z + 0.5, random);
            detectedNew += decide(m, DriftPolicies.defaults()).detected() ? 1 : 0;
            detectedOld += decide(m, THRESHOLD).detected() ? 1 : 0;
            NumericMetrics none = numericWindow(ref, 100, z -> z, random);
            falseNew += decide(none, DriftPolicies.defaults()).detected() ? 1 : 0;
        }
        assertThat(detectedNew).isGreaterThan(detectedOld);
        assertThat(detectedNew).isGreaterThanOrEqualTo(35);
        assertThat(falseNew).isLessThanOrEqualTo(3);
    }

    @Test
    void falseAlarmsStayNearTheLevelWithoutDrift() {
        int alarms = 0;
        int trials = 300;
        for (int t = 0; t < trials; t++) {
            NumericReference ref = numericReference(1000, z -> z, 1000 + t);
            NumericMetrics m = numericWindow(ref, 1000, z -> z, new Random(5000 + t));
            alarms += decide(m, DriftPolicies.defaults()).detected() ? 1 : 0;
        }
        // level 0.01, and KS's asymptotic p-value is conservative: at most 9 of 300 (2 sd above 3)
        assertThat(alarms).isLessThanOrEqualTo(9);
    }

    @Test
    void theSketchErrorIsTakenOffTheStatisticBeforeTesting() {
        for (int seed = 0; seed < 3; seed++) {
            NumericReference ref = numericReference(100_000, z -> z, 60 + seed);
            NumericMetrics m = numericWindow(ref, 100_000, z -> z, new Random(70 + seed));
            double d = m.value(Statistic.KS);
            double bound = m.value(Statistic.KS_ERROR_BOUND);
            assertThat(bound).isPositive();
            DriftDecision decision = decide(m, DriftPolicies.defaults());
            double[] components = DriftDetector.numericPValues(m);
            assertThat(components[0])
                    .isEqualTo(KolmogorovSmirnov.pValue(Math.max(0, d - bound), 100_000, 100_000))
                    .isGreaterThanOrEqualTo(m.pValue(Statistic.KS));
            assertThat(components).hasSize(4);
            assertThat(decision.value()).isEqualTo(DriftDetector.simes(components));
            assertThat(decision.detected()).isFalse();
        }
    }

    @Test
    void aSingleCategoryLeavesTheChiSquareTestsUndefined() {
        CategoricalReferenceBuilder b = new CategoricalReferenceBuilder();
        for (int i = 0; i < 50; i++) {
            b.add("A");
        }
        CategoricalReference ref = b.build();
        CategoricalWindow w = ref.newWindow();
        for (int i = 0; i < 20; i++) {
            w.update("A");
        }
        CategoricalMetrics m = CategoricalMetrics.of("c", ref, w);
        assertThat(m.bins()).isEqualTo(1);
        assertThat(m.value(Statistic.CHI_SQUARE)).isEqualTo(0.0);
        assertThat(m.metrics()).containsEntry(Statistic.CHI_SQUARE.pValueMetric(), null);
        assertThat(m.metrics()).containsEntry(Statistic.CHI_SQUARE_TWO_SAMPLE.pValueMetric(), null);
        DriftDecision d = decide(m, DriftPolicies.defaults());
        assertThat(d.detected()).isFalse();
        assertThat(d.value()).isNull();
        assertThat(d.note()).contains("no degree of freedom");
        DriftDecision old =
                decide(m, THRESHOLD.withOverride("c", DriftPolicy.of(DriftMethod.CHI_SQUARE)));
        assertThat(old.value()).isNull();
        assertThat(old.note()).contains("no degree of freedom");

        w.update("B"); // a new category: two bins, one degree of freedom
        CategoricalMetrics two = CategoricalMetrics.of("c", ref, w);
        assertThat(two.pValue(Statistic.CHI_SQUARE)).isNotNull();
        assertThat(two.pValue(Statistic.CHI_SQUARE_TWO_SAMPLE)).isNotNull();
    }

    @Test
    void evidentlySwitchesFromTestsToDistancesPastAThousandReferenceRows() {
        NumericReference small = numericReference(1000, z -> z, 1);
        NumericReference large = numericReference(1001, z -> z, 1);
        DriftPolicies evidently = DriftPolicies.of(DriftRule.EVIDENTLY);
        NumericMetrics ms = numericWindow(small, 300, z -> z + 0.05, new Random(2));
        NumericMetrics ml = numericWindow(large, 300, z -> z + 0.05, new Random(2));
        DriftDecision ds = decide(ms, evidently);
        DriftDecision dl = decide(ml, evidently);
        assertThat(ds.method()).isEqualTo(DriftMethod.KS);
        assertThat(ds.value()).isEqualTo(ms.pValue(Statistic.KS));
        assertThat(ds.detected()).isEqualTo(ms.pValue(Statistic.KS) < 0.05);
        assertThat(dl.method()).isEqualTo(DriftMethod.WASSERSTEIN_NORMALIZED);
        assertThat(dl.detected()).isEqualTo(ml.value(Statistic.WASSERSTEIN_NORMALIZED) >= 0.1);

        // categorical: two categories use the two-proportion z-test, more use chi-square; past
        // 1,000 rows the JS distance in natural log
        DriftReport r =
                DriftDetector.evaluate(
                        ProfileComparison.compare(REFERENCE, window(500, 0, 0.5, 9)), evidently);
        FeatureMetrics country = r.features().get(1).metrics();
        DriftDecision dc = r.features().get(1).decision();
        assertThat(REFERENCE.feature("amount")).isNotNull();
        assertThat(dc.method()).isEqualTo(DriftMethod.JENSEN_SHANNON);
        assertThat(dc.value())
                .isEqualTo(
                        country.value(Statistic.JENSEN_SHANNON) * Math.sqrt(Math.log(2.0)),
                        org.assertj.core.data.Offset.offset(1e-15));
        // two categories, 600 rows: the two-proportion z-test (pooled), whose square is the
        // chi-square of homogeneity
        CategoricalReferenceBuilder b = new CategoricalReferenceBuilder();
        for (int i = 0; i < 600; i++) {
            b.add(i < 180 ? "A" : "B");
        }
        CategoricalReference two = b.build();
        CategoricalWindow w = two.newWindow();
        for (int i = 0; i < 100; i++) {
            w.update(i < 40 ? "A" : "B");
        }
        DriftDecision binary = decide(CategoricalMetrics.of("c", two, w), evidently);
        assertThat(binary.method()).isEqualTo(DriftMethod.CHI_SQUARE_TWO_SAMPLE);
        double pooled = (180.0 + 40) / 700;
        double z = (0.4 - 0.3) / Math.sqrt(pooled * (1 - pooled) * (1.0 / 100 + 1.0 / 600));
        double zTestP = org.apache.commons.math3.special.Erf.erfc(z / Math.sqrt(2));
        assertThat(binary.value()).isCloseTo(zTestP, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(binary.detected()).isEqualTo(zTestP < 0.05);
    }

    @Test
    void psiAndKsRulesHaveNoGuardAndNoCorrection() {
        DriftReport small =
                DriftDetector.evaluate(
                        ProfileComparison.compare(REFERENCE, window(12, 2, 0.5, 2)),
                        DriftPolicies.of(DriftRule.PSI));
        DriftDecision tiny = small.features().get(0).decision();
        assertThat(tiny.rule()).isEqualTo(DriftRule.PSI);
        assertThat(tiny.noiseFloor()).isNull();
        assertThat(tiny.detected()).isEqualTo(tiny.value() >= 0.1);
        DriftReport ks =
                DriftDetector.evaluate(
                        ProfileComparison.compare(REFERENCE, window(300, 1, 0.5, 2)),
                        DriftPolicies.of(DriftRule.KS));
        for (DriftReport.FeatureDrift f : ks.features()) {
            assertThat(f.decision().adjustedPValue()).isNull();
            assertThat(f.decision().detected()).isEqualTo(f.decision().value() < 0.05);
        }
        assertThat(ks.features().get(1).decision().method()).isEqualTo(DriftMethod.CHI_SQUARE);
    }

    @Test
    void thePolicyFileNamesItsRule() throws Exception {
        ObjectMapper json = new ObjectMapper();
        assertThat(DriftPolicies.fromJson(json.readTree("{}")).rule())
                .isEqualTo(DriftRule.TWO_SAMPLE_TEST);
        assertThat(DriftPolicies.defaults().rule()).isEqualTo(DriftRule.TWO_SAMPLE_TEST);
        assertThat(DriftPolicies.defaults().level()).isEqualTo(0.01);
        assertThat(DriftPolicies.fromJson(json.readTree("{\"rule\": \"evidently\"}")).rule())
                .isEqualTo(DriftRule.EVIDENTLY);
        DriftPolicies old =
                DriftPolicies.fromJson(json.readTree("{\"numeric\": {\"method\": \"psi\"}}"));
        assertThat(old.rule()).isEqualTo(DriftRule.THRESHOLD);
        DriftPolicies level =
                DriftPolicies.fromJson(
                        json.readTree("{\"rule\": \"two_sample_test\", \"level\": 0.05}"));
        assertThat(level.level()).isEqualTo(0.05);
        assertThat(level.criticalLevel()).isEqualTo(0.001);
        assertThat(DriftPolicies.fromJson(json.readTree("{\"level\": 0.0005}")).criticalLevel())
                .isEqualTo(0.0005);

        assertThatThrownBy(() -> DriftPolicies.fromJson(json.readTree("{\"rule\": \"magic\"}")))
                .isInstanceOf(DriftCoreException.class)
                .hasMessageContaining("unknown drift rule 'magic'")
                .hasMessageContaining("two_sample_test, threshold, evidently, psi, ks");
        assertThatThrownBy(
                        () ->
                                DriftPolicies.fromJson(
                                        json.readTree(
                                                "{\"rule\": \"psi\", \"numeric\": {\"method\":"
                                                        + " \"psi\"}}")))
                .hasMessageContaining("apply only to rule threshold, not psi");
        assertThatThrownBy(
                        () ->
                                DriftPolicies.fromJson(
                                        json.readTree(
                                                "{\"rule\": \"threshold\", \"level\": 0.05}")))
                .hasMessageContaining("apply only to rule two_sample_test, not threshold");
        assertThatThrownBy(() -> DriftPolicies.fromJson(json.readTree("{\"level\": 1.5}")))
                .hasMessageContaining("level must be in (0, 1)");
        assertThatThrownBy(() -> DriftPolicies.fromJson(json.readTree("{\"rule\": 3}")))
                .hasMessageContaining("rule must be a string");
        assertThatThrownBy(
                        () ->
                                DriftPolicies.defaults()
                                        .withOverride("x", DriftPolicy.of(DriftMethod.PSI)))
                .hasMessageContaining("apply only to rule threshold, not two_sample_test");
    }
}
