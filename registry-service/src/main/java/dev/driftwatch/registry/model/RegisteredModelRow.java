package dev.driftwatch.registry.model;

/** A row of {@code registered_models}. */
public record RegisteredModelRow(
        String name,
        String description,
        long creationTimestamp,
        long lastUpdatedTimestamp,
        int nextVersion) {}
