package dev.driftwatch.registry.retrain;

import dev.driftwatch.registry.model.ModelRegistry;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Promotes a run's candidate: {@code champion} moves to it (publishing its reference profile, see
 * {@link ModelRegistry#promote}), then the run moves to {@code promoted}. Used by the loop
 * (automatic approval) and by an approver.
 */
final class Promotion {
    private static final Logger LOG = LoggerFactory.getLogger(Promotion.class);

    private final ModelRegistry registry;
    private final RetrainRuns runs;

    Promotion(ModelRegistry registry, RetrainRuns runs) {
        this.registry = registry;
        this.runs = runs;
    }

    /**
     * @param from the state the run must be in (validated, or awaiting_approval)
     * @param cause who decided: null for the policy (what caused the run), else a person
     * @param how the decision in words ("approved by ...")
     */
    void promote(RetrainRun run, RunState from, String cause, String how) {
        from.requireMove(run.id(), RunState.PROMOTED);
        int replaced = registry.promote(run.modelName(), String.valueOf(run.candidateVersion()));
        runs.move(
                run.id(),
                Set.of(from),
                RunState.PROMOTED,
                cause,
                how
                        + "; champion moved from "
                        + (replaced == 0 ? "none" : "version " + replaced)
                        + " to version "
                        + run.candidateVersion(),
                null);
        LOG.info(
                "promoted {} version {} (retrain run {})",
                run.modelName(),
                run.candidateVersion(),
                run.id());
    }
}
