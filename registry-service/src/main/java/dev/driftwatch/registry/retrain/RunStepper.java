package dev.driftwatch.registry.retrain;

import dev.driftwatch.launcher.RunKind;
import dev.driftwatch.launcher.RunPhase;
import dev.driftwatch.launcher.RunStatus;
import dev.driftwatch.registry.retrain.RetrainRuns.Charge;
import dev.driftwatch.registry.retrain.StepAction.Fail;
import dev.driftwatch.registry.retrain.StepAction.Idle;
import dev.driftwatch.registry.retrain.StepAction.Judge;
import dev.driftwatch.registry.retrain.StepAction.Launch;
import dev.driftwatch.registry.retrain.StepAction.Move;
import dev.driftwatch.registry.retrain.StepAction.Promote;
import dev.driftwatch.registry.retrain.StepAction.Wait;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The retraining loop's decisions as one pure function: from a run, what the loop observed of it
 * and the model's policy, the next {@link StepAction}. Training and validation are the same two
 * steps, parameterised by the part: launch it (when a backend and the policy exist, and for
 * training when the GPU budget allows), then follow its backend run to its end.
 *
 * <pre>{@code
 * StepAction a = RunStepper.next(run, new Observed("local", status, 1.5, now), policy, templates);
 * }</pre>
 */
final class RunStepper {
    /** The slack when comparing GPU-hours with the budget (floating-point sums). */
    static final double BUDGET_EPSILON = 1e-9;

    /**
     * What the loop saw of a run's surroundings.
     *
     * @param backend the training backend's name, or null when none is configured
     * @param status the backend's status of the run's current part, or null when it has none
     * @param gpuHoursUsedToday what the model's runs were charged today (UTC)
     * @param now the time of the observation
     */
    record Observed(String backend, RunStatus status, double gpuHoursUsedToday, Instant now) {}

    private RunStepper() {}

    /**
     * The next action for {@code run}; {@code policy} is null when the model's policy was deleted,
     * {@code templates} (the policy's run templates) null when they were not resolved.
     */
    static StepAction next(
            RetrainRun run,
            Observed seen,
            RetrainPolicy policy,
            RetrainPolicy.RunTemplates templates) {
        return switch (run.runState()) {
            case REQUESTED -> launch(RunKind.TRAINING, seen, policy, templates);
            case LAUNCHED, TRAINING -> follow(RunKind.TRAINING, run, seen, policy);
            case TRAINED -> launch(RunKind.VALIDATION, seen, policy, templates);
            case VALIDATING -> follow(RunKind.VALIDATION, run, seen, policy);
            case VALIDATED ->
                    policy != null && policy.manualApproval()
                            ? new Move(
                                    RunState.AWAITING_APPROVAL,
                                    "manual approval required by the policy",
                                    null)
                            : new Promote("approved automatically by the policy");
            // awaiting_approval waits for a person; final states are not stepped
            case AWAITING_APPROVAL, REJECTED, PROMOTED, FAILED, CANCELLED -> new Idle();
        };
    }

    private static StepAction launch(
            RunKind part,
            Observed seen,
            RetrainPolicy policy,
            RetrainPolicy.RunTemplates templates) {
        if (seen.backend() == null) {
            return new Wait("no training backend is configured");
        }
        if (policy == null) {
            return new Fail("NoPolicy: the model's retrain policy was deleted", "", null);
        }
        if (templates == null) {
            return new Fail(
                    "NoTemplate: the training templates the policy names could not be used",
                    "",
                    null);
        }
        if (part == RunKind.TRAINING) {
            double need = templates.maxGpuHoursPerRun();
            if (seen.gpuHoursUsedToday() + need > policy.gpuHoursPerDay() + BUDGET_EPSILON) {
                return new Wait(
                        String.format(
                                Locale.ROOT,
                                "GPU budget: %.2f of %.2f GPU-hours used today (UTC); this run"
                                        + " may use up to %.2f (training + validation GPUs x"
                                        + " deadline)",
                                seen.gpuHoursUsedToday(),
                                policy.gpuHoursPerDay(),
                                need));
            }
        }
        return new Launch(part);
    }

    private static StepAction follow(
            RunKind part, RetrainRun run, Observed seen, RetrainPolicy policy) {
        RunStatus s = seen.status();
        if (s == null) {
            // nothing could be measured: the part keeps its reservation
            return new Fail(lost(seen.backend(), run.currentBackendRunId()), "", null);
        }
        if (run.runState() == RunState.LAUNCHED && s.phase() != RunPhase.PENDING) {
            return new Move(RunState.TRAINING, "training started at " + s.startedAt(), null);
        }
        if (!s.finished()) {
            return new Idle();
        }
        Charge used = new Charge(part, s.gpuHours(seen.now()));
        if (s.phase() == RunPhase.FAILED) {
            return new Fail(
                    part.wireName()
                            + " failed: "
                            + s.reason()
                            + (s.message().isEmpty() ? "" : " (" + s.message() + ")"),
                    s.logTail(),
                    used);
        }
        return part == RunKind.TRAINING ? trained(run, s, used) : judge(run, policy, used);
    }

    private static StepAction trained(RetrainRun run, RunStatus s, Charge used) {
        if (run.candidateVersion() == null) {
            return new Fail(
                    "NoCandidate: the training run succeeded without reporting a candidate"
                            + " (POST /api/v1/retrain-runs/"
                            + run.id()
                            + "/candidate)",
                    "",
                    used);
        }
        return new Move(
                RunState.TRAINED,
                "candidate version " + run.candidateVersion() + " finished at " + s.finishedAt(),
                used);
    }

    private static StepAction judge(RetrainRun run, RetrainPolicy policy, Charge used) {
        if (run.validationMetrics() == null) {
            return new Fail(
                    "NoValidationMetrics: the validation run succeeded without reporting metrics"
                            + " (POST /api/v1/retrain-runs/"
                            + run.id()
                            + "/validation-metrics)",
                    "",
                    used);
        }
        ValidationReport report =
                ValidationReport.parse(RetrainPolicies.read(run.validationMetrics()));
        List<GateResult> results = new ArrayList<>();
        if (policy != null) {
            policy.gates().forEach(g -> results.add(g.evaluate(report)));
        }
        List<String> failed =
                results.stream()
                        .filter(r -> !r.passed())
                        .map(r -> r.gate() + " " + r.metric() + ": " + r.detail())
                        .toList();
        return failed.isEmpty()
                ? new Judge(results, RunState.VALIDATED, results.size() + " gate(s) passed", used)
                : new Judge(
                        results,
                        RunState.REJECTED,
                        "gate(s) failed: " + String.join("; ", failed),
                        used);
    }

    private static String lost(String backend, String backendRunId) {
        return "RunLost: the "
                + (backend == null ? "" : backend + " ")
                + "backend has no run "
                + backendRunId
                + " (deleted, or the registry restarted while it ran on the local backend)";
    }
}
