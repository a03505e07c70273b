package dev.driftwatch.core.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Cells of a grid, pooling, a summary's count error, and the tests' undefined cases. */
class CellCountsTest {
    @Test
    void aGridHasACellPerPointAndPerOpenIntervalAndDropsEmptyOnes() {
        double[] grid = {1.0, 2.0, 4.0};
        EmpiricalDistribution ref = EmpiricalDistribution.ofSample(new double[] {1, 1, 2, 3, 4});
        EmpiricalDistribution cur =
                EmpiricalDistribution.ofSample(new double[] {0.5, 1, 2.5, 3.5, 4, 9});
        // cells: (-inf,1) {1} (1,2) {2} (2,4) {4} (4,inf); (1,2) is empty in both
        CellCounts cells = CellCounts.onGrid(ref, cur, grid);
        assertThat(cells.reference()).containsExactly(0, 2, 1, 1, 1, 0);
        assertThat(cells.current()).containsExactly(1, 1, 0, 2, 1, 1);
    }

    @Test
    void distinctPointsOfBothSamplesAreTheCells() {
        CellCounts cells =
                CellCounts.ofPoints(
                        EmpiricalDistribution.ofSample(new double[] {1, 1, 3}),
                        EmpiricalDistribution.ofSample(new double[] {2, 3, 3, 5}));
        assertThat(cells.reference()).containsExactly(2, 0, 1, 0);
        assertThat(cells.current()).containsExactly(0, 1, 2, 1);
    }

    @Test
    void poolingKeepsFiveExpectedValuesInTheSmallerSampleAndAtMostTwentyCells() {
        long[] ref = new long[100];
        long[] cur = new long[100];
        Arrays.fill(ref, 100);
        for (int c = 0; c < cur.length; c += 2) {
            cur[c] = 1;
        }
        CellCounts pooled = new CellCounts(ref, cur).pooled();
        // N = 10,050, n = 50: a pooled cell needs 5 N / n = 1,005 values: ten cells of 101 and 100
        assertThat(pooled.size()).isEqualTo(10);
        for (int c = 0; c < pooled.size(); c++) {
            double expected = 50.0 * (pooled.reference()[c] + pooled.current()[c]) / 10_050.0;
            assertThat(expected).isGreaterThanOrEqualTo(CellCounts.MIN_EXPECTED);
        }
        assertThat(pooled.referenceTotal()).isEqualTo(10_000);
        assertThat(pooled.currentTotal()).isEqualTo(50);
        // a remainder short of the target joins the last pooled cell
        long[] ref3 = {600, 600, 100};
        long[] cur3 = {0, 0, 0};
        cur3[0] = 50;
        assertThat(new CellCounts(ref3, cur3).pooled().reference()).containsExactly(600, 700);

        Arrays.fill(cur, 100);
        assertThat(new CellCounts(ref, cur).pooled().size()).isEqualTo(CellCounts.MAX_POOLED_CELLS);
    }

    @Test
    void aSummaryCountsEachCellWithinTwiceItsRankErrorOfItsSample() {
        Random random = new Random(11);
        double[] sample = new double[200_000];
        for (int i = 0; i < sample.length; i++) {
            sample[i] = Math.exp(random.nextGaussian());
        }
        EmpiricalDistribution exact = EmpiricalDistribution.ofSample(sample);
        EmpiricalDistribution summary = exact.compress(2048);
        assertThat(summary.isExact()).isFalse();
        double[] grid = new double[150];
        for (int k = 0; k < grid.length; k++) {
            grid[k] = summary.value(k * (summary.size() - 1) / (grid.length - 1));
        }
        long[] fromSummary = withAllCells(summary, grid);
        long[] fromExactAll = withAllCells(exact, grid);
        double bound = 2 * summary.rankError() * sample.length;
        long worst = 0;
        for (int c = 0; c < fromSummary.length; c++) {
            worst = Math.max(worst, Math.abs(fromSummary[c] - fromExactAll[c]));
        }
        assertThat((double) worst).isLessThanOrEqualTo(bound).isGreaterThan(0.0);
    }

    /** The reference's counts over every cell of the grid, empty ones included. */
    private static long[] withAllCells(EmpiricalDistribution d, double[] grid) {
        // a current value in every cell keeps every cell
        double[] filler = new double[2 * grid.length + 1];
        filler[0] = grid[0] - 1;
        for (int k = 0; k < grid.length; k++) {
            filler[2 * k + 1] = grid[k];
            filler[2 * k + 2] = k + 1 < grid.length ? (grid[k] + grid[k + 1]) / 2 : grid[k] + 1;
        }
        return CellCounts.onGrid(d, EmpiricalDistribution.ofSample(filler), grid).reference();
    }

    @Test
    void testsAreUndefinedWithoutSpread() {
        CellCounts one = new CellCounts(new long[] {10}, new long[] {5});
        assertThat(LinearRankTest.rankSum(one).pValue()).isNaN();
        assertThat(LinearRankTest.ansariBradley(one).pValue()).isNaN();
        assertThat(one.pooled().size()).isEqualTo(1);
    }

    @Test
    void theSymmetricScoreSumIsTheSumOfMinOfRankAndItsMirror() {
        for (int total : new int[] {1, 2, 7, 10}) {
            for (int from = 1; from <= total; from++) {
                for (int to = from; to <= total; to++) {
                    double expected = 0;
                    for (int i = from; i <= to; i++) {
                        expected += Math.min(i, total + 1 - i);
                    }
                    assertThat(LinearRankTest.symmetricScoreSum(from, to, total))
                            .isEqualTo(expected);
                }
            }
        }
    }
}
