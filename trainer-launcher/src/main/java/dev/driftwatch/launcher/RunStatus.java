package dev.driftwatch.launcher;

import java.time.Instant;

/**
 * What a backend knows about one run.
 *
 * @param runId the run's id (as given in its {@link RunSpec})
 * @param modelName the model the run trains or validates
 * @param kind training or validation
 * @param phase pending, running, succeeded or failed
 * @param reason why it failed ({@code BackoffLimitExceeded}, {@code DeadlineExceeded}, {@code
 *     PodFailurePolicy}, ...), empty otherwise
 * @param message the human-readable detail of the reason, empty when none
 * @param startedAt when it started running, or null
 * @param finishedAt when it finished, or null
 * @param logTail the last lines of the run's log, kept when it failed; empty otherwise
 */
public record RunStatus(
        String runId,
        String modelName,
        RunKind kind,
        RunPhase phase,
        String reason,
        String message,
        Instant startedAt,
        Instant finishedAt,
        String logTail) {

    public boolean finished() {
        return phase.finished();
    }

    RunStatus withLogTail(String tail) {
        return new RunStatus(
                runId, modelName, kind, phase, reason, message, startedAt, finishedAt, tail);
    }
}
