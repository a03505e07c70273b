package dev.driftwatch.ingest.formats;

import java.util.List;

/**
 * The feature rows decoded from one inference request payload, in batch order, with what the
 * payload itself says about its identity.
 *
 * @param id the payload's request id (Open Inference Protocol {@code id}), or null
 * @param modelName the model named in the payload (OIP protobuf requests), or null
 * @param modelVersion the version named in the payload (OIP protobuf requests), or null
 * @param rows one row per batch element
 */
public record FeatureRows(String id, String modelName, String modelVersion, List<FeatureRow> rows) {
    public int rowCount() {
        return rows.size();
    }
}
