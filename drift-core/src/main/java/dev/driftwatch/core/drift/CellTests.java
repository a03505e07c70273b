package dev.driftwatch.core.drift;

import dev.driftwatch.core.stats.CellCounts;
import dev.driftwatch.core.stats.ChiSquareHomogeneity;
import dev.driftwatch.core.stats.LinearRankTest;

/**
 * The tie-aware two-sample tests of a numeric feature, from the two samples' counts per cell
 * ({@link CellCounts}): the rank-sum test (location), the Ansari-Bradley test (spread) and the
 * chi-square test of homogeneity over the cells pooled to at least 5 expected values ({@link
 * CellCounts#pooled}). A p-value is NaN when its test is undefined (no spread of ranks; a single
 * pooled cell).
 *
 * @param cells the number of cells
 * @param rankSumZ the rank sum standardised (positive: the current values rank higher)
 * @param rankSumPValue its two-sided p-value
 * @param ansariBradleyZ the Ansari-Bradley statistic standardised (negative: the current values are
 *     more spread out)
 * @param ansariBradleyPValue its two-sided p-value
 * @param pooledCells the cells the chi-square test is computed over
 * @param chiSquare the chi-square statistic over the pooled cells
 * @param chiSquarePValue its p-value ({@code pooledCells - 1} degrees of freedom)
 */
public record CellTests(
        int cells,
        double rankSumZ,
        double rankSumPValue,
        double ansariBradleyZ,
        double ansariBradleyPValue,
        int pooledCells,
        double chiSquare,
        double chiSquarePValue) {

    /** The three tests on these counts. */
    public static CellTests of(CellCounts counts) {
        LinearRankTest.Result location = LinearRankTest.rankSum(counts);
        LinearRankTest.Result spread = LinearRankTest.ansariBradley(counts);
        CellCounts pooled = counts.pooled();
        ChiSquareHomogeneity.Result chi =
                ChiSquareHomogeneity.test(pooled.reference(), pooled.current());
        return new CellTests(
                counts.size(),
                location.z(),
                location.pValue(),
                spread.z(),
                spread.pValue(),
                pooled.size(),
                chi.statistic(),
                chi.pValue());
    }
}
