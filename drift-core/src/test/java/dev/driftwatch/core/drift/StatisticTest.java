package dev.driftwatch.core.drift;

import static org.assertj.core.api.Assertions.assertThat;

import dev.driftwatch.core.profile.CategoricalReference;
import dev.driftwatch.core.profile.FeatureType;
import dev.driftwatch.core.profile.NumericReference;
import dev.driftwatch.core.profile.ReferenceProfile;
import dev.driftwatch.core.profile.TestProfiles;
import dev.driftwatch.core.profile.WindowProfile;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The statistic descriptor is the one list the builders and methods follow: every metric a feature
 * reports is a statistic of its type (or its p-value), in descriptor order; every method decides on
 * a statistic of the right kind.
 */
class StatisticTest {

    @Test
    void metricsOfEachTypeAreItsStatisticsInOrder() {
        ReferenceProfile ref = TestProfiles.amountAndCountry();
        WindowProfile w = ref.newWindow();
        w.numeric(0).update(51.0);
        w.categorical(1).update("DE");
        NumericMetrics numeric =
                NumericMetrics.of("amount", (NumericReference) ref.feature("amount"), w.numeric(0));
        CategoricalMetrics categorical =
                CategoricalMetrics.of(
                        "country", (CategoricalReference) ref.feature("country"), w.categorical(1));
        for (FeatureMetrics m : List.<FeatureMetrics>of(numeric, categorical)) {
            List<String> expected = new ArrayList<>();
            for (Statistic s : Statistic.forType(m.type())) {
                expected.add(s.metric());
                if (s.pValueMetric() != null) {
                    expected.add(s.pValueMetric());
                }
            }
            assertThat(m.metrics().keySet()).containsExactlyElementsOf(expected);
        }
        assertThat(numeric.pValue(Statistic.KS)).isNotNull();
        assertThat(numeric.pValue(Statistic.PSI)).isNull();
        assertThat(categorical.pValue(Statistic.CHI_SQUARE)).isNotNull();
        assertThat(categorical.value(Statistic.KS)).isNull();
    }

    @Test
    void namesAreUniqueAndTestsHaveAPValue() {
        Set<String> names = new HashSet<>();
        for (Statistic s : Statistic.values()) {
            assertThat(names.add(s.metric())).as(s.metric()).isTrue();
            if (s.pValueMetric() != null) {
                assertThat(names.add(s.pValueMetric())).isTrue();
            }
            assertThat(s.pValueMetric() != null).isEqualTo(s.kind() == Statistic.Kind.TEST);
            assertThat(Statistic.ofMetric(s.metric())).isSameAs(s);
            assertThat(s.featureTypes()).isNotEmpty();
        }
        assertThat(Statistic.forType(FeatureType.NUMERIC))
                .contains(Statistic.KS)
                .doesNotContain(Statistic.CHI_SQUARE);
    }

    @Test
    void methodsDecideOnAStatisticOfTheRightKind() {
        for (DriftMethod m : DriftMethod.values()) {
            Statistic.Kind expected =
                    m.isPValueMethod() ? Statistic.Kind.TEST : Statistic.Kind.EFFECT_SIZE;
            assertThat(m.statistic().kind()).as(m.configName()).isEqualTo(expected);
            assertThat(DriftMethod.fromConfigName(m.configName())).isSameAs(m);
            for (FeatureType t : FeatureType.values()) {
                assertThat(m.appliesTo(t)).isEqualTo(m.statistic().appliesTo(t));
            }
        }
    }
}
