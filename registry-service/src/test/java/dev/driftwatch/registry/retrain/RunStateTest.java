package dev.driftwatch.registry.retrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The run-state table: the moves it allows, the ones it refuses, and what is final. */
class RunStateTest {
    @Test
    void theHappyPathIsAllowedStepByStep() {
        RunState[] path = {
            RunState.REQUESTED,
            RunState.LAUNCHED,
            RunState.TRAINING,
            RunState.TRAINED,
            RunState.VALIDATING,
            RunState.VALIDATED,
            RunState.AWAITING_APPROVAL,
            RunState.PROMOTED
        };
        for (int i = 0; i + 1 < path.length; i++) {
            assertThat(path[i].canMoveTo(path[i + 1]))
                    .as("%s -> %s", path[i], path[i + 1])
                    .isTrue();
        }
        assertThat(RunState.VALIDATED.canMoveTo(RunState.PROMOTED)).isTrue();
        assertThat(RunState.VALIDATING.canMoveTo(RunState.REJECTED)).isTrue();
        assertThat(RunState.AWAITING_APPROVAL.canMoveTo(RunState.REJECTED)).isTrue();
    }

    @Test
    void everyActiveStateMayFailOrBeCancelledAndFinalStatesNeverMove() {
        Set<RunState> finals =
                EnumSet.of(
                        RunState.REJECTED, RunState.PROMOTED, RunState.FAILED, RunState.CANCELLED);
        for (RunState s : RunState.values()) {
            assertThat(s.isFinal()).as(s.name()).isEqualTo(finals.contains(s));
            if (s.isFinal()) {
                assertThat(s.next()).as(s.name()).isEmpty();
            } else {
                assertThat(s.next()).as(s.name()).contains(RunState.FAILED, RunState.CANCELLED);
            }
        }
    }

    @Test
    void skippingAStepOrLeavingAFinalStateIsAConflict() {
        assertThat(RunState.REQUESTED.canMoveTo(RunState.TRAINED)).isFalse();
        assertThat(RunState.LAUNCHED.canMoveTo(RunState.TRAINED)).isFalse();
        assertThat(RunState.TRAINING.canMoveTo(RunState.PROMOTED)).isFalse();
        assertThat(RunState.VALIDATED.canMoveTo(RunState.REJECTED)).isFalse();
        assertThatThrownBy(() -> RunState.TRAINING.requireMove(7, RunState.PROMOTED))
                .isInstanceOf(RunStateConflict.class)
                .hasMessageContaining("Run 7 is training; it cannot move to promoted");
        assertThatThrownBy(() -> RunState.PROMOTED.requireMove(7, RunState.CANCELLED))
                .isInstanceOf(RunStateConflict.class)
                .hasMessageContaining("Run 7 is promoted already");
    }

    @Test
    void theSqlListOfFinalStatesIsTheTables() {
        assertThat(RunState.finalWireNames())
                .containsExactlyInAnyOrder("rejected", "promoted", "failed", "cancelled");
        for (String s : RunState.finalWireNames()) {
            assertThat(RetrainDao.FINAL).contains("'" + s + "'");
        }
        assertThat(RetrainDao.FINAL.chars().filter(c -> c == '\'').count())
                .isEqualTo(2L * RunState.finalWireNames().size());
    }
}
