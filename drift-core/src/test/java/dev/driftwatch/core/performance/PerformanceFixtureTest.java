package dev.driftwatch.core.performance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Performance metrics against scikit-learn/numpy (tools/make_performance_fixtures.py): counts-based
 * metrics to 1e-9; ROC AUC and PR AUC from score histograms within the bound they report.
 */
class PerformanceFixtureTest {
    private static JsonNode fixtures;

    @BeforeAll
    static void load() throws Exception {
        try (InputStream in =
                PerformanceFixtureTest.class.getResourceAsStream("/fixtures/performance.json")) {
            fixtures = new ObjectMapper().readTree(in);
        }
    }

    static Stream<Arguments> binaryCases() throws Exception {
        load();
        return Stream.iterate(0, i -> i < fixtures.get("binary").size(), i -> i + 1)
                .map(i -> Arguments.of(fixtures.get("binary").get(i).get("name").asText(), i));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("binaryCases")
    void binaryMatchesScikitLearn(String name, int index) {
        JsonNode c = fixtures.get("binary").get(index);
        BinaryPerformance p = new BinaryPerformance(BinaryPerformance.DEFAULT_BINS);
        for (int i = 0; i < c.get("scores").size(); i++) {
            double s = c.get("scores").get(i).asDouble();
            p.add(s, s >= 0.5, c.get("labels").get(i).asInt() == 1, 1);
        }
        Map<String, Double> m = p.metrics();
        JsonNode e = c.get("expected");
        for (String k :
                List.of(
                        "accuracy",
                        "precision",
                        "recall",
                        "f1",
                        "positive_rate",
                        "log_loss",
                        "brier",
                        "ece")) {
            if (e.get(k).isNull()) {
                assertThat(m.get(k)).as("%s %s is undefined", name, k).isNull();
            } else {
                assertThat(m.get(k))
                        .as("%s %s", name, k)
                        .isCloseTo(e.get(k).asDouble(), org.assertj.core.data.Offset.offset(1e-9));
            }
        }
        double rocBound = m.get("roc_auc_error_bound");
        assertThat(Math.abs(m.get("roc_auc") - e.get("roc_auc").asDouble()))
                .as(
                        "%s roc_auc %s vs %s (bound %s)",
                        name, m.get("roc_auc"), e.get("roc_auc"), rocBound)
                .isLessThanOrEqualTo(rocBound + 1e-12);
        double prBound = m.get("pr_auc_error_bound");
        assertThat(Math.abs(m.get("pr_auc") - e.get("pr_auc").asDouble()))
                .as(
                        "%s pr_auc %s vs %s (bound %s)",
                        name, m.get("pr_auc"), e.get("pr_auc"), prBound)
                .isLessThanOrEqualTo(prBound + 1e-12);
        if (!name.equals("ties") && !name.equals("tiny") && !name.equals("confident_extremes")) {
            assertThat(rocBound).as("1000 bins keep the AUC bound small").isLessThan(0.01);
        }
    }

    @Test
    void multiclassMatchesScikitLearn() {
        JsonNode c = fixtures.get("multiclass").get(0);
        MulticlassPerformance p =
                new MulticlassPerformance(MulticlassPerformance.DEFAULT_MAX_CLASSES);
        for (int i = 0; i < c.get("actual").size(); i++) {
            p.add(c.get("actual").get(i).asText(), c.get("predicted").get(i).asText(), 1);
        }
        assertMatches(p.metrics(), c.get("expected"));
    }

    @Test
    void regressionMatchesScikitLearn() {
        JsonNode c = fixtures.get("regression").get(0);
        RegressionPerformance p = new RegressionPerformance();
        for (int i = 0; i < c.get("labels").size(); i++) {
            p.add(c.get("predictions").get(i).asDouble(), c.get("labels").get(i).asDouble(), 1);
        }
        assertMatches(p.metrics(), c.get("expected"));
    }

    private static void assertMatches(Map<String, Double> m, JsonNode expected) {
        for (Iterator<String> it = expected.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            assertThat(m.get(k)).as(k).isNotNull();
            assertThat(m.get(k))
                    .as(k)
                    .isCloseTo(
                            expected.get(k).asDouble(), org.assertj.core.data.Offset.offset(1e-9));
        }
    }

    @Test
    void retractingALabelUndoesItExactlyAndBytesRoundTrip() {
        Random r = new Random(5);
        BinaryPerformance p = new BinaryPerformance(100);
        BinaryPerformance q = new BinaryPerformance(100);
        for (int i = 0; i < 500; i++) {
            double s = r.nextDouble();
            boolean y = r.nextBoolean();
            p.add(s, s >= 0.5, y, 1);
            q.add(s, s >= 0.5, y, 1);
        }
        p.add(0.7, true, false, 1);
        p.add(0.7, true, false, -1); // the label was replaced
        assertThat(PerformanceWindows.toByteArray(p)).isEqualTo(PerformanceWindows.toByteArray(q));
        PerformanceAccumulator back = PerformanceWindows.heapify(PerformanceWindows.toByteArray(p));
        assertThat(back.metrics()).isEqualTo(p.metrics());

        RegressionPerformance a = new RegressionPerformance();
        a.add(3, 0, 1);
        assertThat(a.metrics().get("mape")).as("MAPE is undefined when every label is 0").isNull();
        assertThat(a.metrics().get("mape_excluded")).isEqualTo(1.0);
        MulticlassPerformance mc = new MulticlassPerformance(10);
        mc.add("a", "b", 1);
        mc.add("a", "a", 1);
        MulticlassPerformance mc2 =
                (MulticlassPerformance)
                        PerformanceWindows.heapify(PerformanceWindows.toByteArray(mc));
        mc2.merge(mc);
        assertThat(mc2.labeled()).isEqualTo(4);
        assertThat(mc2.metrics().get("accuracy")).isEqualTo(0.5);
    }
}
