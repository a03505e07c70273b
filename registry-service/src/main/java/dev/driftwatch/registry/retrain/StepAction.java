package dev.driftwatch.registry.retrain;

import dev.driftwatch.launcher.RunKind;
import dev.driftwatch.registry.retrain.RetrainRuns.Charge;
import java.util.List;

/**
 * What the retraining loop does next with a run, as {@link RunStepper#next} decides it. A {@code
 * charge}, when present, replaces a finished part's GPU-hour reservation with what it used.
 */
sealed interface StepAction {
    /** Nothing to do now (the backend run is pending or running; a person decides). */
    record Idle() implements StepAction {}

    /** The run cannot go on yet; {@code reason} is shown as its {@code waiting_reason}. */
    record Wait(String reason) implements StepAction {}

    /** Launch the run's training or validation part on the backend. */
    record Launch(RunKind part) implements StepAction {}

    /** Move the run to {@code to}. */
    record Move(RunState to, String detail, Charge charge) implements StepAction {}

    /** Fail the run. */
    record Fail(String reason, String logTail, Charge charge) implements StepAction {}

    /** Record the gates' verdicts and move the run to validated or rejected. */
    record Judge(List<GateResult> results, RunState to, String detail, Charge charge)
            implements StepAction {}

    /** Promote the candidate: {@code champion} moves to it. */
    record Promote(String how) implements StepAction {}
}
