package dev.driftwatch.registry.retrain;

import dev.driftwatch.registry.auth.RunTokens;
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
 * RetrainPolicies} holds the policies and {@link TrainingTemplates} what runs execute. Each part of
 * a run gets a token of its own ({@link RunTokens}) when it is launched.
 *
 * <pre>{@code
 * Retraining retraining = new Retraining(jdbi, clock, registry, runTokens, settings, dispatcher::wakeUp);
 * AlertIntake intake = new AlertIntake(jdbi, clock, dispatcher::wakeUp, retraining.requests());
 * retraining.start(serverUrl);
 * }</pre>
 */
public final class Retraining implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Retraining.class);

    private final RetrainSettings settings;
    private final TrainingTemplates templates;
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
            RunTokens runTokens,
            RetrainSettings settings,
            Runnable notificationsQueued) {
        this.settings = settings;
        this.templates = new TrainingTemplates(jdbi, clock);
        this.policies = new RetrainPolicies(jdbi, clock, registry, templates);
        this.runs = new RetrainRuns(jdbi, clock, new RetrainNotifier(notificationsQueued));
        Promotion promotion = new Promotion(registry, runs);
        this.loop =
                new RetrainLoop(
                        runs, policies, templates, runTokens, promotion, settings.backend(), clock);
        this.requests =
                new RunRequests(
                        jdbi, clock, registry, runs, loop::wakeUp, settings.backend() != null);
        this.reports = new TrainerReports(runs, policies, registry, loop::wakeUp);
        this.decisions = new RunDecisions(runs, promotion, loop);
    }

    /**
     * Stores the configured templates and starts stepping runs; {@code serverUrl} is given to
     * trainers unless the settings name another URL.
     */
    public void start(String serverUrl) {
        templates.configure(settings.templates());
        String url =
                settings.trainerRegistryUrl() != null ? settings.trainerRegistryUrl() : serverUrl;
        loop.start(new RunSpecs(url), settings.pollInterval());
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

    public TrainingTemplates templates() {
        return templates;
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
