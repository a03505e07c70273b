package dev.driftwatch.registry.retrain;

import java.time.OffsetDateTime;

/** A row of {@code retrain_runs}: one retraining run of a model, from request to its end. */
public record RetrainRun(
        long id,
        String modelName,
        String state,
        Long triggerAlertId,
        String triggerFingerprint,
        String requestedBy,
        Integer championVersion,
        Integer candidateVersion,
        OffsetDateTime dataWindowStart,
        OffsetDateTime dataWindowEnd,
        String backend,
        String trainingRunId,
        String validationRunId,
        double gpuHours,
        String waitingReason,
        String failureReason,
        String logTail,
        String trainingMetrics,
        String validationMetrics,
        OffsetDateTime createdAt,
        OffsetDateTime updatedAt,
        OffsetDateTime launchedAt,
        OffsetDateTime finishedAt) {

    public RunState runState() {
        return RunState.parse(state);
    }

    /** What caused the run: the alert fingerprint, or {@code manual:<token name>}. */
    public String cause() {
        return triggerFingerprint != null ? triggerFingerprint : "manual:" + requestedBy;
    }
}
