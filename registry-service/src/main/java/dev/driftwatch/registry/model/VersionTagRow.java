package dev.driftwatch.registry.model;

/** A row of {@code model_version_tags}. */
public record VersionTagRow(String name, int version, String key, String value) {}
