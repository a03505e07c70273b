package dev.driftwatch.launcher;

/**
 * Where a launched run is, as both backends report it: waiting for a node (or a Kueue quota),
 * running, or finished. A finished run never changes phase again.
 */
public enum RunPhase {
    /** Accepted but not started (Job created, no pod running yet; Kueue may hold it suspended). */
    PENDING,
    /** A pod (or the local process) is running. */
    RUNNING,
    /** Finished with exit code 0 (Job condition {@code Complete=True}). */
    SUCCEEDED,
    /** Finished without success (Job condition {@code Failed=True}, with its reason). */
    FAILED;

    public boolean finished() {
        return this == SUCCEEDED || this == FAILED;
    }
}
