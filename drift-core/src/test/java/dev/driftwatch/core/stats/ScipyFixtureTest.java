package dev.driftwatch.core.stats;

import static dev.driftwatch.core.Fixtures.close;
import static dev.driftwatch.core.Fixtures.relativelyClose;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.driftwatch.core.Fixtures;
import dev.driftwatch.core.drift.CategoricalMetrics;
import dev.driftwatch.core.drift.NumericMetrics;
import dev.driftwatch.core.drift.Statistic;
import dev.driftwatch.core.profile.CategoricalReference;
import dev.driftwatch.core.profile.CategoricalReferenceBuilder;
import dev.driftwatch.core.profile.CategoricalWindow;
import dev.driftwatch.core.profile.NumericReference;
import dev.driftwatch.core.profile.NumericReferenceBuilder;
import dev.driftwatch.core.profile.NumericWindow;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every statistic against numpy/scipy on the committed fixtures (tools/make_fixtures.py): values to
 * 1e-9, p-values to 1e-6 relative.
 */
class ScipyFixtureTest {
    private static final double TOL = 1e-9;
    private static final double P_TOL = 1e-6;

    static Stream<Arguments> numericCases() {
        return Fixtures.cases("numeric").stream().map(c -> Arguments.of(c.get("name").asText(), c));
    }

    static Stream<Arguments> categoricalCases() {
        return Fixtures.cases("categorical").stream()
                .map(c -> Arguments.of(c.get("name").asText(), c));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("numericCases")
    void numericStatisticsMatchScipy(String name, JsonNode c) {
        double[] ref = Fixtures.doubles(c.get("reference"));
        double[] cur = Fixtures.doubles(c.get("current"));
        JsonNode e = c.get("expected");

        NumericReferenceBuilder builder = new NumericReferenceBuilder();
        for (double v : ref) {
            builder.add(v);
        }
        NumericReference reference = builder.build(c.get("bins").asInt());
        NumericWindow window = reference.newWindow();
        for (double v : cur) {
            window.update(v);
        }

        double[] edges = reference.edges();
        double[] expectedEdges = Fixtures.doubles(e.get("edges"));
        assertThat(edges).hasSameSizeAs(expectedEdges);
        for (int i = 0; i < edges.length; i++) {
            assertThat(close(edges[i], expectedEdges[i], TOL))
                    .as("edge %d: %s vs %s", i, edges[i], expectedEdges[i])
                    .isTrue();
        }
        assertThat(reference.binCounts())
                .containsExactly(Fixtures.longs(e.get("reference_bin_counts")));
        assertThat(window.binCounts()).containsExactly(Fixtures.longs(e.get("current_bin_counts")));
        assertClose("mean", reference.mean(), e.get("reference_mean").asDouble());
        assertClose("std", reference.std(), e.get("reference_std").asDouble());
        assertThat(reference.min()).isEqualTo(e.get("reference_min").asDouble());
        assertThat(reference.max()).isEqualTo(e.get("reference_max").asDouble());

        NumericMetrics m =
                NumericMetrics.of(
                        name,
                        reference,
                        window,
                        EmpiricalDistribution.ofSample(builder.sortedValues()),
                        EmpiricalDistribution.ofSample(finite(cur)));
        assertClose("psi", m.value(Statistic.PSI), e.get("psi").asDouble());
        assertClose("js", m.value(Statistic.JENSEN_SHANNON), e.get("jensen_shannon").asDouble());
        assertClose("ks", m.value(Statistic.KS), e.get("ks_statistic").asDouble());
        assertThat(m.value(Statistic.KS_ERROR_BOUND)).isEqualTo(0.0);
        assertThat(relativelyClose(m.pValue(Statistic.KS), e.get("ks_p_value").asDouble(), P_TOL))
                .as("ks p-value %s vs %s", m.pValue(Statistic.KS), e.get("ks_p_value"))
                .isTrue();
        assertClose("wasserstein", m.value(Statistic.WASSERSTEIN), e.get("wasserstein").asDouble());
        if (e.get("wasserstein_normalized").isNull()) {
            assertThat(m.value(Statistic.WASSERSTEIN_NORMALIZED)).isNull();
        } else {
            assertClose(
                    "wasserstein_normalized",
                    m.value(Statistic.WASSERSTEIN_NORMALIZED),
                    e.get("wasserstein_normalized").asDouble());
        }
        assertClose(
                "missing_rate", m.value(Statistic.MISSING_RATE), e.get("missing_rate").asDouble());
        assertClose(
                "non_finite_rate",
                m.value(Statistic.NON_FINITE_RATE),
                e.get("non_finite_rate").asDouble());
        assertClose(
                "out_of_range_rate",
                m.value(Statistic.OUT_OF_RANGE_RATE),
                e.get("out_of_range_rate").asDouble());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("categoricalCases")
    void categoricalStatisticsMatchScipy(String name, JsonNode c) {
        List<String> ref = Fixtures.strings(c.get("reference"));
        List<String> cur = Fixtures.strings(c.get("current"));
        JsonNode e = c.get("expected");
        CategoricalReferenceBuilder builder = new CategoricalReferenceBuilder();
        ref.forEach(builder::add);
        CategoricalReference reference = builder.build();
        CategoricalWindow window = reference.newWindow();
        cur.forEach(window::update);

        CategoricalMetrics m = CategoricalMetrics.of(name, reference, window);
        assertThat(m.bins()).isEqualTo(e.get("bins").asInt());
        assertClose("psi", m.value(Statistic.PSI), e.get("psi").asDouble());
        assertClose("js", m.value(Statistic.JENSEN_SHANNON), e.get("jensen_shannon").asDouble());
        assertClose("l_infinity", m.value(Statistic.L_INFINITY), e.get("l_infinity").asDouble());
        assertClose("chi_square", m.value(Statistic.CHI_SQUARE), e.get("chi_square").asDouble());
        for (Statistic test :
                new Statistic[] {Statistic.CHI_SQUARE, Statistic.CHI_SQUARE_TWO_SAMPLE}) {
            assertClose(test.metric(), m.value(test), e.get(test.metric()).asDouble());
            JsonNode want = e.get(test.pValueMetric());
            if (want.isNull()) {
                // a single bin: no degree of freedom, the p-value is undefined
                assertThat(m.pValue(test)).as(test.pValueMetric()).isNull();
            } else {
                assertThat(relativelyClose(m.pValue(test), want.asDouble(), P_TOL))
                        .as("%s %s vs %s", test.pValueMetric(), m.pValue(test), want)
                        .isTrue();
            }
        }
        assertThat(m.newCategories())
                .containsExactlyElementsOf(Fixtures.strings(e.get("new_categories")));
        assertThat(m.missingCategories())
                .containsExactlyElementsOf(Fixtures.strings(e.get("missing_categories")));
        assertClose(
                "missing_rate", m.value(Statistic.MISSING_RATE), e.get("missing_rate").asDouble());
    }

    private static void assertClose(String what, Double actual, double expected) {
        assertThat(actual).as(what).isNotNull();
        assertThat(close(actual, expected, TOL))
                .as("%s: %s vs scipy %s", what, actual, expected)
                .isTrue();
    }

    private static double[] finite(double[] values) {
        return java.util.Arrays.stream(values).filter(Double::isFinite).toArray();
    }
}
