package dev.driftwatch.core.performance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.driftwatch.core.Fixtures;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.assertj.core.data.Offset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Estimated performance against numpy/scikit-learn (tools/make_cbpe_fixtures.py): the metrics of
 * the expected counts to 1e-9, ROC AUC within the binning bound it reports, and the standard errors
 * against the fixture's delta method (its own numerical gradients, 1e-6 relative for the count
 * metrics, 0.5% for the binned AUC; the AUC averages over classes at least the delta method's and
 * at most 25% above) and against the standard deviation of the realised metric over simulated label
 * draws (10%; the simulation itself is good to about 2%).
 */
class EstimatedPerformanceFixtureTest {
    private static JsonNode fixtures() {
        return Fixtures.cbpe();
    }

    static Stream<Arguments> cases(String kind) {
        return Fixtures.cbpeCases(kind);
    }

    static Stream<Arguments> binaryCases() {
        return cases("binary");
    }

    static Stream<Arguments> multiclassCases() {
        return cases("multiclass");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("binaryCases")
    void binaryMatchesScikitLearn(String name, int index) {
        JsonNode c = fixtures().get("binary").get(index);
        EstimatedBinaryPerformance e =
                new EstimatedBinaryPerformance(EstimatedBinaryPerformance.DEFAULT_BINS);
        JsonNode p = c.get("probabilities");
        for (int i = 0; i < p.size(); i++) {
            e.add(p.get(i).asDouble(), c.get("predicted").get(i).asInt() == 1, 1);
        }
        assertThat(e.predictions()).isEqualTo(p.size());
        assertMatches(name, e.estimates(), c);
        if (p.size() >= 1000) {
            assertThat(e.estimates().get("roc_auc").errorBound())
                    .as("%s: 1000 bins keep the AUC bound small", name)
                    .isLessThan(1e-3);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("multiclassCases")
    void multiclassMatchesScikitLearn(String name, int index) {
        JsonNode c = fixtures().get("multiclass").get(index);
        List<String> classes = new ArrayList<>();
        c.get("classes").forEach(n -> classes.add(n.asText()));
        EstimatedMulticlassPerformance e =
                new EstimatedMulticlassPerformance(
                        classes, EstimatedMulticlassPerformance.DEFAULT_BINS);
        JsonNode rows = c.get("probabilities");
        double[] row = new double[classes.size()];
        for (int i = 0; i < rows.size(); i++) {
            for (int k = 0; k < row.length; k++) {
                row[k] = rows.get(i).get(k).asDouble();
            }
            e.add(row, c.get("predicted").get(i).asInt(), 1);
        }
        assertMatches(name, e.estimates(), c);
    }

    private static void assertMatches(String name, Map<String, Estimate> m, JsonNode c) {
        JsonNode expected = c.get("expected");
        for (Iterator<String> it = expected.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            JsonNode want = expected.get(k);
            if (want.isNull()) {
                assertThat(m.get(k)).as("%s %s is undefined", name, k).isNull();
                continue;
            }
            Estimate got = m.get(k);
            assertThat(got).as("%s %s", name, k).isNotNull();
            if (k.startsWith("roc_auc")) {
                assertThat(Math.abs(got.value() - want.asDouble()))
                        .as("%s %s %s vs %s", name, k, got, want)
                        .isLessThanOrEqualTo(got.errorBound() + 1e-12);
            } else {
                assertThat(got.value())
                        .as("%s %s", name, k)
                        .isCloseTo(want.asDouble(), Offset.offset(1e-9));
                assertThat(got.errorBound()).isZero();
            }
            JsonNode delta = c.get("standard_error_delta").get(k);
            JsonNode mc = c.path("standard_error_monte_carlo").get(k);
            if (k.startsWith("roc_auc_")) {
                // averages over classes: an upper bound of the delta method's standard error
                if (delta != null && !delta.isNull()) {
                    assertThat(got.standardError())
                            .as("%s %s standard error vs the delta method", name, k)
                            .isBetween(0.99 * delta.asDouble(), 1.25 * delta.asDouble());
                }
                if (mc != null && !mc.isNull()) {
                    assertThat(got.standardError())
                            .as("%s %s standard error vs simulated label draws", name, k)
                            .isBetween(0.9 * mc.asDouble(), 1.3 * mc.asDouble());
                }
                continue;
            }
            if (delta != null && !delta.isNull()) {
                double tolerance = k.startsWith("roc_auc") ? 0.005 : 1e-6;
                assertThat(got.standardError())
                        .as("%s %s standard error vs the delta method", name, k)
                        .isCloseTo(
                                delta.asDouble(),
                                Offset.offset(tolerance * delta.asDouble() + 1e-15));
            }
            if (mc != null && !mc.isNull()) {
                assertThat(got.standardError())
                        .as("%s %s standard error vs simulated label draws", name, k)
                        .isCloseTo(mc.asDouble(), Offset.offset(0.10 * mc.asDouble()));
            }
        }
    }
}
