package dev.driftwatch.core.contract;

/**
 * The default Kafka topic names of the contracts between the parts (each is configurable where it
 * is used).
 */
public final class Topics {
    private Topics() {}

    /** Prediction events (JSON, key = prediction_id). */
    public static final String PREDICTIONS = "driftwatch.predictions";

    /** Feature-only events: the prediction shape without {@code prediction}. */
    public static final String FEATURES = "driftwatch.features";

    /** Ground-truth labels, joined to predictions by (model_name, prediction_id). */
    public static final String LABELS = "driftwatch.labels";

    /** Reference profiles (compacted, key = model/version). */
    public static final String REFERENCE_PROFILES = "driftwatch.reference-profiles";

    /** Alerts as Alertmanager alert objects (key = fingerprint). */
    public static final String ALERTS = "driftwatch.alerts";

    /** Records a job could not use, with the reason and the original bytes. */
    public static final String DEAD_LETTERS = "driftwatch.dead-letters";

    /** Raw inference logs (CloudEvents as received, key = ce-id). */
    public static final String INFERENCE_LOGS = "driftwatch.inference-logs";

    /**
     * Models' declared input schemas and aliases, for normalizing inference logs (compacted, key =
     * model name).
     */
    public static final String INPUT_SCHEMAS = "driftwatch.input-schemas";
}
