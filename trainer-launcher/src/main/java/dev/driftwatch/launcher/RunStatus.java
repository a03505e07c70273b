package dev.driftwatch.launcher;

import java.time.Duration;
import java.time.Instant;

/**
 * What a backend knows about one run, including what it used: the GPUs it asked for and when it
 * started and ended, so the registry charges {@link #gpuHours(Instant)} to a budget, not a guess.
 *
 * @param runId the run's id (as given in its {@link RunSpec})
 * @param modelName the model the run trains or validates
 * @param kind training or validation
 * @param gpus the {@code nvidia.com/gpu} count the run holds while it runs
 * @param phase pending, running, succeeded or failed
 * @param reason why it failed ({@code BackoffLimitExceeded}, {@code DeadlineExceeded}, {@code
 *     PodFailurePolicy}, ...), empty otherwise
 * @param message the human-readable detail of the reason, empty when none
 * @param startedAt when it started running (the Job's {@code startTime}, the first process's
 *     start), or null
 * @param finishedAt when it finished (the Job's completion or failure time, the last process's
 *     exit), or null
 * @param logTail the last lines of the run's log, kept when it failed; empty otherwise
 */
public record RunStatus(
        String runId,
        String modelName,
        RunKind kind,
        int gpus,
        RunPhase phase,
        String reason,
        String message,
        Instant startedAt,
        Instant finishedAt,
        String logTail) {

    public boolean finished() {
        return phase.finished();
    }

    /**
     * The GPU-hours the run used up to {@code now}: {@code gpus × (end − startedAt)} where end is
     * {@code finishedAt}, or {@code now} while it still runs; 0 before it started.
     */
    public double gpuHours(Instant now) {
        if (startedAt == null || gpus == 0) {
            return 0;
        }
        Instant end = finishedAt != null ? finishedAt : now;
        if (!end.isAfter(startedAt)) {
            return 0;
        }
        return gpus * Duration.between(startedAt, end).toMillis() / 3_600_000.0;
    }

    RunStatus withLogTail(String tail) {
        return new RunStatus(
                runId, modelName, kind, gpus, phase, reason, message, startedAt, finishedAt, tail);
    }
}
