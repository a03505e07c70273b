package dev.driftwatch.core.alert;

/**
 * The label and annotation names of a Driftwatch {@link Alert}: what producers write and consumers
 * (routes, retrain triggers, SQL on the alerts table) match on.
 */
public final class AlertLabels {
    private AlertLabels() {}

    /** The alert's name, one of {@link AlertName}. */
    public static final String ALERTNAME = "alertname";

    /** One of {@link Severity}. */
    public static final String SEVERITY = "severity";

    public static final String MODEL_NAME = "model_name";
    public static final String MODEL_VERSION = "model_version";
    public static final String METRIC = "metric";

    /** The feature, or "" for model-level metrics. */
    public static final String FEATURE = "feature";

    /** The segment, or "" without segments. */
    public static final String SEGMENT = "segment";

    /** Annotation: one line for people. */
    public static final String SUMMARY = "summary";

    /** Annotation: what was seen, where. */
    public static final String DESCRIPTION = "description";

    /** Annotation: where the runbook is. */
    public static final String RUNBOOK_URL = "runbook_url";

    /** Annotation: the observed value (decimal text). */
    public static final String VALUE = "value";

    /** Annotation: the threshold it was compared with. */
    public static final String THRESHOLD = "threshold";

    /** Annotation: the start of the window the value is of (RFC 3339). */
    public static final String WINDOW_START = "window_start";

    /** Annotation: the end of that window (RFC 3339). */
    public static final String WINDOW_END = "window_end";
}
