package dev.driftwatch.registry.retrain;

import java.time.OffsetDateTime;

/**
 * A row of {@code retrain_runs}: one retraining run of a model, from request to its end.
 *
 * @param gpuHours what the run is charged against its model's daily budget: {@code trainingGpuHours
 *     + validationGpuHours}
 * @param trainingGpuHours the training part: its reservation while it runs, then what it used; null
 *     before it launched
 * @param validationGpuHours the validation part, likewise; 0 when the run ended before it launched
 */
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
        Double trainingGpuHours,
        Double validationGpuHours,
        String waitingReason,
        String failureReason,
        String logTail,
        String trainingMetrics,
        String validationMetrics,
        OffsetDateTime createdAt,
        OffsetDateTime updatedAt,
        OffsetDateTime launchedAt,
        OffsetDateTime finishedAt) {

    /** A new run in state {@code requested}, as it is inserted. */
    static RetrainRun requested(
            String model,
            Long alertId,
            String fingerprint,
            String requestedBy,
            Integer championVersion,
            OffsetDateTime windowStart,
            OffsetDateTime windowEnd,
            OffsetDateTime now) {
        return new RetrainRun(
                0,
                model,
                RunState.REQUESTED.wireName(),
                alertId,
                fingerprint,
                requestedBy,
                championVersion,
                null,
                windowStart,
                windowEnd,
                "",
                null,
                null,
                0,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                now,
                now,
                null,
                null);
    }

    public RunState runState() {
        return RunState.parse(state);
    }

    /** What caused the run: the alert fingerprint, or {@code manual:<token name>}. */
    public String cause() {
        return triggerFingerprint != null ? triggerFingerprint : "manual:" + requestedBy;
    }

    /** The backend run of the run's current part: validation once launched, else training. */
    public String currentBackendRunId() {
        return validationRunId != null ? validationRunId : trainingRunId;
    }
}
