package dev.driftwatch.core.stats;

import static org.assertj.core.api.Assertions.assertThat;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/** Benjamini-Hochberg against values worked by hand (statsmodels' fdr_bh gives the same). */
class BenjaminiHochbergTest {
    @Test
    void rejectsUpToTheLargestRankUnderTheLine() {
        // sorted: 0.005 (<= .0125), 0.01 (<= .025), 0.03 (<= .0375), 0.04 (<= .05): all rejected
        assertThat(BenjaminiHochberg.reject(new double[] {0.01, 0.04, 0.03, 0.005}, 0.05))
                .containsExactly(true, true, true, true);
        // 0.02 > .0125, 0.03 > .025, 0.04 > .0375, 0.2 > .05: none
        assertThat(BenjaminiHochberg.reject(new double[] {0.02, 0.03, 0.04, 0.2}, 0.05))
                .containsExactly(false, false, false, false);
        // step-up: 0.001 ok, 0.03 > .025 but 0.036 <= .0375 so ranks 1..3 rejected
        assertThat(BenjaminiHochberg.reject(new double[] {0.036, 0.001, 0.03, 0.9}, 0.05))
                .containsExactly(true, true, true, false);
    }

    @Test
    void adjustedValuesAreMonotoneAndCapped() {
        double[] adjusted = BenjaminiHochberg.adjust(new double[] {0.01, 0.02, 0.03, 0.04, 0.05});
        for (double a : adjusted) {
            assertThat(a).isCloseTo(0.05, Offset.offset(1e-15));
        }
        double[] b = BenjaminiHochberg.adjust(new double[] {0.036, 0.001, 0.03, 0.9});
        // ranks: .001*4/1=.004, .03*4/2=.06, .036*4/3=.048, .9*4/4=.9 -> monotone from the top
        assertThat(b[1]).isCloseTo(0.004, Offset.offset(1e-15));
        assertThat(b[2]).isCloseTo(0.048, Offset.offset(1e-15));
        assertThat(b[0]).isCloseTo(0.048, Offset.offset(1e-15));
        assertThat(b[3]).isCloseTo(0.9, Offset.offset(1e-15));
        assertThat(BenjaminiHochberg.adjust(new double[] {Double.NaN, 0.5})[0]).isNaN();
    }
}
