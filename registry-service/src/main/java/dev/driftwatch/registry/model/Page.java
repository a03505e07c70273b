package dev.driftwatch.registry.model;

import java.util.List;

/** One page of search results and the token of the next page ("" when this is the last). */
public record Page<T>(List<T> items, String nextPageToken) {}
