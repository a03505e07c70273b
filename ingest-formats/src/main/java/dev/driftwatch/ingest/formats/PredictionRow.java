package dev.driftwatch.ingest.formats;

/**
 * One decoded prediction: its id ({@code <id>/<row>} in a batch), its features (as in {@link
 * FeatureRow}) and its prediction (a score, NaN when none; a label, null when none). Together with
 * the model name, version and time, which come from the record around the payload, it is a
 * drift-core prediction event: the score and label are its {@code prediction.score} and {@code
 * prediction.label} pseudo-features.
 */
public record PredictionRow(
        String predictionId,
        String[] names,
        double[] numbers,
        String[] strings,
        double score,
        String label) {}
