package dev.driftwatch.registry.model;

/** A row of {@code model_versions}. */
public record ModelVersionRow(
        String name,
        int version,
        long creationTimestamp,
        long lastUpdatedTimestamp,
        String description,
        String source,
        String runId,
        String runLink,
        String userId,
        String status) {}
