package dev.driftwatch.registry.retrain;

import com.fasterxml.jackson.databind.JsonNode;
import dev.driftwatch.registry.JsonFields;
import dev.driftwatch.registry.auth.AccessToken;
import java.util.Set;

/**
 * What people decide about runs: approve or reject a run awaiting approval, cancel an active run.
 * The transition's cause names the person ({@code token:<token name>}); the detail says what they
 * did. A cancelled run is charged what its current part used until then.
 *
 * <pre>{@code
 * decisions.approve(7, token);           // awaiting_approval → promoted, cause token:alice
 * }</pre>
 */
public final class RunDecisions {
    private static final Set<String> NO_FIELDS = Set.of();
    private static final Set<String> REJECT_FIELDS = Set.of("reason");

    private final RetrainRuns runs;
    private final Promotion promotion;
    private final RetrainLoop loop;

    RunDecisions(RetrainRuns runs, Promotion promotion, RetrainLoop loop) {
        this.runs = runs;
        this.promotion = promotion;
        this.loop = loop;
    }

    /** The cause recorded for a person's decision. */
    static String cause(AccessToken by) {
        return "token:" + by.name();
    }

    /**
     * Promotes a run awaiting approval; {@code body} may be empty (null) or {@code {}}.
     *
     * @throws RunStateConflict unless the run is awaiting approval
     */
    public RetrainRun approve(long id, AccessToken by, JsonNode body) {
        JsonFields.ofOptional(body, NO_FIELDS);
        RetrainRun run = awaitingApproval(id, "approved");
        promotion.promote(run, RunState.AWAITING_APPROVAL, cause(by), "approved by " + by.name());
        return runs.get(id);
    }

    /**
     * Rejects a run awaiting approval, with an optional {@code {"reason": "..."}}.
     *
     * @throws RunStateConflict unless the run is awaiting approval
     */
    public RetrainRun reject(long id, AccessToken by, JsonNode body) {
        String reason = JsonFields.ofOptional(body, REJECT_FIELDS).optText("reason");
        awaitingApproval(id, "rejected");
        runs.move(
                id,
                Set.of(RunState.AWAITING_APPROVAL),
                RunState.REJECTED,
                cause(by),
                "rejected by "
                        + by.name()
                        + (reason == null || reason.isBlank() ? "" : ": " + reason),
                null);
        return runs.get(id);
    }

    /**
     * Cancels an active run and stops its backend runs.
     *
     * @throws RunStateConflict when the run is final already
     */
    public RetrainRun cancel(long id, AccessToken by, JsonNode body) {
        JsonFields.ofOptional(body, NO_FIELDS);
        RetrainRun run = runs.get(id);
        if (run.runState().isFinal()) {
            throw new RunStateConflict(
                    "Run "
                            + id
                            + " is "
                            + run.state()
                            + " already; only an active run can be cancelled.");
        }
        runs.move(
                id,
                null,
                RunState.CANCELLED,
                cause(by),
                "cancelled by " + by.name(),
                loop.usedSoFar(run));
        loop.stopBackendRuns(run);
        return runs.get(id);
    }

    private RetrainRun awaitingApproval(long id, String verb) {
        RetrainRun run = runs.get(id);
        RetrainRuns.requireIn(
                run,
                Set.of(RunState.AWAITING_APPROVAL),
                "only a run awaiting_approval can be " + verb);
        return run;
    }
}
