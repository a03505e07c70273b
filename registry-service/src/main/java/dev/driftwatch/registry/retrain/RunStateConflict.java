package dev.driftwatch.registry.retrain;

/**
 * A change that the current state of a run (or of its model) does not allow: approving a run that
 * is not awaiting approval, reporting a candidate after training, a second active run of a model, a
 * run that another actor moved a moment ago. Nothing was changed; the API answers 409.
 */
public final class RunStateConflict extends RuntimeException {
    public RunStateConflict(String message) {
        super(message);
    }
}
