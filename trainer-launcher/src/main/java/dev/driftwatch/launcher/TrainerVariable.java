package dev.driftwatch.launcher;

import java.util.Map;

/**
 * The environment variables a trainer process or Job receives, each named once: the launcher sets
 * the first group from the {@link RunSpec}, the registry's retraining loop adds the second through
 * {@link RunSpec#env()}. A trainer reads them with {@link #in(Map)}.
 *
 * <pre>{@code
 * String model = TrainerVariable.MODEL_NAME.in(System.getenv());   // DRIFTWATCH_MODEL_NAME
 * String url = TrainerVariable.REGISTRY_URL.in(System.getenv());
 * }</pre>
 */
public enum TrainerVariable {
    // ---- set by the launcher from the RunSpec ----

    /** The backend run's id, e.g. {@code rr-7-training}; a candidate is tagged {@code run_id}. */
    RUN_ID(true, "the backend run's id, e.g. rr-7-training"),
    /** {@code training} or {@code validation}. */
    RUN_KIND(true, "training or validation"),
    /** The model trained or validated. */
    MODEL_NAME(true, "the model"),
    /** The version the run concerns: the champion for training, the candidate for validation. */
    MODEL_VERSION(true, "the champion (training) or the candidate (validation)"),
    /** Where the trainer reports back. */
    REGISTRY_URL(true, "the registry's URL"),
    /** The run's own registry token, valid only for reporting this run (a Secret on Kubernetes). */
    REGISTRY_TOKEN(true, "the run's own registry token"),
    /** Start of the data window (inclusive), ISO-8601. */
    DATA_WINDOW_START(true, "start of the data window (inclusive), ISO-8601"),
    /** End of the data window (exclusive), ISO-8601. */
    DATA_WINDOW_END(true, "end of the data window (exclusive), ISO-8601"),

    // ---- set by the registry's retraining loop ----

    /** The retrain run's number, e.g. {@code 7}, for {@code /api/v1/retrain-runs/7/...}. */
    RETRAIN_RUN(false, "the retrain run's id, e.g. 7"),
    /** The fingerprint of the alert that requested the run; empty for a run requested by hand. */
    TRIGGER_ALERT(false, "the fingerprint of the alert that requested the run, or empty"),
    /** The champion version when the run was requested; empty when there was none. */
    CHAMPION_VERSION(false, "the champion when the run was requested, or empty"),
    /** The training run's id, given to the validation run. */
    TRAINING_RUN_ID(false, "the training run's id (validation runs only)");

    private static final String PREFIX = "DRIFTWATCH_";

    private final boolean setByLauncher;
    private final String description;

    TrainerVariable(boolean setByLauncher, String description) {
        this.setByLauncher = setByLauncher;
        this.description = description;
    }

    /**
     * Whether the launcher sets this variable from the {@link RunSpec} (a run's {@code env} may not
     * set it).
     */
    public boolean setByLauncher() {
        return setByLauncher;
    }

    /** The variable's name in the environment, e.g. {@code DRIFTWATCH_RUN_ID}. */
    public String envName() {
        return PREFIX + name();
    }

    /** What the variable holds, in a few words (for docs and usage messages). */
    public String description() {
        return description;
    }

    /** This variable's value in {@code environment}, or null when it is not set. */
    public String in(Map<String, String> environment) {
        return environment.get(envName());
    }

    @Override
    public String toString() {
        return envName();
    }
}
