package dev.driftwatch.registry.retrain;

import java.time.OffsetDateTime;

/** A row of {@code retrain_transitions}: one state change of a run, with its time and cause. */
public record Transition(
        long id,
        long runId,
        String fromState,
        String toState,
        OffsetDateTime at,
        String cause,
        String detail) {}
