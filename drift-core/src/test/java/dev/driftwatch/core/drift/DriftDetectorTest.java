package dev.driftwatch.core.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.driftwatch.core.DriftCoreException;
import dev.driftwatch.core.profile.FeatureType;
import dev.driftwatch.core.profile.NumericReference;
import dev.driftwatch.core.profile.NumericReferenceBuilder;
import dev.driftwatch.core.profile.NumericWindow;
import dev.driftwatch.core.profile.ReferenceProfile;
import dev.driftwatch.core.profile.TestProfiles;
import dev.driftwatch.core.profile.WindowProfile;
import dev.driftwatch.core.stats.PopulationStabilityIndex;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Drift decisions of the {@code threshold} rule (the default before {@code two_sample_test}):
 * thresholds and severities, the sample-size guard, FDR, overrides, dataset share.
 */
class DriftDetectorTest {
    private static final ReferenceProfile REFERENCE = TestProfiles.amountAndCountry();

    /** The previous default rule, which these tests pin: PSI behind its noise floor. */
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

    @Test
    void largeShiftIsCriticalAndSmallWindowsAreGuarded() {
        DriftReport big =
                DriftDetector.evaluate(
                        ProfileComparison.compare(REFERENCE, window(5000, 8, 0.5, 1)), THRESHOLD);
        DriftDecision amount = big.features().get(0).decision();
        assertThat(amount.detected()).isTrue();
        assertThat(amount.severity()).isEqualTo(DriftDecision.CRITICAL);
        assertThat(amount.value()).isGreaterThan(0.25);
        assertThat(amount.noiseFloor()).isLessThan(0.02);

        // A 12-event window with a moderate shift: PSI passes 0.1 by noise, the guard holds it
        // back.
        DriftReport small =
                DriftDetector.evaluate(
                        ProfileComparison.compare(REFERENCE, window(12, 2, 0.5, 2)), THRESHOLD);
        DriftDecision tiny = small.features().get(0).decision();
        assertThat(tiny.value()).isGreaterThan(0.1);
        assertThat(tiny.detected()).isFalse();
        assertThat(tiny.noiseFloor()).isGreaterThan(tiny.value());
        assertThat(tiny.note()).contains("noise floor");
    }

    @Test
    void psiNoiseFloorHoldsItsLevelOnDriftFreeWindows() {
        // The guard's premise: without drift, PSI exceeds its 0.99 noise floor about 1% of the
        // time.
        Random random = new Random(11);
        NumericReferenceBuilder b = new NumericReferenceBuilder();
        for (int i = 0; i < 5000; i++) {
            b.add(random.nextGaussian());
        }
        NumericReference ref = b.build(10);
        double floor = PopulationStabilityIndex.noiseFloor(1000, 5000, 10, 0.99);
        int above = 0;
        int trials = 400;
        for (int t = 0; t < trials; t++) {
            NumericWindow w = ref.newWindow();
            for (int i = 0; i < 1000; i++) {
                w.update(random.nextGaussian());
            }
            if (PopulationStabilityIndex.of(ref.binCounts(), w.binCounts()) > floor) {
                above++;
            }
        }
        assertThat((double) above / trials).isLessThan(0.04);
    }

    @Test
    void pValueMethodsAreCorrectedAcrossFeatures() {
        DriftPolicies policies =
                THRESHOLD
                        .withOverride("amount", DriftPolicy.of(DriftMethod.KS))
                        .withOverride("country", DriftPolicy.of(DriftMethod.CHI_SQUARE));
        DriftReport report =
                DriftDetector.evaluate(
                        ProfileComparison.compare(REFERENCE, window(3000, 3, 0.9, 3)), policies);
        assertThat(report.features().get(0).decision().method()).isEqualTo(DriftMethod.KS);
        assertThat(report.features().get(0).decision().detected()).isTrue();
        assertThat(report.features().get(0).decision().note()).contains("Benjamini-Hochberg");
        assertThat(report.features().get(1).decision().method()).isEqualTo(DriftMethod.CHI_SQUARE);
        assertThat(report.features().get(1).decision().detected()).isTrue();
        assertThat(report.driftedFeatures()).isEqualTo(2);
        assertThat(report.driftShare()).isEqualTo(1.0);
        assertThat(report.datasetDrift()).isTrue();
    }

    @Test
    void datasetShareCountsDriftedFeatures() {
        // numeric unchanged, categorical heavily shifted: 1 of 2 drifted = 0.5 -> dataset drift at
        // 0.5
        DriftReport report =
                DriftDetector.evaluate(
                        ProfileComparison.compare(REFERENCE, window(4000, 0, 1.0, 4)), THRESHOLD);
        assertThat(report.features().get(0).decision().detected()).isFalse();
        assertThat(report.features().get(1).decision().detected()).isTrue();
        assertThat(report.driftShare()).isEqualTo(0.5);
        assertThat(report.datasetDrift()).isTrue();
    }

    @Test
    void policiesReadFromJsonWithOverridesAndRejectNonsense() throws Exception {
        ObjectMapper json = new ObjectMapper();
        DriftPolicies p =
                DriftPolicies.fromJson(
                        json.readTree(
                                "{\"numeric\": {\"method\": \"jensen_shannon\", \"warning\": 0.05},"
                                        + " \"features\": {\"amount\": {\"method\":"
                                        + " \"wasserstein_normalized\"}}, \"dataset_drift_share\":"
                                        + " 0.3}"));
        assertThat(p.forFeature("x", FeatureType.NUMERIC))
                .isEqualTo(new DriftPolicy(DriftMethod.JENSEN_SHANNON, 0.05, 0.2));
        assertThat(p.forFeature("amount", FeatureType.NUMERIC).method())
                .isEqualTo(DriftMethod.WASSERSTEIN_NORMALIZED);
        assertThat(p.rule()).isEqualTo(DriftRule.THRESHOLD);
        assertThat(p.forFeature("c", FeatureType.CATEGORICAL))
                .isEqualTo(DriftPolicy.of(DriftMethod.PSI));
        assertThat(p.datasetDriftShare()).isEqualTo(0.3);

        assertThatThrownBy(
                        () ->
                                DriftPolicies.fromJson(
                                        json.readTree(
                                                "{\"numeric\": {\"method\": \"chi_square\"}}")))
                .isInstanceOf(DriftCoreException.class)
                .hasMessageContaining("does not apply to numeric");
        assertThatThrownBy(
                        () ->
                                DriftPolicies.fromJson(
                                        json.readTree("{\"numeric\": {\"method\": \"magic\"}}")))
                .hasMessageContaining("unknown drift method 'magic'");
        assertThatThrownBy(() -> DriftPolicies.fromJson(json.readTree("{\"thresholds\": 1}")))
                .hasMessageContaining("unknown field 'thresholds'");
        assertThatThrownBy(() -> new DriftPolicy(DriftMethod.PSI, 0.3, 0.2))
                .hasMessageContaining("critical threshold 0.2 must be >= warning threshold 0.3");
        DriftPolicies ksOnCategory =
                THRESHOLD.withOverride("country", DriftPolicy.of(DriftMethod.KS));
        assertThatThrownBy(() -> ksOnCategory.forFeature("country", FeatureType.CATEGORICAL))
                .hasMessageContaining("ks does not apply to categorical");
    }

    @Test
    void constantReferenceMakesNormalisedWassersteinUndecidableNotInfinite() {
        NumericReferenceBuilder b = new NumericReferenceBuilder();
        for (int i = 0; i < 100; i++) {
            b.add(1e-12);
        }
        NumericReference ref = b.build(10);
        NumericWindow w = ref.newWindow();
        for (int i = 0; i < 100; i++) {
            w.update(2e-12);
        }
        NumericMetrics m = NumericMetrics.of("tiny", ref, w);
        assertThat(m.value(Statistic.WASSERSTEIN))
                .isEqualTo(1e-12, org.assertj.core.data.Offset.offset(1e-24));
        assertThat(m.metrics()).containsEntry(Statistic.WASSERSTEIN_NORMALIZED.metric(), null);
        List<FeatureMetrics> list = new ArrayList<>(List.of(m));
        DriftReport r =
                DriftDetector.evaluate(
                        list,
                        THRESHOLD.withOverride(
                                "tiny", DriftPolicy.of(DriftMethod.WASSERSTEIN_NORMALIZED)));
        assertThat(r.features().get(0).decision().detected()).isFalse();
        assertThat(r.features().get(0).decision().note()).contains("reference std is 0");
        // PSI cannot see it (one reference bin holds both values); the out-of-range rate does
        assertThat(m.value(Statistic.PSI)).isEqualTo(0.0);
        assertThat(m.value(Statistic.OUT_OF_RANGE_RATE)).isEqualTo(1.0);
    }
}
