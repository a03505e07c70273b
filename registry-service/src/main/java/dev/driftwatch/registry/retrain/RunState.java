package dev.driftwatch.registry.retrain;

import dev.driftwatch.registry.RegistryException;
import java.util.Locale;

/**
 * The states of a retraining run (docs/retraining.md, "States"): requested → launched → training →
 * trained → validating → validated | rejected → awaiting_approval → promoted, or failed / cancelled
 * from any state before a final one.
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

    /** The lower-case name stored and shown in the API. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean isFinal() {
        return this == REJECTED || this == PROMOTED || this == FAILED || this == CANCELLED;
    }

    public static RunState parse(String s) {
        for (RunState r : values()) {
            if (r.wireName().equals(s)) {
                return r;
            }
        }
        throw RegistryException.invalid(
                "state must be one of requested, launched, training, trained, validating,"
                        + " validated, rejected, awaiting_approval, promoted, failed, cancelled;"
                        + " was "
                        + s);
    }
}
