package dev.driftwatch.registry.auth;

/**
 * A retraining run's own token, as authenticated: the run it reports, the part it was issued for
 * ({@code training} or {@code validation}), the run's model and its training part's backend run id
 * (the {@code run_id} tag its candidate must carry).
 */
public record RunToken(long runId, String part, String modelName, String trainingRunId) {
    /** How the token shows up in logs and records: {@code run:7/training}. */
    public String displayName() {
        return "run:" + runId + "/" + part;
    }
}
