package dev.driftwatch.registry.model;

/** A key/value tag of a registered model or model version (MLflow's {@code {key, value}}). */
public record Tag(String key, String value) {}
