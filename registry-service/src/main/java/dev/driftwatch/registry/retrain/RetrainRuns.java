package dev.driftwatch.registry.retrain;

import dev.driftwatch.launcher.RunKind;
import dev.driftwatch.registry.RegistryException;
import dev.driftwatch.registry.auth.RunTokenDao;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The retrain runs, and the only writer of their state. Every change locks the run's row, checks
 * the move against {@link RunState}'s table ({@link RunStateConflict} otherwise), writes the new
 * state with a row of {@code retrain_transitions} (time, cause, detail) and queues the change's
 * notifications, all in one transaction.
 *
 * <pre>{@code
 * RetrainRun run = runs.get(7);
 * runs.move(7, RunState.VALIDATED, RunState.AWAITING_APPROVAL, run.cause(), "manual approval", null);
 * }</pre>
 */
public final class RetrainRuns {
    private static final Logger LOG = LoggerFactory.getLogger(RetrainRuns.class);

    /** What a finished part of a run used, to replace its reservation. */
    record Charge(RunKind part, double gpuHours) {}

    private final Jdbi jdbi;
    private final Clock clock;
    private final RetrainNotifier notifier;

    RetrainRuns(Jdbi jdbi, Clock clock, RetrainNotifier notifier) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.notifier = notifier;
    }

    // ---- reads ----

    public RetrainRun get(long id) {
        return jdbi.withExtension(RetrainDao.class, d -> d.run(id))
                .orElseThrow(
                        () -> RegistryException.notFound("No retrain run with id " + id + "."));
    }

    public List<RetrainRun> list(String model, String state, int limit) {
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

    List<RetrainRun> active() {
        return jdbi.withExtension(RetrainDao.class, RetrainDao::active);
    }

    /** GPU-hours charged today (UTC) to the model's runs. */
    double gpuHoursUsedToday(String model) {
        OffsetDateTime dayStart = now().truncatedTo(ChronoUnit.DAYS);
        return jdbi.withExtension(RetrainDao.class, d -> d.gpuHoursSince(model, dayStart));
    }

    // ---- writes ----

    /** Inserts a new run in {@code requested} with its first transition, in {@code h}. */
    long create(Handle h, RetrainRun requested, String detail) {
        RetrainDao dao = h.attach(RetrainDao.class);
        long id = dao.insertRun(requested);
        dao.insertTransition(
                new Transition(
                        0,
                        id,
                        null,
                        RunState.REQUESTED.wireName(),
                        requested.createdAt(),
                        requested.cause(),
                        detail));
        return id;
    }

    /**
     * Moves run {@code id} from {@code from} (null: whatever active state it is in) to {@code to},
     * first replacing a finished part's reservation with {@code charge} (may be null).
     *
     * @throws RunStateConflict when the run is not in {@code from} or may not move to {@code to}
     */
    void move(
            long id, Set<RunState> from, RunState to, String cause, String detail, Charge charge) {
        jdbi.useTransaction(
                h -> {
                    RetrainRun locked = lock(h, id);
                    if (from != null && !from.contains(locked.runState())) {
                        throw new RunStateConflict(
                                "Run "
                                        + id
                                        + " is "
                                        + locked.state()
                                        + " now, not "
                                        + String.join(
                                                " or ",
                                                from.stream().map(RunState::wireName).toList())
                                        + "; nothing was changed.");
                    }
                    charge(h, id, charge);
                    transition(h, locked, to, cause, detail);
                });
    }

    /** {@link #move} from exactly {@code from}, caused by what caused the run. */
    void move(long id, RunState from, RunState to, String detail, Charge charge) {
        move(id, Set.of(from), to, null, detail, charge);
    }

    /**
     * Records that a part was launched as backend run {@code backendRunId} and moves the run on
     * (training: requested → launched, reserving both parts; validation: trained → validating).
     * Returns false, changing nothing, when the run is no longer where the launch started.
     */
    boolean launched(
            long id,
            RunKind part,
            String backend,
            String backendRunId,
            RetrainPolicy.RunTemplates templates,
            String detail) {
        RunState from = part == RunKind.TRAINING ? RunState.REQUESTED : RunState.TRAINED;
        RunState to = part == RunKind.TRAINING ? RunState.LAUNCHED : RunState.VALIDATING;
        return jdbi.inTransaction(
                h -> {
                    RetrainDao dao = h.attach(RetrainDao.class);
                    RetrainRun locked = lock(h, id);
                    if (locked.runState() != from) {
                        return false;
                    }
                    if (part == RunKind.TRAINING) {
                        dao.setTrainingLaunched(
                                id,
                                backend,
                                backendRunId,
                                templates.training().maxGpuHours(),
                                templates.validation().maxGpuHours(),
                                now());
                    } else {
                        dao.setValidationLaunched(
                                id, backendRunId, templates.validation().maxGpuHours());
                    }
                    transition(h, locked, to, null, detail);
                    return true;
                });
    }

    /** Fails an active run with its reason and log tail; nothing when it is final already. */
    void fail(long id, String reason, String logTail, Charge charge) {
        boolean failed =
                jdbi.inTransaction(
                        h -> {
                            RetrainRun locked = lock(h, id);
                            if (locked.runState().isFinal()) {
                                return false;
                            }
                            charge(h, id, charge);
                            h.attach(RetrainDao.class)
                                    .setFailure(id, reason, logTail == null ? "" : logTail);
                            transition(h, locked, RunState.FAILED, null, reason);
                            return true;
                        });
        if (failed) {
            LOG.warn("retrain run {} failed: {}", id, reason);
        }
    }

    /**
     * Records the gates' verdicts on a validating run and moves it to {@code to} (validated or
     * rejected).
     */
    void judged(long id, List<GateResult> results, RunState to, String detail, Charge charge) {
        jdbi.useTransaction(
                h -> {
                    RetrainRun locked = lock(h, id);
                    if (locked.runState() != RunState.VALIDATING) {
                        throw new RunStateConflict(
                                "Run " + id + " is " + locked.state() + " now, not validating.");
                    }
                    charge(h, id, charge);
                    RetrainDao dao = h.attach(RetrainDao.class);
                    OffsetDateTime now = now();
                    results.forEach(r -> dao.upsertGate(id, r, now));
                    transition(h, locked, to, null, detail);
                });
    }

    /** Says why a requested run waits (budget, no backend); logged when the reason changes. */
    void waiting(RetrainRun run, String reason) {
        if (!reason.equals(run.waitingReason())
                && jdbi.withExtension(
                                RetrainDao.class, d -> d.setWaitingReason(run.id(), reason, now()))
                        > 0) {
            LOG.info("retrain run {} of {} waits: {}", run.id(), run.modelName(), reason);
        }
    }

    /**
     * Records the trainer's candidate version and training metrics.
     *
     * @throws RunStateConflict unless the run is launched or training
     */
    void candidate(long id, int version, String metricsJson) {
        jdbi.useTransaction(
                h -> {
                    requireIn(
                            lock(h, id),
                            CANDIDATE_STATES,
                            "a candidate is reported while training");
                    h.attach(RetrainDao.class).setCandidate(id, version, metricsJson, now());
                });
    }

    /**
     * Records the validation run's report.
     *
     * @throws RunStateConflict unless the run is validating
     */
    void validationMetrics(long id, String reportJson) {
        jdbi.useTransaction(
                h -> {
                    requireIn(
                            lock(h, id),
                            Set.of(RunState.VALIDATING),
                            "validation metrics are reported while validating");
                    h.attach(RetrainDao.class).setValidationMetrics(id, reportJson, now());
                });
    }

    /** The states in which a training run may report its candidate. */
    static final Set<RunState> CANDIDATE_STATES = Set.of(RunState.LAUNCHED, RunState.TRAINING);

    /**
     * @throws RunStateConflict "Run 7 is {state}; {when}." unless {@code run} is in {@code states}
     */
    static void requireIn(RetrainRun run, Set<RunState> states, String when) {
        if (!states.contains(run.runState())) {
            throw new RunStateConflict(
                    "Run " + run.id() + " is " + run.state() + "; " + when + ".");
        }
    }

    private static RetrainRun lock(Handle h, long id) {
        return h.attach(RetrainDao.class)
                .lockRun(id)
                .orElseThrow(
                        () -> RegistryException.notFound("No retrain run with id " + id + "."));
    }

    private static void charge(Handle h, long id, Charge charge) {
        if (charge == null) {
            return;
        }
        RetrainDao dao = h.attach(RetrainDao.class);
        if (charge.part() == RunKind.TRAINING) {
            dao.chargeTraining(id, charge.gpuHours());
        } else {
            dao.chargeValidation(id, charge.gpuHours());
        }
    }

    /** The one place a run's state changes; {@code cause} null: what caused the run. */
    private void transition(Handle h, RetrainRun locked, RunState to, String cause, String detail) {
        locked.runState().requireMove(locked.id(), to);
        RetrainDao dao = h.attach(RetrainDao.class);
        OffsetDateTime now = now();
        if (dao.moveState(locked.id(), locked.state(), to.wireName(), now) == 0) {
            throw new RunStateConflict(
                    "Run " + locked.id() + " changed concurrently; nothing was changed.");
        }
        dao.insertTransition(
                new Transition(
                        0,
                        locked.id(),
                        locked.state(),
                        to.wireName(),
                        now,
                        cause != null ? cause : locked.cause(),
                        detail));
        if (to.isFinal()) {
            // the run's tokens expire with it
            h.attach(RunTokenDao.class).deleteOfRun(locked.id());
        }
        notifier.queue(h, locked, to, detail, now);
    }

    private OffsetDateTime now() {
        return Instant.now(clock).atOffset(ZoneOffset.UTC);
    }
}
