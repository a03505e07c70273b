package dev.driftwatch.jobs.records;

/** Persistence state of one alert series. */
public class AlertState {
    public int consecutiveBreached;
    public int consecutiveClean;
    public boolean firing;
    public long startsAt;
    public String severity;
    public long lastWindowStart = Long.MIN_VALUE;
    public long lastWindowEnd = Long.MIN_VALUE;

    /** The last observation, to resolve the alert when the series goes quiet. */
    public AlertObservation last;

    public AlertState() {}
}
