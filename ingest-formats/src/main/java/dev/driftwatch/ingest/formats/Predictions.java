package dev.driftwatch.ingest.formats;

/**
 * The predictions decoded from one inference response payload, one per row: a score ({@code
 * scores[i]}, NaN when none) for floating-point outputs, a label ({@code labels[i]}, null when
 * none) for integer, boolean and string outputs.
 *
 * @param id the response's request id, or null
 * @param modelName the model that answered ({@code model_name}), or null
 * @param modelVersion the version that answered ({@code model_version}), or null
 * @param output the output tensor (or object key) the predictions were read from, or null (KServe
 *     v1 scalar predictions)
 * @param scores per row; NaN where the row's prediction is a label or absent
 * @param labels per row; null where the row's prediction is a score or absent
 */
public record Predictions(
        String id,
        String modelName,
        String modelVersion,
        String output,
        double[] scores,
        String[] labels) {
    public int rowCount() {
        return scores.length;
    }
}
