package dev.driftwatch.registry.retrain;

import java.time.OffsetDateTime;

/** A row of {@code retrain_triggers}: what a matching firing alert did, and why. */
public record TriggerDecision(
        long id,
        long alertId,
        String fingerprint,
        String modelName,
        String decision,
        Long runId,
        OffsetDateTime decidedAt) {}
