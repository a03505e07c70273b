package dev.driftwatch.core.alert;

/** The alerts Driftwatch raises (label {@code alertname}), each with how a summary names it. */
public enum AlertName {
    /** A feature's drift decision (the jobs' drift policies). */
    FEATURE_DRIFT("FeatureDrift", "Drift"),
    /** A drift-job metric past a configured threshold. */
    METRIC_THRESHOLD("MetricThreshold", "Threshold"),
    /** A performance metric past a floor or ceiling. */
    PERFORMANCE_THRESHOLD("PerformanceThreshold", "Performance threshold"),
    /** A performance metric dropped (or rose) relative to the reference profile's value. */
    PERFORMANCE_DROP("PerformanceDrop", "Performance drop"),
    /** Performance estimated before labels past a floor or ceiling, by more than its error. */
    ESTIMATED_PERFORMANCE_THRESHOLD(
            "EstimatedPerformanceThreshold", "Estimated performance threshold"),
    /**
     * Performance estimated before labels dropped (or rose) against the reference, beyond its
     * error.
     */
    ESTIMATED_PERFORMANCE_DROP("EstimatedPerformanceDrop", "Estimated performance drop"),
    /** The realised metric differs from the estimate by more than the estimate's error allows. */
    ESTIMATION_ERROR("EstimationError", "Estimation error");

    private final String label;
    private final String summaryName;

    AlertName(String label, String summaryName) {
        this.label = label;
        this.summaryName = summaryName;
    }

    /** The label value, e.g. "FeatureDrift". */
    public String label() {
        return label;
    }

    /** How a summary names the alert, e.g. "Drift detected ...". */
    public String summaryName() {
        return summaryName;
    }

    /** The alert of a label value, or null when it is none of Driftwatch's. */
    public static AlertName of(String label) {
        for (AlertName n : values()) {
            if (n.label.equals(label)) {
                return n;
            }
        }
        return null;
    }
}
