package dev.driftwatch.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract every {@link TrainingBackend} keeps, run against each implementation. A run's
 * command waits until the test's {@link RunDriver} decides how it ends: the local driver writes the
 * exit code the real process then exits with; the Kubernetes driver writes the Job's status as the
 * Job controller would.
 */
abstract class TrainingBackendContractTest {
    private static final AtomicInteger IDS = new AtomicInteger();

    /** Ends runs from the outside, as the world would. */
    interface RunDriver {
        /** The run's pod is running. */
        void start(String runId);

        /** The run ends with exit code 0. */
        void succeed(String runId);

        /** The run ends with {@code exitCode}, after writing {@code logLine} to its log. */
        void fail(String runId, int exitCode, String logLine);
    }

    @TempDir Path controlDir;

    TrainingBackend backend;
    RunDriver driver;

    abstract TrainingBackend newBackend();

    abstract RunDriver newDriver(Path controlDir);

    @BeforeEach
    void setUpBackend() {
        backend = newBackend();
        driver = newDriver(controlDir);
    }

    @AfterEach
    void closeBackend() {
        backend.close();
    }

    /** A run whose command waits for the driver's verdict, then prints the log and exits. */
    RunSpec.Builder controlledSpec(String runId) {
        return RunSpec.builder(runId, "fraud", RunKind.TRAINING)
                .modelVersion("3")
                .image("ghcr.io/driftwatch/test-trainer:1")
                .command(
                        List.of(
                                "sh",
                                "-c",
                                "f=\"$CONTROL_DIR/$DRIFTWATCH_RUN_ID\"; while [ ! -f \"$f.exit\" ];"
                                        + " do sleep 0.05; done; cat \"$f.log\" 2>/dev/null;"
                                        + " exit \"$(cat \"$f.exit\")\""))
                .env(Map.of("CONTROL_DIR", controlDir.toString()))
                .deadline(Duration.ofMinutes(2));
    }

    static String newRunId() {
        return "rr-" + IDS.incrementAndGet() + "-training";
    }

    RunStatus awaitPhase(String runId, RunPhase phase) {
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(20))
                .until(
                        () -> backend.status(runId).map(RunStatus::phase).orElse(null),
                        p -> p == phase);
        return backend.status(runId).orElseThrow();
    }

    @Test
    void aLaunchedRunRunsAndSucceeds() {
        String id = newRunId();
        RunStatus launched = backend.launch(controlledSpec(id).build());
        assertThat(launched.runId()).isEqualTo(id);
        assertThat(launched.phase()).isIn(RunPhase.PENDING, RunPhase.RUNNING);

        driver.start(id);
        RunStatus running = awaitPhase(id, RunPhase.RUNNING);
        assertThat(running.startedAt()).isNotNull();
        assertThat(running.finishedAt()).isNull();
        assertThat(running.modelName()).isEqualTo("fraud");
        assertThat(running.kind()).isEqualTo(RunKind.TRAINING);

        driver.succeed(id);
        RunStatus done = awaitPhase(id, RunPhase.SUCCEEDED);
        assertThat(done.finished()).isTrue();
        assertThat(done.reason()).isEmpty();
        assertThat(done.logTail()).isEmpty();
        assertThat(done.finishedAt()).isAfterOrEqualTo(done.startedAt());
    }

    @Test
    void launchingTheSameRunIdAgainStartsNothingNew() {
        String id = newRunId();
        RunSpec spec = controlledSpec(id).build();
        backend.launch(spec);
        driver.start(id);
        awaitPhase(id, RunPhase.RUNNING);
        RunStatus again = backend.launch(spec);
        assertThat(again.runId()).isEqualTo(id);
        assertThat(backend.runs()).filteredOn(r -> r.runId().equals(id)).hasSize(1);

        driver.succeed(id);
        awaitPhase(id, RunPhase.SUCCEEDED);
        assertThat(backend.launch(spec).phase()).isEqualTo(RunPhase.SUCCEEDED);
        assertThat(backend.runs()).filteredOn(r -> r.runId().equals(id)).hasSize(1);
    }

    @Test
    void aFailedRunKeepsItsReasonAndTheTailOfItsLog() {
        String id = newRunId();
        backend.launch(controlledSpec(id).build());
        driver.start(id);
        driver.fail(id, 3, "CUDA out of memory at step 812");
        RunStatus failed = awaitPhase(id, RunPhase.FAILED);
        assertThat(failed.reason()).isEqualTo("BackoffLimitExceeded");
        assertThat(failed.logTail()).contains("CUDA out of memory at step 812");
        assertThat(failed.finishedAt()).isNotNull();
    }

    @Test
    void aFinishedRunSaysWhenItRanAndWithHowManyGpus() {
        String id = newRunId();
        backend.launch(controlledSpec(id).gpus(2).build());
        driver.start(id);
        RunStatus running = awaitPhase(id, RunPhase.RUNNING);
        assertThat(running.gpus()).isEqualTo(2);
        assertThat(running.startedAt()).isNotNull();
        driver.fail(id, 3, "fails fast");
        RunStatus failed = awaitPhase(id, RunPhase.FAILED);
        assertThat(failed.startedAt()).isEqualTo(running.startedAt());
        assertThat(failed.finishedAt()).isAfterOrEqualTo(failed.startedAt());
        double ran =
                Duration.between(failed.startedAt(), failed.finishedAt()).toMillis() / 3_600_000.0;
        // a finished run's charge is what it ran, whatever the clock says later
        assertThat(failed.gpuHours(failed.finishedAt().plus(Duration.ofDays(1))))
                .isEqualTo(2 * ran);
    }

    @Test
    void theReservedExitCodeFailsAtOnceWithoutRetries() {
        String id = newRunId();
        backend.launch(controlledSpec(id).backoffLimit(3).build());
        driver.start(id);
        driver.fail(id, RunSpec.NON_RETRYABLE_EXIT_CODE, "no labelled examples in the window");
        RunStatus failed = awaitPhase(id, RunPhase.FAILED);
        assertThat(failed.reason()).isEqualTo("PodFailurePolicy");
        assertThat(failed.logTail()).contains("no labelled examples in the window");
    }

    @Test
    void cancelStopsTheRunAndForgetsIt() {
        String id = newRunId();
        backend.launch(controlledSpec(id).build());
        driver.start(id);
        awaitPhase(id, RunPhase.RUNNING);

        assertThat(backend.cancel(id)).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> backend.status(id).isEmpty());
        assertThat(backend.runs()).noneMatch(r -> r.runId().equals(id));
        assertThat(backend.cancel(id)).isFalse();
    }

    @Test
    void runsListsEveryRunAndAnUnknownRunHasNoStatus() {
        String a = newRunId();
        String b = newRunId();
        backend.launch(controlledSpec(a).build());
        backend.launch(controlledSpec(b).build());
        await().atMost(Duration.ofSeconds(10))
                .until(
                        () -> backend.runs().stream().map(RunStatus::runId).toList(),
                        ids -> ids.containsAll(List.of(a, b)));
        assertThat(backend.status("rr-never-launched")).isEqualTo(Optional.empty());
        driver.succeed(a);
        driver.succeed(b);
        awaitPhase(a, RunPhase.SUCCEEDED);
        awaitPhase(b, RunPhase.SUCCEEDED);
    }
}
