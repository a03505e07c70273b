package dev.driftwatch.registry.model;

/** A row of {@code registered_model_aliases}: alias of a model pointing at one version. */
public record AliasRow(String name, String alias, int version) {}
