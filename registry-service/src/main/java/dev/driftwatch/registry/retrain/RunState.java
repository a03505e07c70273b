package dev.driftwatch.registry.retrain;

import dev.driftwatch.registry.RegistryException;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The states of a retraining run and the moves allowed between them, in one table ({@link #MOVES}):
 * requested → launched → training → trained → validating → validated | rejected; validated →
 * awaiting_approval | promoted; awaiting_approval → promoted | rejected; and failed or cancelled
 * from any state that is not final. A final state has no move out. Every state change goes through
 * {@link #requireMove}.
 */
public enum RunState {
    REQUESTED,
    LAUNCHED,
    TRAINING,
    TRAINED,
    VALIDATING,
    VALIDATED,
    REJECTED,
    AWAITING_APPROVAL,
    PROMOTED,
    FAILED,
    CANCELLED;

    /** The allowed moves: state → the states it may move to. */
    private static final Map<RunState, Set<RunState>> MOVES = moves();

    private static Map<RunState, Set<RunState>> moves() {
        Map<RunState, Set<RunState>> t = new EnumMap<>(RunState.class);
        t.put(REQUESTED, EnumSet.of(LAUNCHED));
        t.put(LAUNCHED, EnumSet.of(TRAINING));
        t.put(TRAINING, EnumSet.of(TRAINED));
        t.put(TRAINED, EnumSet.of(VALIDATING));
        t.put(VALIDATING, EnumSet.of(VALIDATED, REJECTED));
        t.put(VALIDATED, EnumSet.of(AWAITING_APPROVAL, PROMOTED));
        t.put(AWAITING_APPROVAL, EnumSet.of(PROMOTED, REJECTED));
        // every active state may fail or be cancelled
        t.values().forEach(next -> next.addAll(EnumSet.of(FAILED, CANCELLED)));
        // the final states
        for (RunState end : EnumSet.of(REJECTED, PROMOTED, FAILED, CANCELLED)) {
            t.put(end, EnumSet.noneOf(RunState.class));
        }
        t.replaceAll((from, next) -> Collections.unmodifiableSet(next));
        return Collections.unmodifiableMap(t);
    }

    /** The lower-case name stored and shown in the API. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the next step of a run in this state launches a part (training or validation). */
    public boolean launchesAPart() {
        return this == REQUESTED || this == TRAINED;
    }

    /** A final state: the run is over and never moves again. */
    public boolean isFinal() {
        return MOVES.get(this).isEmpty();
    }

    /** The states this one may move to. */
    public Set<RunState> next() {
        return MOVES.get(this);
    }

    public boolean canMoveTo(RunState to) {
        return MOVES.get(this).contains(to);
    }

    /**
     * Checks the move of run {@code runId} from this state to {@code to}.
     *
     * @throws RunStateConflict when the table does not allow it
     */
    public void requireMove(long runId, RunState to) {
        if (!canMoveTo(to)) {
            throw new RunStateConflict(
                    "Run "
                            + runId
                            + " is "
                            + wireName()
                            + (isFinal()
                                    ? " already and cannot change"
                                    : "; it cannot move to "
                                            + to.wireName()
                                            + " (from "
                                            + wireName()
                                            + ": "
                                            + names(next())
                                            + ")")
                            + "; nothing was changed.");
        }
    }

    /** The final states' wire names. */
    public static Set<String> finalWireNames() {
        return Arrays.stream(values())
                .filter(RunState::isFinal)
                .map(RunState::wireName)
                .collect(Collectors.toUnmodifiableSet());
    }

    public static RunState parse(String s) {
        for (RunState r : values()) {
            if (r.wireName().equals(s)) {
                return r;
            }
        }
        throw RegistryException.invalid(
                "state must be one of " + names(EnumSet.allOf(RunState.class)) + "; was " + s);
    }

    private static String names(Set<RunState> states) {
        return states.stream().map(RunState::wireName).collect(Collectors.joining(", "));
    }
}
