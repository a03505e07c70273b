package dev.driftwatch.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each run's command as a process on this machine, with the lifecycle of a Kubernetes Job:
 * retries up to {@code backoffLimit} (never after {@link RunSpec#NON_RETRYABLE_EXIT_CODE}), the
 * deadline kills it ({@code DeadlineExceeded}), the log (stdout and stderr) goes to {@code
 * workDir/<runId>.log} and its tail is kept on failure; cancel kills the process and its children.
 * The image, GPUs and node selector are ignored; a registry token must be a literal value. Runs do
 * not survive a restart of this JVM.
 *
 * <p>A trainer starts from an empty environment: only {@link TrainerEnvironment#INHERITED} (or the
 * names given to the constructor) are taken from this process's environment, then the run's {@link
 * RunSpec#environment()} and its token. Nothing else of the registry's environment (its admin
 * token, its database password) reaches the trainer.
 *
 * <pre>{@code
 * try (TrainingBackend backend = new LocalProcessBackend(Path.of("data/runs"))) {
 *     backend.launch(spec);
 * }
 * }</pre>
 */
public final class LocalProcessBackend implements TrainingBackend {
    private static final Logger LOG = LoggerFactory.getLogger(LocalProcessBackend.class);

    private final Path workDir;
    private final Clock clock;
    private final Set<String> inherited;
    private final Map<String, LocalRun> runs = new ConcurrentHashMap<>();
    private final ExecutorService supervisors =
            Executors.newCachedThreadPool(
                    r -> {
                        Thread t = new Thread(r, "local-training-run");
                        t.setDaemon(true);
                        return t;
                    });

    public LocalProcessBackend(Path workDir) {
        this(workDir, Clock.systemUTC());
    }

    public LocalProcessBackend(Path workDir, Clock clock) {
        this(workDir, clock, TrainerEnvironment.INHERITED);
    }

    /**
     * A backend whose trainers inherit only the variables named in {@code inherited} from this
     * process's environment.
     */
    public LocalProcessBackend(Path workDir, Clock clock, Set<String> inherited) {
        for (String name : inherited) {
            if (!name.equals("PATH") && TrainerEnvironment.refusal(name).isPresent()) {
                throw new LaunchException(
                        "a trainer may not inherit "
                                + name
                                + ": "
                                + TrainerEnvironment.refusal(name).get());
            }
        }
        this.workDir = workDir;
        this.clock = clock;
        this.inherited = Set.copyOf(inherited);
        try {
            Files.createDirectories(workDir);
        } catch (IOException e) {
            throw new LaunchException("cannot create the run directory " + workDir, e);
        }
    }

    @Override
    public RunStatus launch(RunSpec spec) {
        if (spec.registryToken() != null && spec.registryToken().isSecretReference()) {
            throw new LaunchException(
                    "run "
                            + spec.runId()
                            + ": the local backend cannot read Kubernetes Secret "
                            + spec.registryToken().secretName()
                            + "; give the token as a value");
        }
        LocalRun run =
                runs.computeIfAbsent(
                        spec.runId(),
                        id -> {
                            LocalRun r = new LocalRun(spec, workDir.resolve(id + ".log"));
                            supervisors.execute(() -> supervise(r));
                            return r;
                        });
        return run.status;
    }

    @Override
    public Optional<RunStatus> status(String runId) {
        return Optional.ofNullable(runs.get(runId)).map(r -> r.status);
    }

    @Override
    public boolean cancel(String runId) {
        LocalRun run = runs.remove(runId);
        if (run == null) {
            return false;
        }
        synchronized (run) {
            run.cancelled = true;
            if (run.process != null) {
                kill(run.process);
            }
        }
        LOG.info("cancelled local run {}", runId);
        return true;
    }

    @Override
    public List<RunStatus> runs() {
        List<RunStatus> out = new ArrayList<>();
        runs.values().forEach(r -> out.add(r.status));
        return out;
    }

    @Override
    public String name() {
        return "local";
    }

    @Override
    public void close() {
        new ArrayList<>(runs.keySet()).forEach(this::cancel);
        supervisors.shutdownNow();
    }

    private void supervise(LocalRun run) {
        RunSpec spec = run.spec;
        Instant started = null;
        int attempt = 0;
        try {
            while (true) {
                Process p;
                synchronized (run) {
                    if (run.cancelled) {
                        return;
                    }
                    p = start(spec, run.log);
                    run.process = p;
                }
                if (started == null) {
                    started = clock.instant();
                }
                run.status = status(spec, RunPhase.RUNNING, "", "", started, null, "");
                Duration left = spec.deadline().minus(Duration.between(started, clock.instant()));
                boolean exited = p.waitFor(Math.max(0, left.toMillis()), TimeUnit.MILLISECONDS);
                if (run.cancelled) {
                    return;
                }
                if (!exited) {
                    kill(p);
                    fail(
                            run,
                            started,
                            "DeadlineExceeded",
                            "Job was active longer than specified deadline ("
                                    + spec.deadline().toSeconds()
                                    + " s)");
                    return;
                }
                int exit = p.exitValue();
                if (exit == 0) {
                    run.status =
                            status(spec, RunPhase.SUCCEEDED, "", "", started, clock.instant(), "");
                    return;
                }
                attempt++;
                if (exit == RunSpec.NON_RETRYABLE_EXIT_CODE) {
                    fail(
                            run,
                            started,
                            "PodFailurePolicy",
                            "exit code "
                                    + exit
                                    + " (non-retryable) on attempt "
                                    + attempt
                                    + "; not retried");
                    return;
                }
                if (attempt > spec.backoffLimit()) {
                    fail(
                            run,
                            started,
                            "BackoffLimitExceeded",
                            "Job has reached the specified backoff limit: exit code "
                                    + exit
                                    + " after "
                                    + attempt
                                    + " attempt(s)");
                    return;
                }
                LOG.info(
                        "local run {} exited with {}; retry {} of {}",
                        spec.runId(),
                        exit,
                        attempt,
                        spec.backoffLimit());
            }
        } catch (IOException e) {
            fail(run, started, "StartError", "could not start " + spec.command() + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            synchronized (run) {
                if (run.process != null) {
                    kill(run.process);
                }
            }
        }
    }

    private Process start(RunSpec spec, Path log) throws IOException {
        Path dir = workDir.resolve(spec.runId());
        Files.createDirectories(dir);
        ProcessBuilder pb = new ProcessBuilder(spec.command());
        pb.directory(dir.toFile());
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> run = new java.util.LinkedHashMap<>(spec.environment());
        if (spec.registryToken() != null) {
            run.put(TrainerVariable.REGISTRY_TOKEN.envName(), spec.registryToken().value());
        }
        pb.environment().clear();
        pb.environment()
                .putAll(TrainerEnvironment.forLocalProcess(inherited, System.getenv(), run));
        return pb.start();
    }

    private void fail(LocalRun run, Instant started, String reason, String message) {
        run.status =
                status(
                        run.spec,
                        RunPhase.FAILED,
                        reason,
                        message,
                        started,
                        clock.instant(),
                        LogTail.ofFile(run.log));
        LOG.info("local run {} failed: {} ({})", run.spec.runId(), reason, message);
    }

    private static RunStatus status(
            RunSpec spec,
            RunPhase phase,
            String reason,
            String message,
            Instant started,
            Instant finished,
            String tail) {
        return new RunStatus(
                spec.runId(),
                spec.modelName(),
                spec.kind(),
                spec.gpus(),
                phase,
                reason,
                message,
                started,
                finished,
                tail);
    }

    /** Kills the process and everything it started (a shell's children would outlive it). */
    private static void kill(Process p) {
        List<ProcessHandle> children = p.descendants().toList();
        p.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
    }

    /** One run's state; {@code status} is replaced as a whole, never mutated. */
    private static final class LocalRun {
        final RunSpec spec;
        final Path log;
        volatile RunStatus status;
        volatile Process process;
        volatile boolean cancelled;

        LocalRun(RunSpec spec, Path log) {
            this.spec = spec;
            this.log = log;
            this.status =
                    LocalProcessBackend.status(spec, RunPhase.PENDING, "", "", null, null, "");
        }
    }
}
