package dev.driftwatch.core.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.driftwatch.core.DriftCoreException;
import dev.driftwatch.core.profile.NumericReference;
import dev.driftwatch.core.profile.NumericReferenceBuilder;
import dev.driftwatch.core.profile.NumericWindow;
import dev.driftwatch.core.stats.CellCounts;
import dev.driftwatch.core.stats.EmpiricalDistribution;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The default rule's components beyond KS (rank sum, Ansari-Bradley, chi-square over pooled cells,
 * combined per feature with Simes' rule) and its effect-size floor.
 */
class TieAwareDecisionTest {
    private static NumericReference reference(int m, DoubleUnaryOperator f, long seed) {
        Random random = new Random(seed);
        NumericReferenceBuilder b = new NumericReferenceBuilder();
        for (int i = 0; i < m; i++) {
            b.add(f.applyAsDouble(random.nextGaussian()));
        }
        return b.build(10);
    }

    private static NumericWindow window(
            NumericReference ref, int n, DoubleUnaryOperator f, Random random) {
        NumericWindow w = ref.newWindow();
        for (int i = 0; i < n; i++) {
            w.update(f.applyAsDouble(random.nextGaussian()));
        }
        return w;
    }

    private static DriftDecision decide(FeatureMetrics m, DriftPolicies policies) {
        return DriftDetector.evaluate(List.of(m), policies).features().get(0).decision();
    }

    @Test
    void simesCombinesAFeaturesPValues() {
        // min(3 * 0.01 / 1, 3 * 0.04 / 2, 3 * 0.5 / 3)
        assertThat(DriftDetector.simes(new double[] {0.04, 0.5, 0.01})).isEqualTo(0.03, within());
        assertThat(DriftDetector.simes(new double[] {0.02, 0.021})).isEqualTo(0.021, within());
        assertThat(DriftDetector.simes(new double[] {0.7})).isEqualTo(0.7);
    }

    private static org.assertj.core.data.Offset<Double> within() {
        return org.assertj.core.data.Offset.offset(1e-15);
    }

    @Test
    void windowsOnTheGridHaveTheCellsOfTheirExactValues() {
        NumericReference ref = reference(50_000, z -> z, 1);
        Random random = new Random(2);
        double[] values = new double[5_000];
        NumericWindow w = ref.newWindow();
        for (int i = 0; i < values.length; i++) {
            values[i] = 0.2 + random.nextGaussian();
            w.update(values[i]);
        }
        assertThat(w.isGrid()).isTrue();
        double[] grid = ref.windowGrid();
        CellCounts fromGrid = CellCounts.onGrid(ref.distribution(), w.distribution(), grid);
        CellCounts fromValues =
                CellCounts.onGrid(ref.distribution(), EmpiricalDistribution.ofSample(values), grid);
        assertThat(fromGrid).isEqualTo(fromValues);
        NumericMetrics m = NumericMetrics.of("x", ref, w);
        assertThat(m.cellTests()).isEqualTo(CellTests.of(fromValues));
        assertThat(m.cellTests().rankSumZ()).isGreaterThan(5.0);
    }

    @Test
    void exactSamplesAreTestedOverTheirDistinctValues() {
        NumericReference ref = reference(1_000, z -> Math.round(10 + 2 * z), 3);
        NumericWindow w = window(ref, 200, z -> Math.round(10.6 + 2 * z), new Random(4));
        assertThat(w.isExact()).isTrue();
        NumericMetrics m = NumericMetrics.of("x", ref, w);
        CellTests expected =
                CellTests.of(CellCounts.ofPoints(ref.distribution(), w.distribution()));
        assertThat(m.cellTests()).isEqualTo(expected);
        assertThat(m.cellTests().cells()).isEqualTo(ref.distribution().size() + extra(ref, w));
    }

    /** Distinct window values the reference does not have. */
    private static int extra(NumericReference ref, NumericWindow w) {
        int extra = 0;
        EmpiricalDistribution d = w.distribution();
        for (int i = 0; i < d.size(); i++) {
            double v = d.value(i);
            if (ref.distribution().cdf(v) == ref.distribution().cdf(Math.nextDown(v))) {
                extra++;
            }
        }
        return extra;
    }

    @Test
    void onRoundedValuesTheRuleKeepsItsLevelAndDetectsMoreThanKsAlone() {
        NumericReference ref = reference(1_000, z -> Math.round(10 + 2 * z), 5);
        DriftPolicies policies = DriftPolicies.defaults();
        Random random = new Random(6);
        int alarms = 0;
        int detected = 0;
        int byKs = 0;
        int windows = 300;
        for (int t = 0; t < windows; t++) {
            NumericMetrics none =
                    NumericMetrics.of(
                            "x", ref, window(ref, 100, z -> Math.round(10 + 2 * z), random));
            alarms += decide(none, policies).detected() ? 1 : 0;
            NumericMetrics shifted =
                    NumericMetrics.of(
                            "x", ref, window(ref, 100, z -> Math.round(10.6 + 2 * z), random));
            DriftDecision d = decide(shifted, policies);
            detected += d.detected() ? 1 : 0;
            byKs += DriftDetector.boundedKsPValue(shifted) <= policies.level() ? 1 : 0;
            assertThat(d.guard()).contains("rank-sum p").contains("Ansari-Bradley p");
        }
        // 1% of 300 is 3; 8 or more would happen with probability 0.004 at a true 1%
        assertThat(alarms).isLessThan(8);
        assertThat(detected).isGreaterThan(byKs + windows / 10);
    }

    @Test
    void theRuleSeesAScaleChangeThatKsMisses() {
        NumericReference ref = reference(100_000, z -> z, 7);
        Random random = new Random(8);
        int detected = 0;
        int byKs = 0;
        for (int t = 0; t < 100; t++) {
            NumericMetrics m = NumericMetrics.of("x", ref, window(ref, 100, z -> 1.5 * z, random));
            detected += decide(m, DriftPolicies.defaults()).detected() ? 1 : 0;
            byKs += DriftDetector.boundedKsPValue(m) <= 0.01 ? 1 : 0;
            assertThat(m.cellTests().ansariBradleyZ()).isLessThan(1.0);
        }
        assertThat(detected).isGreaterThan(byKs + 20);
    }

    @Test
    void aTinyShiftInHugeWindowsIsBelowTheEffectFloor() {
        NumericReference ref = reference(400_000, z -> z, 9);
        NumericMetrics m =
                NumericMetrics.of("x", ref, window(ref, 400_000, z -> z + 0.03, new Random(10)));
        DriftDecision floored = decide(m, DriftPolicies.defaults());
        assertThat(floored.adjustedPValue()).isLessThan(1e-6);
        assertThat(floored.detected()).isFalse();
        assertThat(floored.severity()).isEqualTo(DriftDecision.NONE);
        assertThat(floored.note()).contains("below the effect floor 0.03");
        assertThat(floored.guard()).contains("effect floor 0.03");
        DriftDecision unfloored = decide(m, DriftPolicies.defaults().withEffectFloor(0.0));
        assertThat(unfloored.detected()).isTrue();
        assertThat(unfloored.severity()).isEqualTo(DriftDecision.CRITICAL);

        NumericMetrics real =
                NumericMetrics.of("x", ref, window(ref, 400_000, z -> z + 0.2, new Random(11)));
        assertThat(decide(real, DriftPolicies.defaults()).detected()).isTrue();
    }

    @Test
    void thePolicyFileSetsTheEffectFloorForTheDefaultRuleOnly() throws Exception {
        ObjectMapper json = new ObjectMapper();
        assertThat(DriftPolicies.defaults().effectFloor())
                .isEqualTo(DriftPolicies.DEFAULT_EFFECT_FLOOR)
                .isEqualTo(0.03);
        assertThat(DriftPolicies.fromJson(json.readTree("{\"effect_floor\": 0}")).effectFloor())
                .isEqualTo(0.0);
        assertThat(
                        DriftPolicies.fromJson(
                                        json.readTree(
                                                "{\"rule\": \"two_sample_test\", \"effect_floor\":"
                                                        + " 0.05}"))
                                .effectFloor())
                .isEqualTo(0.05);
        assertThatThrownBy(
                        () ->
                                DriftPolicies.fromJson(
                                        json.readTree(
                                                "{\"rule\": \"psi\", \"effect_floor\": 0.05}")))
                .isInstanceOf(DriftCoreException.class)
                .hasMessage(
                        "drift policy: effect_floor applies only to rule two_sample_test, not psi");
        assertThatThrownBy(() -> DriftPolicies.fromJson(json.readTree("{\"effect_floor\": 1}")))
                .isInstanceOf(DriftCoreException.class)
                .hasMessage("drift policy: effect_floor must be in [0, 1)");
        assertThatThrownBy(() -> DriftPolicies.fromJson(json.readTree("{\"effect_floor\": \"x\"}")))
                .isInstanceOf(DriftCoreException.class)
                .hasMessage("drift policy: effect_floor must be a number");
    }
}
