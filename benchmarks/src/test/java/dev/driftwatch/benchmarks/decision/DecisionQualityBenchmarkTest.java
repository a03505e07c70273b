package dev.driftwatch.benchmarks.decision;

import static org.assertj.core.api.Assertions.assertThat;

import dev.driftwatch.benchmarks.decision.DecisionQualityBenchmark.CellResult;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The decision-quality benchmark in its short form (a few hundred repeats of eleven cells, seeded):
 * the headline properties of the default rule on the product's path. It holds its level without
 * drift, it detects the old default's known misses (a 0.3 sd shift at n = m = 1,000, rounded
 * values, a 100-row window against a large reference), and on discrete data and a scale change it
 * detects at least as much as every baseline whose false-alarm rate is at most 10%.
 */
class DecisionQualityBenchmarkTest {
    private static final Map<String, CellResult> CELLS = new HashMap<>();
    private static List<CellResult> results;

    @BeforeAll
    static void runShortGrid() throws Exception {
        results = DecisionQualityBenchmark.evaluate(DecisionQualityBenchmark.shortGrid(), 2);
        for (CellResult r : results) {
            CELLS.put(r.cell().key(), r);
        }
    }

    private static Wilson rate(String key, Rule rule) {
        assertThat(CELLS).containsKey(key);
        return CELLS.get(key).rate(rule);
    }

    @Test
    void withoutDriftTheDefaultHoldsItsOnePercentLevel() {
        for (String key :
                List.of(
                        "normal/none@1000,1000",
                        "rounded/none@1000,1000",
                        "cat5/none@1000,1000",
                        "normal/none@100,100000",
                        "normal/none@100,1000",
                        "poisson3/none@100,1000")) {
            Wilson fa = rate(key, Rule.NEW);
            // the interval must include 1% or lie below it
            assertThat(fa.low()).as(key + " " + fa.percent()).isLessThanOrEqualTo(0.01);
            assertThat(fa.rate()).as(key).isLessThanOrEqualTo(0.025);
        }
        // Evidently's chi-square treats the reference proportions as exact: at n = m it alarms on
        // noise far more often than its 5%
        assertThat(rate("cat5/none@1000,1000", Rule.EVIDENTLY).low()).isGreaterThan(0.1);
    }

    @Test
    void theOldDefaultsKnownMissesAreDetected() {
        for (String key :
                List.of(
                        "normal/shift 0.3 sd@1000,1000",
                        "rounded/shift 0.3 sd@1000,1000",
                        "normal/shift 0.5 sd@100,100000")) {
            Wilson fresh = rate(key, Rule.NEW);
            Wilson old = rate(key, Rule.THRESHOLD);
            assertThat(fresh.rate()).as(key).isGreaterThan(old.rate());
            assertThat(fresh.rate()).as(key).isGreaterThanOrEqualTo(0.9);
        }
        assertThat(rate("normal/shift 0.3 sd@1000,1000", Rule.THRESHOLD).rate()).isLessThan(0.7);
    }

    @Test
    void onDiscreteDataAndAScaleChangeTheDefaultDetectsAtLeastAsMuchAsTheBaselines() {
        // every baseline whose false-alarm rate in the same family's no-drift cell is at most 10%
        // (PSI >= 0.1 alarms in 12-48% of those windows)
        for (String[] cell :
                new String[][] {
                    {"poisson3/mean +0.5 sd@100,1000", "poisson3/none@100,1000"},
                    {"normal/scale x1.5@100,1000", "normal/none@100,1000"}
                }) {
            Wilson fresh = rate(cell[0], Rule.NEW);
            for (Rule baseline : Rule.values()) {
                if (!baseline.baseline() || rate(cell[1], baseline).rate() > 0.10) {
                    continue;
                }
                assertThat(fresh.rate())
                        .as(cell[0] + " against " + baseline.title())
                        .isGreaterThanOrEqualTo(rate(cell[0], baseline).rate());
            }
        }
        // KS alone (at 0.05, with false alarms of 0.4% on this discrete family) detected less
        assertThat(rate("poisson3/none@100,1000", Rule.KS).rate()).isLessThanOrEqualTo(0.01);
        assertThat(rate("normal/scale x1.5@100,1000", Rule.NEW).rate()).isGreaterThan(0.8);
    }

    @Test
    void theReportHasARowPerCellAndTheDefaultsLosses() {
        String report = DecisionQualityBenchmark.report(results, List.of(), 1.0, 2, 0, true);
        assertThat(report).contains("| normal/shift 0.3 sd * | 0.119 | 1000 | 1000 | 100 |");
        assertThat(report).contains("| rule | worst false-alarm cell |");
        assertThat(report).contains("The default against the baselines in the 5 drift cells");
        assertThat(report.lines().filter(l -> l.startsWith("| ") && l.contains("@")).count())
                .isGreaterThanOrEqualTo(Rule.values().length);
    }

    @Test
    void populationDistancesAreTheDocumentedEffects() {
        assertThat(DecisionCases.REQUIRED_EFFECT).isCloseTo(0.0797, within(5e-5));
        double shift = Population.distance(Population.normal(0, 1), Population.normal(0.2, 1), 1);
        assertThat(shift).isCloseTo(DecisionCases.REQUIRED_EFFECT, within(1e-3));
        assertThat(shift).isLessThanOrEqualTo(DecisionCases.REQUIRED_EFFECT + 1e-12);
        Population.Categorical a = DecisionCases.categorical("a", 0.4, 0.6);
        Population.Categorical b = DecisionCases.categorical("b", 0.3, 0.6, 0.1);
        assertThat(Population.distance(a, b, 1)).isCloseTo(0.1, within(1e-12));
    }

    private static org.assertj.core.data.Offset<Double> within(double d) {
        return org.assertj.core.data.Offset.offset(d);
    }

    @Test
    void badFlagsExitWithTwo() {
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        try (PrintStream err = new PrintStream(stderr, true, StandardCharsets.UTF_8)) {
            assertThat(
                            DecisionQualityBenchmark.run(
                                    new String[] {"--budget", "-3"}, System.out, err))
                    .isEqualTo(2);
        }
        assertThat(stderr.toString(StandardCharsets.UTF_8))
                .contains("--budget must be a positive integer");
    }
}
