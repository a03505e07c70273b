package dev.driftwatch.registry.model;

import java.util.List;

/** A model version as the API returns it: row, tags and the aliases pointing at it. */
public record ModelVersion(ModelVersionRow row, List<Tag> tags, List<String> aliases) {}
