package dev.driftwatch.registry.retrain;

import dev.driftwatch.launcher.LaunchException;
import dev.driftwatch.launcher.RunKind;
import dev.driftwatch.launcher.RunSpec;
import dev.driftwatch.launcher.RunStatus;
import dev.driftwatch.launcher.TrainingBackend;
import dev.driftwatch.registry.RegistryException;
import dev.driftwatch.registry.auth.RunTokens;
import dev.driftwatch.registry.retrain.RunStepper.Observed;
import dev.driftwatch.registry.retrain.StepAction.Fail;
import dev.driftwatch.registry.retrain.StepAction.Judge;
import dev.driftwatch.registry.retrain.StepAction.Launch;
import dev.driftwatch.registry.retrain.StepAction.Move;
import dev.driftwatch.registry.retrain.StepAction.Promote;
import dev.driftwatch.registry.retrain.StepAction.Wait;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Steps the active runs on one thread, every poll interval and when woken: observes each run (its
 * backend run's status, the model's policy and GPU use today), asks {@link RunStepper#next} what to
 * do, does it, and asks again until the run waits. All state changes go through {@link
 * RetrainRuns}; a change someone else made in between ({@link RunStateConflict}) ends the run's
 * step, and the next one starts from what is stored.
 *
 * <p>A part is launched with the templates the policy names (resolved at launch: a template that is
 * gone or no longer fits fails the run with {@code NoTemplate}) and a token of its own. A launch
 * the backend refuses is tried again at the next step; after {@value #MAX_LAUNCH_ATTEMPTS} refusals
 * in a row the run fails with {@code LaunchFailed} and the backend's reason.
 */
final class RetrainLoop implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RetrainLoop.class);

    /** The most actions one run takes per step (a run has fewer states than this). */
    private static final int MAX_ACTIONS_PER_STEP = 16;

    /** Launch refusals in a row after which a run fails. */
    static final int MAX_LAUNCH_ATTEMPTS = 3;

    private final RetrainRuns runs;
    private final RetrainPolicies policies;
    private final TrainingTemplates templates;
    private final RunTokens runTokens;
    private final Map<Long, Integer> launchFailures = new ConcurrentHashMap<>();
    private final Promotion promotion;
    private final TrainingBackend backend;
    private final Clock clock;
    private final ScheduledExecutorService thread =
            Executors.newSingleThreadScheduledExecutor(
                    r -> {
                        Thread t = new Thread(r, "retrain-loop");
                        t.setDaemon(true);
                        return t;
                    });
    private volatile RunSpecs specs;

    RetrainLoop(
            RetrainRuns runs,
            RetrainPolicies policies,
            TrainingTemplates templates,
            RunTokens runTokens,
            Promotion promotion,
            TrainingBackend backend,
            Clock clock) {
        this.runs = runs;
        this.policies = policies;
        this.templates = templates;
        this.runTokens = runTokens;
        this.promotion = promotion;
        this.backend = backend;
        this.clock = clock;
    }

    /** Starts stepping every {@code poll}; launched runs get {@code specs}' URL and token. */
    void start(RunSpecs specs, Duration poll) {
        this.specs = specs;
        long ms = poll.toMillis();
        thread.scheduleWithFixedDelay(this::stepAll, ms, ms, TimeUnit.MILLISECONDS);
    }

    /** Steps the active runs soon. */
    void wakeUp() {
        try {
            thread.execute(this::stepAll);
        } catch (RejectedExecutionException closed) {
            // closing
        }
    }

    /** Steps every active run (the loop's thread calls this; tests may too). */
    synchronized void stepAll() {
        for (RetrainRun r : runs.active()) {
            try {
                step(r.id());
            } catch (RunStateConflict e) {
                LOG.info("retrain run {} changed meanwhile: {}", r.id(), e.getMessage());
            } catch (RegistryException | LaunchException e) {
                LOG.warn("retrain run {} of {}: {}", r.id(), r.modelName(), e.getMessage());
            } catch (RuntimeException e) {
                LOG.error("retrain run {} of {} could not be stepped", r.id(), r.modelName(), e);
            }
        }
    }

    private void step(long id) {
        for (int i = 0; i < MAX_ACTIONS_PER_STEP; i++) {
            RetrainRun run = runs.get(id);
            if (run.runState().isFinal()) {
                launchFailures.remove(id);
                return;
            }
            RetrainPolicy policy = policies.find(run.modelName()).orElse(null);
            RetrainPolicy.RunTemplates resolved = null;
            if (policy != null && backend != null && run.runState().launchesAPart()) {
                try {
                    resolved = templates.resolve(policy);
                } catch (RegistryException e) {
                    runs.fail(id, "NoTemplate: " + e.getMessage(), "", null);
                    return;
                }
            }
            StepAction action = RunStepper.next(run, observe(run), policy, resolved);
            if (!apply(run, resolved, action)) {
                return;
            }
        }
    }

    private Observed observe(RetrainRun run) {
        Instant now = clock.instant();
        if (backend == null) {
            return new Observed(null, null, 0, now);
        }
        String backendRun = run.currentBackendRunId();
        RunStatus status = backendRun == null ? null : backend.status(backendRun).orElse(null);
        double usedToday =
                run.runState() == RunState.REQUESTED ? runs.gpuHoursUsedToday(run.modelName()) : 0;
        return new Observed(backend.name(), status, usedToday, now);
    }

    /** Does {@code action}; true when the run moved on and may have a next action at once. */
    private boolean apply(RetrainRun run, RetrainPolicy.RunTemplates templates, StepAction action) {
        if (action instanceof Wait w) {
            runs.waiting(run, w.reason());
            return false;
        }
        if (action instanceof Launch l) {
            return launch(run, templates, l.part());
        }
        if (action instanceof Move m) {
            runs.move(run.id(), run.runState(), m.to(), m.detail(), m.charge());
            return true;
        }
        if (action instanceof Fail f) {
            runs.fail(run.id(), f.reason(), f.logTail(), f.charge());
            return false;
        }
        if (action instanceof Judge j) {
            runs.judged(run.id(), j.results(), j.to(), j.detail(), j.charge());
            return true;
        }
        if (action instanceof Promote p) {
            promotion.promote(run, RunState.VALIDATED, null, p.how());
            return false;
        }
        return false; // Idle
    }

    /** Launches the run's training or validation part: one way for both. */
    private boolean launch(RetrainRun run, RetrainPolicy.RunTemplates templates, RunKind part) {
        RunSpec spec;
        RunStatus status;
        try {
            spec =
                    specs.spec(
                            run,
                            templates,
                            part,
                            runTokens.issue(
                                    run.id(),
                                    part.wireName(),
                                    RunSpecs.backendRunId(run.id(), RunKind.TRAINING)));
            status = backend.launch(spec);
        } catch (LaunchException e) {
            int failures = launchFailures.merge(run.id(), 1, Integer::sum);
            if (failures >= MAX_LAUNCH_ATTEMPTS) {
                launchFailures.remove(run.id());
                runs.fail(
                        run.id(),
                        "LaunchFailed: the "
                                + backend.name()
                                + " backend refused the "
                                + part.wireName()
                                + " run "
                                + failures
                                + " times in a row: "
                                + e.getMessage(),
                        "",
                        null);
                return false;
            }
            throw e;
        }
        launchFailures.remove(run.id());
        String detail =
                part == RunKind.TRAINING
                        ? "training run "
                                + spec.runId()
                                + " on the "
                                + backend.name()
                                + " backend ("
                                + status.phase().name().toLowerCase(Locale.ROOT)
                                + ")"
                        : "validation run "
                                + spec.runId()
                                + " of candidate version "
                                + run.candidateVersion();
        if (runs.launched(run.id(), part, backend.name(), spec.runId(), templates, detail)) {
            return true;
        }
        backend.cancel(spec.runId());
        return false;
    }

    /** What the run's current part used until now, for a run stopped from outside the loop. */
    RetrainRuns.Charge usedSoFar(RetrainRun run) {
        if (backend == null || run.currentBackendRunId() == null) {
            return null;
        }
        RunKind part = run.validationRunId() != null ? RunKind.VALIDATION : RunKind.TRAINING;
        return backend.status(run.currentBackendRunId())
                .map(s -> new RetrainRuns.Charge(part, s.gpuHours(clock.instant())))
                .orElse(null);
    }

    /** Stops the run's backend runs (cancel). */
    void stopBackendRuns(RetrainRun run) {
        if (backend == null) {
            return;
        }
        for (String id :
                Stream.of(run.trainingRunId(), run.validationRunId())
                        .filter(Objects::nonNull)
                        .toList()) {
            try {
                backend.cancel(id);
            } catch (LaunchException e) {
                LOG.warn("could not cancel backend run {}: {}", id, e.getMessage());
            }
        }
    }

    /** The backend's name for logs, or null without one. */
    String backendName() {
        return backend == null ? null : backend.name();
    }

    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (backend != null) {
            backend.close();
        }
    }
}
