package dev.driftwatch.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract on the local process backend, plus what only real processes show. */
class LocalProcessBackendTest extends TrainingBackendContractTest {
    @TempDir Path workDir;

    @Override
    TrainingBackend newBackend() {
        return new LocalProcessBackend(workDir);
    }

    @Override
    RunDriver newDriver(Path controlDir) {
        return new RunDriver() {
            @Override
            public void start(String runId) {
                // the process is already running
            }

            @Override
            public void succeed(String runId) {
                write(controlDir.resolve(runId + ".exit"), "0");
            }

            @Override
            public void fail(String runId, int exitCode, String logLine) {
                write(controlDir.resolve(runId + ".log"), logLine + "\n");
                write(controlDir.resolve(runId + ".exit"), String.valueOf(exitCode));
            }
        };
    }

    /** Writes atomically, so the waiting process never reads half a file. */
    static void write(Path file, String text) {
        try {
            Path tmp = Files.createTempFile(file.getParent(), "tmp", ".part");
            Files.writeString(tmp, text);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aRunPastItsDeadlineIsKilledWithDeadlineExceeded() {
        String id = newRunId();
        backend.launch(controlledSpec(id).deadline(Duration.ofMillis(700)).build());
        RunStatus failed = awaitPhase(id, RunPhase.FAILED);
        assertThat(failed.reason()).isEqualTo("DeadlineExceeded");
        assertThat(Duration.between(failed.startedAt(), failed.finishedAt()))
                .isGreaterThanOrEqualTo(Duration.ofMillis(600));
    }

    @Test
    void aFailingCommandIsRetriedUpToItsBackoffLimit() {
        String id = newRunId();
        backend.launch(
                RunSpec.builder(id, "fraud", RunKind.TRAINING)
                        .command(List.of("sh", "-c", "echo attempt; echo loss is NaN >&2; exit 1"))
                        .backoffLimit(2)
                        .build());
        RunStatus failed = awaitPhase(id, RunPhase.FAILED);
        assertThat(failed.reason()).isEqualTo("BackoffLimitExceeded");
        assertThat(failed.message()).contains("exit code 1 after 3 attempt(s)");
        assertThat(failed.logTail().lines().filter(l -> l.equals("attempt")).count()).isEqualTo(3);
        assertThat(failed.logTail()).contains("loss is NaN");
    }

    @Test
    void theRunSeesItsEnvironmentAndTheTokenIsPassedButNotShown() {
        String id = newRunId();
        RunSpec spec =
                RunSpec.builder(id, "fraud", RunKind.VALIDATION)
                        .modelVersion("4")
                        .command(
                                List.of(
                                        "sh",
                                        "-c",
                                        "echo \"$DRIFTWATCH_RUN_ID $DRIFTWATCH_RUN_KIND"
                                                + " $DRIFTWATCH_MODEL_NAME $DRIFTWATCH_MODEL_VERSION"
                                                + " $DRIFTWATCH_REGISTRY_URL"
                                                + " $DRIFTWATCH_DATA_WINDOW_START"
                                                + " ${#DRIFTWATCH_REGISTRY_TOKEN}\"; exit 1"))
                        .registry("http://127.0.0.1:9", RegistryToken.of("s3cret-token-value"))
                        .dataWindow(
                                java.time.Instant.parse("2026-11-19T00:00:00Z"),
                                java.time.Instant.parse("2026-11-26T00:00:00Z"))
                        .build();
        assertThat(spec.toString()).doesNotContain("s3cret");
        backend.launch(spec);
        RunStatus failed = awaitPhase(id, RunPhase.FAILED);
        assertThat(failed.logTail())
                .contains(
                        id + " validation fraud 4 http://127.0.0.1:9" + " 2026-11-19T00:00:00Z 18");
        assertThat(failed.kind()).isEqualTo(RunKind.VALIDATION);
    }

    @Test
    void cancelKillsTheChildrenOfTheCommandToo() throws Exception {
        String id = newRunId();
        Path pidFile = workDir.resolve("child.pid");
        backend.launch(
                RunSpec.builder(id, "fraud", RunKind.TRAINING)
                        .command(List.of("sh", "-c", "sleep 60 & echo $! > " + pidFile + "; wait"))
                        .build());
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(pidFile));
        await().atMost(Duration.ofSeconds(10)).until(() -> !Files.readString(pidFile).isBlank());
        long child = Long.parseLong(Files.readString(pidFile).strip());
        assertThat(ProcessHandle.of(child)).isPresent();
        assertThat(backend.cancel(id)).isTrue();
        await().atMost(Duration.ofSeconds(10))
                .until(
                        () -> ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false),
                        alive -> !alive);
    }

    @Test
    void aCommandThatCannotStartFailsWithStartError() {
        String id = newRunId();
        backend.launch(
                RunSpec.builder(id, "fraud", RunKind.TRAINING)
                        .command(List.of(workDir.resolve("no-such-trainer").toString()))
                        .build());
        RunStatus failed = awaitPhase(id, RunPhase.FAILED);
        assertThat(failed.reason()).isEqualTo("StartError");
    }

    @Test
    void aSecretReferenceCannotBeUsedLocally() {
        RunSpec spec =
                controlledSpec(newRunId())
                        .registry("http://x", RegistryToken.fromSecret("trainer", "token"))
                        .build();
        assertThatThrownBy(() -> backend.launch(spec))
                .isInstanceOf(LaunchException.class)
                .hasMessageContaining("cannot read Kubernetes Secret trainer");
        assertThat(backend.runs()).isEmpty();
    }

    @Test
    void invalidSpecsAreRefusedWithAClearMessage() {
        assertThatThrownBy(() -> RunSpec.builder("bad id!", "m", RunKind.TRAINING).build())
                .isInstanceOf(LaunchException.class)
                .hasMessageContaining("run id must be");
        assertThatThrownBy(
                        () ->
                                RunSpec.builder("ok", "m", RunKind.TRAINING)
                                        .command(List.of("x"))
                                        .deadline(Duration.ZERO)
                                        .build())
                .hasMessageContaining("deadline must be positive");
        assertThatThrownBy(() -> RunSpec.builder("ok", "m", RunKind.TRAINING).build())
                .hasMessageContaining("command is required");
    }

    @Test
    void aTrainerStartsFromACleanEnvironmentWithOnlyTheAllowListAndItsOwnVariables() {
        // a variable of this process that is not on the allow-list stands for the registry's
        // secrets (DRIFTWATCH_ADMIN_TOKEN, DRIFTWATCH_JDBC_PASSWORD)
        String secretName =
                System.getenv().keySet().stream()
                        .filter(n -> !TrainerEnvironment.INHERITED.contains(n))
                        .filter(n -> n.matches("[A-Za-z_][A-Za-z0-9_]*"))
                        .sorted()
                        .findFirst()
                        .orElseThrow();
        String id = newRunId();
        backend.launch(
                RunSpec.builder(id, "fraud", RunKind.TRAINING)
                        .command(List.of("sh", "-c", "env; exit 1"))
                        .env(java.util.Map.of("EPOCHS", "20"))
                        .build());
        RunStatus failed = awaitPhase(id, RunPhase.FAILED);
        List<String> names =
                failed.logTail()
                        .lines()
                        .filter(l -> l.contains("="))
                        .map(l -> l.substring(0, l.indexOf('=')))
                        .toList();
        assertThat(names).doesNotContain(secretName).contains("EPOCHS", "DRIFTWATCH_RUN_ID");
        // what sh itself adds (PWD, SHLVL, _) aside, only the allow-list and the run's variables
        assertThat(names)
                .allMatch(
                        n ->
                                TrainerEnvironment.INHERITED.contains(n)
                                        || n.startsWith("DRIFTWATCH_")
                                        || n.equals("EPOCHS")
                                        || List.of("PWD", "SHLVL", "_", "OLDPWD").contains(n),
                        "allowed");
    }

    @Test
    void loaderVariablesAndTheLaunchersOwnAreRefusedInARunsEnv() {
        for (String name :
                List.of(
                        "LD_PRELOAD",
                        "LD_LIBRARY_PATH",
                        "PATH",
                        "DYLD_INSERT_LIBRARIES",
                        "PYTHONPATH",
                        "JAVA_TOOL_OPTIONS",
                        "BASH_ENV",
                        "ld_preload",
                        "DRIFTWATCH_REGISTRY_URL",
                        "DRIFTWATCH_REGISTRY_TOKEN",
                        "1X",
                        "A-B")) {
            assertThatThrownBy(
                            () ->
                                    RunSpec.builder("rr-1-training", "m", RunKind.TRAINING)
                                            .command(List.of("true"))
                                            .env(java.util.Map.of(name, "x"))
                                            .build())
                    .as(name)
                    .isInstanceOf(LaunchException.class)
                    .hasMessageContaining("environment variable " + name);
        }
        assertThat(
                        RunSpec.builder("rr-1-training", "m", RunKind.TRAINING)
                                .command(List.of("true"))
                                .env(
                                        java.util.Map.of(
                                                "EPOCHS", "20", "DRIFTWATCH_RETRAIN_RUN", "1"))
                                .build()
                                .environment())
                .containsEntry("EPOCHS", "20");
        assertThatThrownBy(
                        () ->
                                new LocalProcessBackend(
                                        workDir,
                                        java.time.Clock.systemUTC(),
                                        java.util.Set.of("LD_PRELOAD")))
                .isInstanceOf(LaunchException.class);
    }
}
