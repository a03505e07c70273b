package dev.driftwatch.launcher;

import java.util.List;
import java.util.Optional;

/**
 * Where training and validation runs execute: a Kubernetes Job per run ({@link
 * KubernetesJobBackend}) or a local process ({@link LocalProcessBackend}). Every method is safe to
 * call from several threads.
 *
 * <pre>{@code
 * TrainingBackend backend = new LocalProcessBackend(workDir);
 * backend.launch(spec);                          // idempotent by spec.runId()
 * Optional<RunStatus> s = backend.status(spec.runId());
 * backend.cancel(spec.runId());
 * }</pre>
 */
public interface TrainingBackend extends AutoCloseable {

    /**
     * Starts the run, or, when a run with this id already exists, returns its status and starts
     * nothing: launching twice never runs twice.
     */
    RunStatus launch(RunSpec spec);

    /** The run's status; empty when this backend has no run with this id (never or cancelled). */
    Optional<RunStatus> status(String runId);

    /**
     * Stops the run and forgets it (Kubernetes: deletes the Job with background propagation; local:
     * kills the process and its children). Returns false when there was no such run.
     */
    boolean cancel(String runId);

    /**
     * Every run this backend finds, finished or not (Kubernetes: the Jobs carrying the Driftwatch
     * labels, so a restarted registry reconciles from them).
     */
    List<RunStatus> runs();

    /** A short name for logs and the API ({@code kubernetes}, {@code local}). */
    String name();

    @Override
    void close();
}
