package dev.driftwatch.jobs.records;

/** One window's verdict for one alert series (a feature's drift, or a metric rule). */
public class AlertObservation {
    public String seriesKey;
    public String alertname;
    public String severity;
    public boolean breached;
    public String modelName;
    public String modelVersion;
    public String segment;
    public String feature;
    public String metric;
    public double value;
    public double threshold;
    public long windowStart;
    public long windowEnd;

    /** Consecutive breached windows before the series fires; 0: the job's alert-fire-after. */
    public int fireAfter;

    public AlertObservation() {}
}
