package dev.driftwatch.registry.retrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.driftwatch.launcher.RunKind;
import dev.driftwatch.launcher.RunPhase;
import dev.driftwatch.launcher.RunStatus;
import dev.driftwatch.registry.retrain.RunStepper.Observed;
import dev.driftwatch.registry.retrain.StepAction.Fail;
import dev.driftwatch.registry.retrain.StepAction.Idle;
import dev.driftwatch.registry.retrain.StepAction.Judge;
import dev.driftwatch.registry.retrain.StepAction.Launch;
import dev.driftwatch.registry.retrain.StepAction.Move;
import dev.driftwatch.registry.retrain.StepAction.Promote;
import dev.driftwatch.registry.retrain.StepAction.Wait;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The loop's decisions, one state and observation at a time, without a database or backend. */
class RunStepperTest {
    static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");
    static final ObjectMapper JSON = new ObjectMapper();

    static RetrainPolicy policy(String approval, double gpuHoursPerDay) throws Exception {
        return RetrainPolicy.parse(
                JSON.readTree(
                        """
                        {"triggers": [{"alertname": "FeatureDrift"}], "approval": "%s",
                         "gpu_hours_per_day": %s,
                         "training": {"template": "t"},
                         "validation": {"template": "v"},
                         "gates": [{"type": "min_vs_champion", "metric": "roc_auc",
                                    "tolerance": 0.01}]}
                        """
                                .formatted(approval, gpuHoursPerDay)));
    }

    /** Templates t (2 GPUs, 1 h) and v (no GPU, 30 min), as the policy's parts resolve them. */
    static final RetrainPolicy.RunTemplates TEMPLATES =
            new RetrainPolicy.RunTemplates(
                    TrainingTemplate.builder("t")
                            .command(List.of("t"))
                            .gpus(2)
                            .deadline(Duration.ofHours(1))
                            .build()
                            .apply(Map.of(), "training.parameters"),
                    TrainingTemplate.builder("v")
                            .command(List.of("v"))
                            .deadline(Duration.ofMinutes(30))
                            .build()
                            .apply(Map.of(), "validation.parameters"));

    /** The stepper's next action with the policy's templates resolved (none without a policy). */
    static StepAction next(RetrainRun run, Observed seen, RetrainPolicy policy) {
        return RunStepper.next(run, seen, policy, policy == null ? null : TEMPLATES);
    }

    /** A run of fraud in {@code state}, as the loop reads it from the database. */
    static RetrainRun run(
            RunState state,
            String trainingRunId,
            String validationRunId,
            Integer candidate,
            String validationMetrics) {
        OffsetDateTime t = NOW.atOffset(ZoneOffset.UTC);
        return new RetrainRun(
                7,
                "fraud",
                state.wireName(),
                3L,
                "5caa5447f3511a27",
                "alert",
                1,
                candidate,
                t.minusDays(7),
                t,
                "local",
                trainingRunId,
                validationRunId,
                0,
                null,
                null,
                null,
                null,
                null,
                null,
                validationMetrics,
                t,
                t,
                null,
                null);
    }

    static RunStatus status(RunKind kind, RunPhase phase, Instant start, Instant end) {
        return new RunStatus(
                "rr-7-" + kind.wireName(),
                "fraud",
                kind,
                kind == RunKind.TRAINING ? 2 : 0,
                phase,
                phase == RunPhase.FAILED ? "BackoffLimitExceeded" : "",
                phase == RunPhase.FAILED ? "exit code 3" : "",
                start,
                end,
                phase == RunPhase.FAILED ? "loss exploded" : "");
    }

    static Observed seen(RunStatus s) {
        return new Observed("local", s, 0, NOW);
    }

    @Test
    void aRequestedRunLaunchesItsTrainingWhenTheBudgetAllows() throws Exception {
        RetrainRun r = run(RunState.REQUESTED, null, null, null, null);
        assertThat(next(r, seen(null), policy("automatic", 8)))
                .isEqualTo(new Launch(RunKind.TRAINING));
        // 2 GPUs x 1 h + 0 x 30 min = 2.0 GPU-hours may be used; 6.5 already were
        StepAction overBudget =
                next(r, new Observed("local", null, 6.5, NOW), policy("automatic", 8));
        assertThat(overBudget).isInstanceOf(Wait.class);
        assertThat(((Wait) overBudget).reason())
                .contains("GPU budget", "6.50 of 8.00 GPU-hours used today", "up to 2.00");
        assertThat(next(r, new Observed("local", null, 6.0, NOW), policy("automatic", 8)))
                .as("exactly at the budget")
                .isEqualTo(new Launch(RunKind.TRAINING));
    }

    @Test
    void withoutABackendOrAPolicyNothingLaunches() throws Exception {
        RetrainRun r = run(RunState.REQUESTED, null, null, null, null);
        assertThat(next(r, new Observed(null, null, 0, NOW), policy("automatic", 8)))
                .isEqualTo(new Wait("no training backend is configured"));
        assertThat(next(r, seen(null), null))
                .isInstanceOf(Fail.class)
                .extracting(a -> ((Fail) a).reason())
                .asString()
                .startsWith("NoPolicy");
        assertThat(
                        next(
                                run(RunState.TRAINED, "rr-7-training", null, 2, null),
                                seen(null),
                                policy("automatic", 8)))
                .isEqualTo(new Launch(RunKind.VALIDATION));
    }

    @Test
    void aLaunchedRunMovesToTrainingOnceItsPodRuns() throws Exception {
        RetrainRun r = run(RunState.LAUNCHED, "rr-7-training", null, null, null);
        RetrainPolicy p = policy("automatic", 8);
        assertThat(next(r, seen(status(RunKind.TRAINING, RunPhase.PENDING, null, null)), p))
                .isEqualTo(new Idle());
        StepAction started =
                next(r, seen(status(RunKind.TRAINING, RunPhase.RUNNING, NOW, null)), p);
        assertThat(started).isInstanceOf(Move.class);
        assertThat(((Move) started).to()).isEqualTo(RunState.TRAINING);
        assertThat(((Move) started).charge()).isNull();
    }

    @Test
    void aFastFailureIsChargedWhatItRanNotItsReservation() throws Exception {
        RetrainRun r = run(RunState.TRAINING, "rr-7-training", null, null, null);
        StepAction a =
                next(
                        r,
                        seen(status(RunKind.TRAINING, RunPhase.FAILED, NOW.minusMillis(500), NOW)),
                        policy("automatic", 8));
        assertThat(a).isInstanceOf(Fail.class);
        Fail f = (Fail) a;
        assertThat(f.reason()).isEqualTo("training failed: BackoffLimitExceeded (exit code 3)");
        assertThat(f.logTail()).isEqualTo("loss exploded");
        assertThat(f.charge().part()).isEqualTo(RunKind.TRAINING);
        // 2 GPUs x 0.5 s
        assertThat(f.charge().gpuHours()).isCloseTo(2 * 0.5 / 3600, within(1e-15));
    }

    @Test
    void aLostBackendRunFailsTheRunAndKeepsItsReservation() throws Exception {
        StepAction a =
                next(
                        run(RunState.TRAINING, "rr-7-training", null, null, null),
                        seen(null),
                        policy("automatic", 8));
        assertThat(a).isInstanceOf(Fail.class);
        assertThat(((Fail) a).reason())
                .startsWith("RunLost: the local backend has no run rr-7-training");
        assertThat(((Fail) a).charge()).isNull();
    }

    @Test
    void aSucceededTrainingNeedsItsCandidate() throws Exception {
        RunStatus done = status(RunKind.TRAINING, RunPhase.SUCCEEDED, NOW.minusSeconds(1800), NOW);
        RetrainPolicy p = policy("automatic", 8);
        StepAction none =
                next(run(RunState.TRAINING, "rr-7-training", null, null, null), seen(done), p);
        assertThat(((Fail) none).reason()).startsWith("NoCandidate");
        assertThat(((Fail) none).charge().gpuHours()).isEqualTo(1.0);
        StepAction trained =
                next(run(RunState.TRAINING, "rr-7-training", null, 2, null), seen(done), p);
        assertThat(trained)
                .isEqualTo(
                        new Move(
                                RunState.TRAINED,
                                "candidate version 2 finished at " + NOW,
                                new RetrainRuns.Charge(RunKind.TRAINING, 1.0)));
    }

    @Test
    void aSucceededValidationIsJudgedByTheGates() throws Exception {
        RunStatus done = status(RunKind.VALIDATION, RunPhase.SUCCEEDED, NOW.minusSeconds(60), NOW);
        RetrainPolicy p = policy("automatic", 8);
        StepAction pass =
                next(
                        run(
                                RunState.VALIDATING,
                                "rr-7-training",
                                "rr-7-validation",
                                2,
                                "{\"candidate\": {\"roc_auc\": 0.93}, \"champion\": {\"roc_auc\": 0.9}}"),
                        seen(done),
                        p);
        assertThat(pass).isInstanceOf(Judge.class);
        assertThat(((Judge) pass).to()).isEqualTo(RunState.VALIDATED);
        assertThat(((Judge) pass).results()).singleElement().matches(GateResult::passed);
        assertThat(((Judge) pass).charge())
                .isEqualTo(new RetrainRuns.Charge(RunKind.VALIDATION, 0.0));
        StepAction fail =
                next(
                        run(
                                RunState.VALIDATING,
                                "rr-7-training",
                                "rr-7-validation",
                                2,
                                "{\"candidate\": {\"roc_auc\": 0.85}, \"champion\": {\"roc_auc\": 0.9}}"),
                        seen(done),
                        p);
        assertThat(((Judge) fail).to()).isEqualTo(RunState.REJECTED);
        assertThat(((Judge) fail).detail()).startsWith("gate(s) failed: min_vs_champion roc_auc");
        StepAction silent =
                next(
                        run(RunState.VALIDATING, "rr-7-training", "rr-7-validation", 2, null),
                        seen(done),
                        p);
        assertThat(((Fail) silent).reason()).startsWith("NoValidationMetrics");
    }

    @Test
    void aValidatedRunIsPromotedOrWaitsForAPerson() throws Exception {
        RetrainRun r = run(RunState.VALIDATED, "rr-7-training", "rr-7-validation", 2, "{}");
        assertThat(next(r, seen(null), policy("automatic", 8)))
                .isEqualTo(new Promote("approved automatically by the policy"));
        assertThat(next(r, seen(null), policy("manual", 8)))
                .isEqualTo(
                        new Move(
                                RunState.AWAITING_APPROVAL,
                                "manual approval required by the policy",
                                null));
        assertThat(
                        next(
                                run(
                                        RunState.AWAITING_APPROVAL,
                                        "rr-7-training",
                                        "rr-7-validation",
                                        2,
                                        "{}"),
                                seen(null),
                                policy("manual", 8)))
                .isEqualTo(new Idle());
    }
}
