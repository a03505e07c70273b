package dev.driftwatch.registry.model;

import java.util.List;

/** A registered model as the API returns it: row, latest version, tags and aliases. */
public record RegisteredModel(
        RegisteredModelRow row,
        List<ModelVersion> latestVersions,
        List<Tag> tags,
        List<AliasRow> aliases) {}
