package dev.driftwatch.registry.retrain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.driftwatch.core.alert.Alert;
import dev.driftwatch.launcher.LaunchException;
import dev.driftwatch.launcher.RegistryToken;
import dev.driftwatch.launcher.RunKind;
import dev.driftwatch.launcher.RunPhase;
import dev.driftwatch.launcher.RunSpec;
import dev.driftwatch.launcher.RunStatus;
import dev.driftwatch.launcher.TrainingBackend;
import dev.driftwatch.registry.RegistryException;
import dev.driftwatch.registry.alert.FiringAlertListener;
import dev.driftwatch.registry.auth.AccessToken;
import dev.driftwatch.registry.auth.Role;
import dev.driftwatch.registry.auth.TokenStore;
import dev.driftwatch.registry.model.ModelRegistry;
import dev.driftwatch.registry.model.ModelVersion;
import dev.driftwatch.registry.model.Tag;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The retraining loop: a firing alert that matches a model's {@link RetrainPolicy} requests a run
 * (unless deduplicated, cooling down, or another run of the model is active); runs wait for the
 * model's GPU-hours budget, then a training run and a validation run execute on the {@link
 * TrainingBackend}; the candidate the trainer registered is checked by the policy's gates and
 * promoted (automatically or by an approver). Every state change is a row in {@code
 * retrain_transitions} with its time and cause; launched, failed, rejected and promoted also queue
 * notifications to the matching routes in the same transaction ({@link RetrainNotifier}). A single
 * thread steps the active runs every poll interval; API calls change runs only by compare-and-set
 * on their state, so both can act at once.
 *
 * <pre>{@code
 * RetrainOrchestrator o =
 *         new RetrainOrchestrator(jdbi, clock, registry, tokens, settings, dispatcher::wakeUp);
 * AlertIntake intake = new AlertIntake(jdbi, clock, dispatcher::wakeUp, o);
 * o.start(serverUrl);
 * }</pre>
 */
public final class RetrainOrchestrator implements FiringAlertListener, AutoCloseable {
    /** The operator token issued for trainers when none is configured. */
    public static final String TRAINER_TOKEN_NAME = "retrain-trainer";

    public static final String CHALLENGER = "challenger";

    private static final Logger LOG = LoggerFactory.getLogger(RetrainOrchestrator.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Jdbi jdbi;
    private final Clock clock;
    private final ModelRegistry registry;
    private final TokenStore tokens;
    private final RetrainSettings settings;
    private final TrainingBackend backend;
    private final RetrainNotifier notifier;
    private final ScheduledExecutorService stepper =
            Executors.newSingleThreadScheduledExecutor(
                    r -> {
                        Thread t = new Thread(r, "retrain-orchestrator");
                        t.setDaemon(true);
                        return t;
                    });
    private volatile String trainerUrl;
    private volatile RegistryToken trainerToken;

    public RetrainOrchestrator(
            Jdbi jdbi,
            Clock clock,
            ModelRegistry registry,
            TokenStore tokens,
            RetrainSettings settings) {
        this(jdbi, clock, registry, tokens, settings, () -> {});
    }

    /**
     * As above; {@code notificationsQueued} is called when a run's change queued notifications
     * (launched, failed, rejected, promoted; see {@link RetrainNotifier}), e.g. {@code
     * dispatcher::wakeUp}.
     */
    public RetrainOrchestrator(
            Jdbi jdbi,
            Clock clock,
            ModelRegistry registry,
            TokenStore tokens,
            RetrainSettings settings,
            Runnable notificationsQueued) {
        this.notifier = new RetrainNotifier(notificationsQueued);
        this.jdbi = jdbi;
        this.clock = clock;
        this.registry = registry;
        this.tokens = tokens;
        this.settings = settings;
        this.backend = settings.backend();
    }

    /**
     * Starts stepping runs; {@code serverUrl} is given to trainers unless settings name another.
     */
    public void start(String serverUrl) {
        trainerUrl =
                settings.trainerRegistryUrl() != null ? settings.trainerRegistryUrl() : serverUrl;
        trainerToken = settings.trainerToken();
        if (trainerToken == null && backend != null) {
            tokens.list().stream()
                    .filter(t -> t.name().equals(TRAINER_TOKEN_NAME))
                    .forEach(t -> tokens.revoke(t.id()));
            trainerToken =
                    RegistryToken.of(tokens.issue(TRAINER_TOKEN_NAME, Role.OPERATOR).secret());
        }
        long ms = settings.pollInterval().toMillis();
        stepper.scheduleWithFixedDelay(this::stepAll, ms, ms, TimeUnit.MILLISECONDS);
        LOG.info(
                "retraining {} (poll every {} ms)",
                backend == null
                        ? "has no training backend"
                        : "runs on the " + backend.name() + " backend",
                ms);
    }

    /** Steps the active runs soon (after an alert requested one, or an API call changed one). */
    public void wakeUp() {
        try {
            stepper.execute(this::stepAll);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            // closing
        }
    }

    @Override
    public void close() {
        stepper.shutdownNow();
        try {
            stepper.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (backend != null) {
            backend.close();
        }
    }

    // ---- policies ----

    public RetrainPolicy putPolicy(String model, JsonNode spec) {
        RetrainPolicy policy = RetrainPolicy.parse(spec);
        registry.getModel(model);
        jdbi.useExtension(RetrainDao.class, d -> d.upsertPolicy(model, spec.toString(), now()));
        return policy;
    }

    /** The policy as it was given. */
    public JsonNode policyJson(String model) {
        registry.getModel(model);
        String s =
                jdbi.withExtension(RetrainDao.class, d -> d.policy(model))
                        .orElseThrow(
                                () ->
                                        RegistryException.notFound(
                                                "No retrain policy for model " + model + "."));
        return read(s);
    }

    public void deletePolicy(String model) {
        if (jdbi.withExtension(RetrainDao.class, d -> d.deletePolicy(model)) == 0) {
            throw RegistryException.notFound("No retrain policy for model " + model + ".");
        }
    }

    // ---- requests ----

    @Override
    public void firing(Handle h, long alertId, Alert a) {
        String model = a.label("model_name");
        if (model == null || model.isEmpty()) {
            return;
        }
        RetrainDao dao = h.attach(RetrainDao.class);
        Optional<String> spec = dao.lockPolicy(model);
        if (spec.isEmpty()) {
            return;
        }
        RetrainPolicy policy = RetrainPolicy.parse(read(spec.get()));
        if (!policy.matches(a)) {
            return;
        }
        OffsetDateTime now = now();
        String fp = a.fingerprint();
        Optional<RetrainRun> active = dao.activeFor(model);
        Optional<OffsetDateTime> last = dao.lastRequestedAt(model);
        if (dao.requestedSince(fp, model, now.minus(policy.dedupWindow()))) {
            dao.insertTrigger(alertId, fp, model, "duplicate", null, now);
        } else if (active.isPresent()) {
            dao.insertTrigger(alertId, fp, model, "active_run", active.get().id(), now);
        } else if (last.isPresent() && last.get().isAfter(now.minus(policy.cooldown()))) {
            dao.insertTrigger(alertId, fp, model, "cooldown", null, now);
        } else {
            long id =
                    newRun(
                            h,
                            model,
                            policy,
                            alertId,
                            fp,
                            "alert",
                            "alert "
                                    + a.label("alertname")
                                    + " ("
                                    + a.label("severity")
                                    + ") on "
                                    + model
                                    + " "
                                    + a.label("metric")
                                    + " "
                                    + a.label("feature"));
            dao.insertTrigger(alertId, fp, model, "requested", id, now);
            h.afterCommit(this::wakeUp);
            LOG.info("alert {} requested retrain run {} of {}", fp, id, model);
            return;
        }
        LOG.info("alert {} on {} did not request a run", fp, model);
    }

    /** A run requested by hand (no cooldown or dedup; still one active run per model). */
    public RetrainRun request(String model, AccessToken by) {
        registry.getModel(model);
        long id =
                jdbi.inTransaction(
                        h -> {
                            RetrainDao dao = h.attach(RetrainDao.class);
                            RetrainPolicy policy =
                                    RetrainPolicy.parse(
                                            read(
                                                    dao.lockPolicy(model)
                                                            .orElseThrow(
                                                                    () ->
                                                                            RegistryException
                                                                                    .invalid(
                                                                                            "Model "
                                                                                                    + model
                                                                                                    + " has no retrain policy; PUT"
                                                                                                    + " /api/v1/models/"
                                                                                                    + model
                                                                                                    + "/retrain-policy first."))));
                            Optional<RetrainRun> active = dao.activeFor(model);
                            if (active.isPresent()) {
                                throw RegistryException.exists(
                                        "Model "
                                                + model
                                                + " already has an active retrain run "
                                                + active.get().id()
                                                + " ("
                                                + active.get().state()
                                                + ").");
                            }
                            return newRun(
                                    h,
                                    model,
                                    policy,
                                    null,
                                    null,
                                    by.name(),
                                    "requested by " + by.name());
                        });
        wakeUp();
        return run(id);
    }

    private long newRun(
            Handle h,
            String model,
            RetrainPolicy policy,
            Long alertId,
            String fingerprint,
            String requestedBy,
            String detail) {
        RetrainDao dao = h.attach(RetrainDao.class);
        OffsetDateTime now = now();
        Integer champion = champion(model);
        long id =
                dao.insertRun(
                        model,
                        alertId,
                        fingerprint,
                        requestedBy,
                        champion,
                        now.minus(policy.dataWindow()),
                        now,
                        now);
        dao.insertTransition(
                id,
                null,
                RunState.REQUESTED.wireName(),
                now,
                fingerprint != null ? fingerprint : "manual:" + requestedBy,
                detail);
        return id;
    }

    // ---- reads ----

    public RetrainRun run(long id) {
        return jdbi.withExtension(RetrainDao.class, d -> d.run(id))
                .orElseThrow(
                        () -> RegistryException.notFound("No retrain run with id " + id + "."));
    }

    public List<RetrainRun> runs(String model, String state, int limit) {
        if (state != null && !state.isEmpty()) {
            RunState.parse(state);
        }
        return jdbi.withExtension(
                RetrainDao.class,
                d -> d.list(model == null ? "" : model, state == null ? "" : state, limit));
    }

    public List<Transition> transitions(long id) {
        return jdbi.withExtension(RetrainDao.class, d -> d.transitions(id));
    }

    public List<GateResult> gates(long id) {
        return jdbi.withExtension(RetrainDao.class, d -> d.gates(id));
    }

    public List<TriggerDecision> triggers(String model, int limit) {
        return jdbi.withExtension(
                RetrainDao.class, d -> d.triggers(model == null ? "" : model, limit));
    }

    // ---- reports from trainers ----

    /**
     * The trainer registered {@code version} (tagged {@code run_id} = its {@code
     * DRIFTWATCH_RUN_ID}) with its training metrics: it becomes the run's candidate and gets the
     * {@value #CHALLENGER} alias.
     */
    public RetrainRun reportCandidate(long id, String version, JsonNode metrics) {
        RetrainRun run = run(id);
        RunState s = run.runState();
        if (s != RunState.LAUNCHED && s != RunState.TRAINING) {
            throw RegistryException.invalid(
                    "Run "
                            + id
                            + " is "
                            + run.state()
                            + "; a candidate is reported while training.");
        }
        ModelVersion v = registry.getVersion(run.modelName(), version);
        String tag =
                v.tags().stream()
                        .filter(t -> t.key().equals("run_id"))
                        .map(Tag::value)
                        .findFirst()
                        .orElse("");
        if (!tag.equals(run.trainingRunId())) {
            throw RegistryException.invalid(
                    "Version "
                            + version
                            + " of "
                            + run.modelName()
                            + " has tag run_id='"
                            + tag
                            + "'; the candidate of run "
                            + id
                            + " must be tagged run_id='"
                            + run.trainingRunId()
                            + "'.");
        }
        if (metrics != null && !metrics.isNull() && !metrics.isObject()) {
            throw RegistryException.invalid("'metrics' must be an object of numbers");
        }
        registry.setAlias(run.modelName(), CHALLENGER, version);
        jdbi.useExtension(
                RetrainDao.class,
                d ->
                        d.setCandidate(
                                id,
                                v.row().version(),
                                metrics == null || metrics.isNull() ? "{}" : metrics.toString(),
                                now()));
        return run(id);
    }

    /** The validation run's metrics on the holdout: {@code {candidate, champion, segments}}. */
    public RetrainRun reportValidation(long id, JsonNode metrics) {
        RetrainRun run = run(id);
        if (run.runState() != RunState.VALIDATING) {
            throw RegistryException.invalid(
                    "Run "
                            + id
                            + " is "
                            + run.state()
                            + "; validation metrics are reported while validating.");
        }
        if (metrics == null || !metrics.isObject() || !metrics.path("candidate").isObject()) {
            throw RegistryException.invalid(
                    "validation metrics must be {\"candidate\": {metric: number}, \"champion\":"
                            + " {...}, \"segments\": {metric: {segment: number}}}");
        }
        jdbi.useExtension(
                RetrainDao.class, d -> d.setValidationMetrics(id, metrics.toString(), now()));
        wakeUp();
        return run(id);
    }

    // ---- decisions by people ----

    public RetrainRun approve(long id, AccessToken by) {
        RetrainRun run = run(id);
        if (run.runState() != RunState.AWAITING_APPROVAL) {
            throw RegistryException.invalid(
                    "Run "
                            + id
                            + " is "
                            + run.state()
                            + "; only a run awaiting_approval can be approved.");
        }
        promote(run, "approved by " + by.name());
        return run(id);
    }

    public RetrainRun reject(long id, AccessToken by, String reason) {
        RetrainRun run = run(id);
        if (run.runState() != RunState.AWAITING_APPROVAL) {
            throw RegistryException.invalid(
                    "Run "
                            + id
                            + " is "
                            + run.state()
                            + "; only a run awaiting_approval can be rejected.");
        }
        move(
                id,
                RunState.AWAITING_APPROVAL,
                RunState.REJECTED,
                "rejected by "
                        + by.name()
                        + (reason == null || reason.isBlank() ? "" : ": " + reason));
        return run(id);
    }

    public RetrainRun cancel(long id, AccessToken by) {
        RetrainRun run = run(id);
        if (run.runState().isFinal()) {
            throw RegistryException.invalid(
                    "Run "
                            + id
                            + " is "
                            + run.state()
                            + " already; only an active run can be cancelled.");
        }
        move(id, run.runState(), RunState.CANCELLED, "cancelled by " + by.name());
        stopBackendRuns(run);
        return run(id);
    }

    // ---- the stepper ----

    /** Steps every active run once (the scheduler calls this; tests may too). */
    public synchronized void stepAll() {
        List<RetrainRun> active = jdbi.withExtension(RetrainDao.class, RetrainDao::active);
        for (RetrainRun r : active) {
            try {
                step(r);
            } catch (RegistryException | LaunchException e) {
                LOG.warn("retrain run {} of {}: {}", r.id(), r.modelName(), e.getMessage());
            } catch (RuntimeException e) {
                LOG.error("retrain run {} of {} could not be stepped", r.id(), r.modelName(), e);
            }
        }
    }

    private void step(RetrainRun run) {
        switch (run.runState()) {
            case REQUESTED -> launchTraining(run);
            case LAUNCHED, TRAINING -> followTraining(run);
            case TRAINED -> launchValidation(run);
            case VALIDATING -> followValidation(run);
            case VALIDATED -> decide(run);
            default -> {
                // awaiting_approval waits for a person; final states are not active
            }
        }
    }

    private void launchTraining(RetrainRun run) {
        if (backend == null) {
            waiting(run, "no training backend is configured");
            return;
        }
        Optional<RetrainPolicy> policy = policy(run.modelName());
        if (policy.isEmpty()) {
            fail(run, "NoPolicy: the model's retrain policy was deleted", "");
            return;
        }
        RetrainPolicy p = policy.get();
        OffsetDateTime dayStart = now().truncatedTo(ChronoUnit.DAYS);
        double used =
                jdbi.withExtension(
                        RetrainDao.class, d -> d.gpuHoursSince(run.modelName(), dayStart));
        double need = p.maxGpuHoursPerRun();
        if (used + need > p.gpuHoursPerDay() + 1e-9) {
            waiting(
                    run,
                    String.format(
                            Locale.ROOT,
                            "GPU budget: %.2f of %.2f GPU-hours used today (UTC); this run may use"
                                    + " up to %.2f (training + validation GPUs x deadline)",
                            used,
                            p.gpuHoursPerDay(),
                            need));
            return;
        }
        RunSpec spec = spec(run, p.training(), RunKind.TRAINING, run.championVersion());
        RunStatus status = backend.launch(spec);
        boolean moved =
                jdbi.inTransaction(
                        h -> {
                            RetrainDao dao = h.attach(RetrainDao.class);
                            RetrainRun now = dao.lockRun(run.id()).orElseThrow();
                            if (now.runState() != RunState.REQUESTED) {
                                return false;
                            }
                            dao.setTrainingLaunched(
                                    run.id(), backend.name(), spec.runId(), need, now());
                            transition(
                                    h,
                                    now,
                                    RunState.LAUNCHED,
                                    "training run "
                                            + spec.runId()
                                            + " on the "
                                            + backend.name()
                                            + " backend ("
                                            + status.phase().name().toLowerCase(Locale.ROOT)
                                            + ")");
                            return true;
                        });
        if (!moved) {
            backend.cancel(spec.runId());
        }
    }

    private void followTraining(RetrainRun run) {
        Optional<RunStatus> status =
                backend == null ? Optional.empty() : backend.status(run.trainingRunId());
        if (status.isEmpty()) {
            fail(run, lost(run.trainingRunId()), "");
            return;
        }
        RunStatus s = status.get();
        RetrainRun current = run;
        if (current.runState() == RunState.LAUNCHED && s.phase() != RunPhase.PENDING) {
            move(
                    run.id(),
                    RunState.LAUNCHED,
                    RunState.TRAINING,
                    "training started at " + s.startedAt());
            current = run(run.id());
        }
        if (s.phase() == RunPhase.FAILED) {
            fail(
                    current,
                    "training failed: "
                            + s.reason()
                            + (s.message().isEmpty() ? "" : " (" + s.message() + ")"),
                    s.logTail());
        } else if (s.phase() == RunPhase.SUCCEEDED) {
            if (current.candidateVersion() == null) {
                fail(
                        current,
                        "NoCandidate: the training run succeeded without reporting a candidate"
                                + " (POST /api/v1/retrain-runs/"
                                + run.id()
                                + "/candidate)",
                        "");
            } else {
                move(
                        run.id(),
                        RunState.TRAINING,
                        RunState.TRAINED,
                        "candidate version "
                                + current.candidateVersion()
                                + " finished at "
                                + s.finishedAt());
                wakeUp();
            }
        }
    }

    private void launchValidation(RetrainRun run) {
        if (backend == null) {
            waiting(run, "no training backend is configured");
            return;
        }
        Optional<RetrainPolicy> policy = policy(run.modelName());
        if (policy.isEmpty()) {
            fail(run, "NoPolicy: the model's retrain policy was deleted", "");
            return;
        }
        RunSpec spec =
                spec(run, policy.get().validation(), RunKind.VALIDATION, run.candidateVersion());
        backend.launch(spec);
        boolean moved =
                jdbi.inTransaction(
                        h -> {
                            RetrainDao dao = h.attach(RetrainDao.class);
                            RetrainRun now = dao.lockRun(run.id()).orElseThrow();
                            if (now.runState() != RunState.TRAINED) {
                                return false;
                            }
                            dao.setValidationRunId(run.id(), spec.runId());
                            transition(
                                    h,
                                    now,
                                    RunState.VALIDATING,
                                    "validation run "
                                            + spec.runId()
                                            + " of candidate version "
                                            + run.candidateVersion());
                            return true;
                        });
        if (!moved) {
            backend.cancel(spec.runId());
        }
    }

    private void followValidation(RetrainRun run) {
        Optional<RunStatus> status =
                backend == null ? Optional.empty() : backend.status(run.validationRunId());
        if (status.isEmpty()) {
            fail(run, lost(run.validationRunId()), "");
            return;
        }
        RunStatus s = status.get();
        if (s.phase() == RunPhase.FAILED) {
            fail(
                    run,
                    "validation failed: "
                            + s.reason()
                            + (s.message().isEmpty() ? "" : " (" + s.message() + ")"),
                    s.logTail());
            return;
        }
        if (s.phase() != RunPhase.SUCCEEDED) {
            return;
        }
        chargeMeasuredGpuHours(run);
        RetrainRun current = run(run.id());
        if (current.validationMetrics() == null) {
            fail(
                    current,
                    "NoValidationMetrics: the validation run succeeded without reporting metrics"
                            + " (POST /api/v1/retrain-runs/"
                            + run.id()
                            + "/validation-metrics)",
                    "");
            return;
        }
        RetrainPolicy p = policy(run.modelName()).orElse(null);
        List<ValidationGate> gates = p == null ? List.of() : p.gates();
        JsonNode metrics = read(current.validationMetrics());
        List<GateResult> results = new ArrayList<>();
        gates.forEach(g -> results.add(g.evaluate(metrics)));
        List<String> failed =
                results.stream()
                        .filter(r -> !r.passed())
                        .map(r -> r.gate() + " " + r.metric() + ": " + r.detail())
                        .toList();
        jdbi.useTransaction(
                h -> {
                    RetrainDao dao = h.attach(RetrainDao.class);
                    RetrainRun locked = dao.lockRun(run.id()).orElseThrow();
                    if (locked.runState() != RunState.VALIDATING) {
                        return;
                    }
                    OffsetDateTime now = now();
                    for (GateResult r : results) {
                        dao.upsertGate(
                                run.id(),
                                r.gate(),
                                r.metric(),
                                r.passed(),
                                r.observed(),
                                r.threshold(),
                                r.championValue(),
                                r.detail(),
                                now);
                    }
                    if (failed.isEmpty()) {
                        transition(
                                h, locked, RunState.VALIDATED, results.size() + " gate(s) passed");
                    } else {
                        transition(
                                h,
                                locked,
                                RunState.REJECTED,
                                "gate(s) failed: " + String.join("; ", failed));
                    }
                });
        if (failed.isEmpty()) {
            decide(run(run.id()));
        }
    }

    private void decide(RetrainRun run) {
        RetrainPolicy p = policy(run.modelName()).orElse(null);
        if (p != null && p.manualApproval()) {
            move(
                    run.id(),
                    RunState.VALIDATED,
                    RunState.AWAITING_APPROVAL,
                    "manual approval required by the policy");
        } else {
            promote(run, "approved automatically by the policy");
        }
    }

    private void promote(RetrainRun run, String how) {
        int replaced = registry.promote(run.modelName(), String.valueOf(run.candidateVersion()));
        move(
                run.id(),
                run.runState(),
                RunState.PROMOTED,
                how
                        + "; champion moved from "
                        + (replaced == 0 ? "none" : "version " + replaced)
                        + " to version "
                        + run.candidateVersion());
        LOG.info(
                "promoted {} version {} (retrain run {})",
                run.modelName(),
                run.candidateVersion(),
                run.id());
    }

    // ---- helpers ----

    private RunSpec spec(
            RetrainRun run, RetrainPolicy.RunTemplate t, RunKind kind, Integer version) {
        Map<String, String> env = new LinkedHashMap<>(t.env());
        env.put("DRIFTWATCH_RETRAIN_RUN", String.valueOf(run.id()));
        env.put(
                "DRIFTWATCH_TRIGGER_ALERT",
                run.triggerFingerprint() == null ? "" : run.triggerFingerprint());
        env.put(
                "DRIFTWATCH_CHAMPION_VERSION",
                run.championVersion() == null ? "" : String.valueOf(run.championVersion()));
        if (run.trainingRunId() != null) {
            env.put("DRIFTWATCH_TRAINING_RUN_ID", run.trainingRunId());
        }
        return RunSpec.builder("rr-" + run.id() + "-" + kind.wireName(), run.modelName(), kind)
                .modelVersion(version == null ? "" : String.valueOf(version))
                .image(t.image())
                .command(t.command())
                .env(env)
                .registry(trainerUrl, trainerToken)
                .dataWindow(run.dataWindowStart().toInstant(), run.dataWindowEnd().toInstant())
                .gpus(t.gpus())
                .cpu(t.cpu())
                .memory(t.memory())
                .deadline(t.deadline())
                .backoffLimit(t.backoffLimit())
                .nodeSelector(t.nodeSelector())
                .queueName(t.queue())
                .build();
    }

    /** Replaces the run's reservation with what its runs used (GPUs x elapsed time). */
    private void chargeMeasuredGpuHours(RetrainRun run) {
        RetrainPolicy p = policy(run.modelName()).orElse(null);
        if (p == null || backend == null) {
            return;
        }
        double used = 0;
        for (var pair :
                List.of(
                        Map.entry(run.trainingRunId(), p.training()),
                        Map.entry(run.validationRunId(), p.validation()))) {
            Optional<RunStatus> s =
                    pair.getKey() == null ? Optional.empty() : backend.status(pair.getKey());
            if (s.isEmpty() || s.get().startedAt() == null || s.get().finishedAt() == null) {
                return;
            }
            used +=
                    pair.getValue().gpus()
                            * Duration.between(s.get().startedAt(), s.get().finishedAt()).toMillis()
                            / 3_600_000.0;
        }
        double measured = used;
        jdbi.useExtension(RetrainDao.class, d -> d.setGpuHours(run.id(), measured));
    }

    private String lost(String runId) {
        return "RunLost: the "
                + (backend == null ? "" : backend.name() + " ")
                + "backend has no run "
                + runId
                + " (deleted, or the registry restarted while it ran on the local backend)";
    }

    private void stopBackendRuns(RetrainRun run) {
        if (backend == null) {
            return;
        }
        for (String id : new String[] {run.trainingRunId(), run.validationRunId()}) {
            if (id != null) {
                try {
                    backend.cancel(id);
                } catch (LaunchException e) {
                    LOG.warn("could not cancel backend run {}: {}", id, e.getMessage());
                }
            }
        }
    }

    private void waiting(RetrainRun run, String reason) {
        if (!reason.equals(run.waitingReason())) {
            jdbi.useExtension(RetrainDao.class, d -> d.setWaitingReason(run.id(), reason, now()));
            LOG.info("retrain run {} of {} waits: {}", run.id(), run.modelName(), reason);
        }
    }

    private void fail(RetrainRun run, String reason, String logTail) {
        jdbi.useTransaction(
                h -> {
                    RetrainDao dao = h.attach(RetrainDao.class);
                    RetrainRun locked = dao.lockRun(run.id()).orElseThrow();
                    if (locked.runState().isFinal()) {
                        return;
                    }
                    dao.setFailure(run.id(), reason, logTail == null ? "" : logTail);
                    transition(h, locked, RunState.FAILED, reason);
                });
        LOG.warn("retrain run {} of {} failed: {}", run.id(), run.modelName(), reason);
    }

    /**
     * Moves the run from {@code from} to {@code to}, or refuses when it is no longer in {@code
     * from}.
     */
    private void move(long id, RunState from, RunState to, String detail) {
        jdbi.useTransaction(
                h -> {
                    RetrainRun locked = h.attach(RetrainDao.class).lockRun(id).orElseThrow();
                    if (locked.runState() != from) {
                        throw RegistryException.invalid(
                                "Run "
                                        + id
                                        + " is "
                                        + locked.state()
                                        + " now, not "
                                        + from.wireName()
                                        + "; nothing was changed.");
                    }
                    transition(h, locked, to, detail);
                });
    }

    private void transition(Handle h, RetrainRun locked, RunState to, String detail) {
        RetrainDao dao = h.attach(RetrainDao.class);
        OffsetDateTime now = now();
        if (dao.moveState(locked.id(), locked.state(), to.wireName(), now) == 0) {
            throw RegistryException.invalid(
                    "Run " + locked.id() + " changed concurrently; nothing was changed.");
        }
        dao.insertTransition(
                locked.id(), locked.state(), to.wireName(), now, locked.cause(), detail);
        notifier.queue(h, locked, to, detail, now);
    }

    private Optional<RetrainPolicy> policy(String model) {
        return jdbi.withExtension(RetrainDao.class, d -> d.policy(model))
                .map(s -> RetrainPolicy.parse(read(s)));
    }

    private Integer champion(String model) {
        try {
            return registry.getByAlias(model, ModelRegistry.CHAMPION).row().version();
        } catch (RegistryException none) {
            return null;
        }
    }

    private OffsetDateTime now() {
        return Instant.now(clock).atOffset(ZoneOffset.UTC);
    }

    static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException("stored JSON is unreadable", e);
        }
    }
}
