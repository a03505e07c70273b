package dev.driftwatch.registry.retrain;

import dev.driftwatch.core.alert.Alert;
import dev.driftwatch.core.alert.AlertLabels;
import dev.driftwatch.registry.ErrorCode;
import dev.driftwatch.registry.RegistryException;
import dev.driftwatch.registry.alert.FiringAlertListener;
import dev.driftwatch.registry.auth.AccessToken;
import dev.driftwatch.registry.model.ModelRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where runs come from: a firing alert that the model's policy matches (decided by {@link
 * TriggerRule}, recorded in {@code retrain_triggers} whatever the outcome), or a request by hand
 * (no cooldown or dedup; still one active run per model). The policy's row lock serialises the
 * requests of one model. Without a training backend a request by hand is refused (nothing could run
 * it); runs that alerts request are recorded and wait for one.
 *
 * <pre>{@code
 * AlertIntake intake = new AlertIntake(jdbi, clock, dispatcher::wakeUp, requests);
 * RetrainRun run = requests.request("fraud", token);
 * }</pre>
 */
public final class RunRequests implements FiringAlertListener {
    private static final Logger LOG = LoggerFactory.getLogger(RunRequests.class);

    private final Clock clock;
    private final Jdbi jdbi;
    private final ModelRegistry registry;
    private final RetrainRuns runs;
    private final Runnable requested;
    private final boolean hasBackend;

    /**
     * {@code requested} is called after a new run committed (wakes the loop); {@code hasBackend}:
     * whether a training backend can run what is requested.
     */
    RunRequests(
            Jdbi jdbi,
            Clock clock,
            ModelRegistry registry,
            RetrainRuns runs,
            Runnable requested,
            boolean hasBackend) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.registry = registry;
        this.runs = runs;
        this.requested = requested;
        this.hasBackend = hasBackend;
    }

    @Override
    public void firing(Handle h, long alertId, Alert a) {
        String model = a.label(AlertLabels.MODEL_NAME);
        if (model == null || model.isEmpty()) {
            return;
        }
        Optional<RetrainPolicy> policy = RetrainPolicies.lock(h, model);
        if (policy.isEmpty() || !policy.get().matches(a)) {
            return;
        }
        RetrainDao dao = h.attach(RetrainDao.class);
        OffsetDateTime now = now();
        String fp = a.fingerprint();
        Optional<RetrainRun> active = dao.activeFor(model);
        TriggerRule.Outcome outcome =
                TriggerRule.decide(
                        policy.get(),
                        now.toInstant(),
                        dao.lastRequestedBy(fp, model).map(OffsetDateTime::toInstant),
                        active.isPresent(),
                        dao.lastRequestedAt(model).map(OffsetDateTime::toInstant));
        Long runId = active.map(RetrainRun::id).orElse(null);
        if (outcome == TriggerRule.Outcome.REQUESTED) {
            runId =
                    newRun(
                            h,
                            model,
                            policy.get(),
                            alertId,
                            fp,
                            "alert",
                            "alert "
                                    + a.label(AlertLabels.ALERTNAME)
                                    + " ("
                                    + a.label(AlertLabels.SEVERITY)
                                    + ") on "
                                    + model
                                    + " "
                                    + a.label(AlertLabels.METRIC)
                                    + " "
                                    + a.label(AlertLabels.FEATURE));
            h.afterCommit(requested);
            LOG.info("alert {} requested retrain run {} of {}", fp, runId, model);
        } else {
            LOG.info("alert {} on {} did not request a run: {}", fp, model, outcome.wireName());
        }
        dao.insertTrigger(
                new TriggerDecision(
                        0,
                        alertId,
                        fp,
                        model,
                        outcome.wireName(),
                        outcome == TriggerRule.Outcome.REQUESTED
                                        || outcome == TriggerRule.Outcome.ACTIVE_RUN
                                ? runId
                                : null,
                        now));
    }

    /**
     * A run requested by hand by {@code by}.
     *
     * @throws RunStateConflict when the model already has an active run
     * @throws RegistryException 409 when the registry has no training backend
     */
    public RetrainRun request(String model, AccessToken by) {
        registry.getModel(model);
        if (!hasBackend) {
            throw new RegistryException(
                    ErrorCode.INVALID_STATE,
                    "This registry has no training backend, so a run of "
                            + model
                            + " could not start; start the registry with --training-backend"
                            + " local or kubernetes.");
        }
        long id =
                jdbi.inTransaction(
                        h -> {
                            RetrainPolicy policy =
                                    RetrainPolicies.lock(h, model)
                                            .orElseThrow(
                                                    () ->
                                                            RegistryException.invalid(
                                                                    "Model "
                                                                            + model
                                                                            + " has no retrain"
                                                                            + " policy; PUT"
                                                                            + " /api/v1/models/"
                                                                            + model
                                                                            + "/retrain-policy"
                                                                            + " first."));
                            Optional<RetrainRun> active =
                                    h.attach(RetrainDao.class).activeFor(model);
                            if (active.isPresent()) {
                                throw new RunStateConflict(
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
        requested.run();
        return runs.get(id);
    }

    private long newRun(
            Handle h,
            String model,
            RetrainPolicy policy,
            Long alertId,
            String fingerprint,
            String requestedBy,
            String detail) {
        OffsetDateTime now = now();
        return runs.create(
                h,
                RetrainRun.requested(
                        model,
                        alertId,
                        fingerprint,
                        requestedBy,
                        champion(model),
                        now.minus(policy.dataWindow()),
                        now,
                        now),
                detail);
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
}
