package dev.driftwatch.registry.retrain;

import dev.driftwatch.launcher.RegistryToken;
import dev.driftwatch.registry.auth.Role;
import dev.driftwatch.registry.auth.TokenStore;
import dev.driftwatch.registry.model.ModelRegistry;
import java.time.Clock;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The retraining loop, wired: a firing alert that matches a model's policy requests a run ({@link
 * RunRequests}); runs wait for the model's GPU-hour budget, then a training and a validation part
 * execute on the {@link dev.driftwatch.launcher.TrainingBackend} ({@link RetrainLoop}, deciding
 * with {@link RunStepper}); trainers report the candidate and the holdout metrics ({@link
 * TrainerReports}); gates judge the candidate, which is promoted automatically or by an approver
 * ({@link RunDecisions}). {@link RetrainRuns} is the only writer of run state; {@link
 * RetrainPolicies} holds the policies.
 *
 * <pre>{@code
 * Retraining retraining = new Retraining(jdbi, clock, registry, tokens, settings, dispatcher::wakeUp);
 * AlertIntake intake = new AlertIntake(jdbi, clock, dispatcher::wakeUp, retraining.requests());
 * retraining.start(serverUrl);
 * }</pre>
 */
public final class Retraining implements AutoCloseable {
    /** The operator token issued for trainers when none is configured. */
    public static final String TRAINER_TOKEN_NAME = "retrain-trainer";

    private static final Logger LOG = LoggerFactory.getLogger(Retraining.class);

    private final TokenStore tokens;
    private final RetrainSettings settings;
    private final RetrainPolicies policies;
    private final RetrainRuns runs;
    private final RetrainLoop loop;
    private final RunRequests requests;
    private final TrainerReports reports;
    private final RunDecisions decisions;

    /**
     * @param notificationsQueued called when a run's change queued notifications (see {@link
     *     RetrainNotifier}), e.g. {@code dispatcher::wakeUp}
     */
    public Retraining(
            Jdbi jdbi,
            Clock clock,
            ModelRegistry registry,
            TokenStore tokens,
            RetrainSettings settings,
            Runnable notificationsQueued) {
        this.tokens = tokens;
        this.settings = settings;
        this.policies = new RetrainPolicies(jdbi, clock, registry);
        this.runs = new RetrainRuns(jdbi, clock, new RetrainNotifier(notificationsQueued));
        Promotion promotion = new Promotion(registry, runs);
        this.loop = new RetrainLoop(runs, policies, promotion, settings.backend(), clock);
        this.requests = new RunRequests(jdbi, clock, registry, runs, loop::wakeUp);
        this.reports = new TrainerReports(runs, policies, registry, loop::wakeUp);
        this.decisions = new RunDecisions(runs, promotion, loop);
    }

    /**
     * Starts stepping runs; {@code serverUrl} is given to trainers unless the settings name another
     * URL. Without a configured trainer token an operator token named {@value #TRAINER_TOKEN_NAME}
     * is issued (replacing the previous one).
     */
    public void start(String serverUrl) {
        String url =
                settings.trainerRegistryUrl() != null ? settings.trainerRegistryUrl() : serverUrl;
        RegistryToken token = settings.trainerToken();
        if (token == null && settings.backend() != null) {
            tokens.list().stream()
                    .filter(t -> t.name().equals(TRAINER_TOKEN_NAME))
                    .forEach(t -> tokens.revoke(t.id()));
            token = RegistryToken.of(tokens.issue(TRAINER_TOKEN_NAME, Role.OPERATOR).secret());
        }
        loop.start(new RunSpecs(url, token), settings.pollInterval());
        LOG.info(
                "retraining {} (poll every {} ms)",
                loop.backendName() == null
                        ? "has no training backend"
                        : "runs on the " + loop.backendName() + " backend",
                settings.pollInterval().toMillis());
    }

    public RetrainPolicies policies() {
        return policies;
    }

    public RetrainRuns runs() {
        return runs;
    }

    /** Run requests; also the alert intake's listener for firing alerts. */
    public RunRequests requests() {
        return requests;
    }

    public TrainerReports reports() {
        return reports;
    }

    public RunDecisions decisions() {
        return decisions;
    }

    /** Steps every active run now, on the caller's thread (tests). */
    public void stepAll() {
        loop.stepAll();
    }

    @Override
    public void close() {
        loop.close();
    }
}
