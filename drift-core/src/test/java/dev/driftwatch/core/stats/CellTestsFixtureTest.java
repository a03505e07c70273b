package dev.driftwatch.core.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.driftwatch.core.Fixtures;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The tie-aware tests (rank sum, Ansari-Bradley, chi-square over pooled cells) against scipy and an
 * independent numpy computation on the committed fixtures (tools/make_rank_fixtures.py): statistics
 * to 1e-9 relative, p-values to 1e-6 relative.
 */
class CellTestsFixtureTest {
    static Stream<Arguments> cases() throws IOException {
        try (InputStream in =
                CellTestsFixtureTest.class.getResourceAsStream("/fixtures/rank-tests.json")) {
            List<Arguments> out = new ArrayList<>();
            for (JsonNode c : new ObjectMapper().readTree(in).get("cases")) {
                out.add(Arguments.of(c.get("name").asText(), c));
            }
            return out.stream();
        }
    }

    private static void relativelyClose(double actual, double expected, double tolerance) {
        assertThat(actual)
                .isCloseTo(expected, within(tolerance * Math.max(1.0, Math.abs(expected))));
    }

    private static void pClose(double actual, double expected) {
        assertThat(actual).isCloseTo(expected, within(1e-6 * expected + 1e-300));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchScipy(String name, JsonNode c) {
        double[] ref = Fixtures.doubles(c.get("reference"));
        double[] cur = Fixtures.doubles(c.get("current"));
        JsonNode e = c.get("expected");
        CellCounts cells =
                CellCounts.ofPoints(
                        EmpiricalDistribution.ofSample(ref), EmpiricalDistribution.ofSample(cur));
        assertThat(cells.referenceTotal()).isEqualTo(ref.length);
        assertThat(cells.currentTotal()).isEqualTo(cur.length);

        LinearRankTest.Result location = LinearRankTest.rankSum(cells);
        relativelyClose(location.statistic(), e.get("rank_sum").asDouble(), 1e-9);
        relativelyClose(location.z(), e.get("rank_sum_z").asDouble(), 1e-9);
        pClose(location.pValue(), e.get("rank_sum_p").asDouble());

        LinearRankTest.Result spread = LinearRankTest.ansariBradley(cells);
        relativelyClose(spread.statistic(), e.get("ansari_bradley").asDouble(), 1e-9);
        relativelyClose(spread.z(), e.get("ansari_bradley_z").asDouble(), 1e-9);
        pClose(spread.pValue(), e.get("ansari_bradley_p").asDouble());

        CellCounts pooled = cells.pooled();
        assertThat(pooled.reference()).containsExactly(longs(e.get("pooled_reference")));
        assertThat(pooled.current()).containsExactly(longs(e.get("pooled_current")));
        ChiSquareHomogeneity.Result chi =
                ChiSquareHomogeneity.test(pooled.reference(), pooled.current());
        relativelyClose(chi.statistic(), e.get("chi_square").asDouble(), 1e-9);
        if (e.get("chi_square_p").isNull()) {
            assertThat(chi.pValue()).isNaN();
        } else {
            pClose(chi.pValue(), e.get("chi_square_p").asDouble());
        }
    }

    private static long[] longs(JsonNode array) {
        long[] out = new long[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asLong();
        }
        return out;
    }
}
