package dev.driftwatch.cli.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.driftwatch.jobs.ClusterConfiguration;
import dev.driftwatch.jobs.shared.JobArguments;
import dev.driftwatch.local.Directories;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;

/**
 * The drift and performance jobs on a {@link FlinkCluster}, submitted as the thin job jar through
 * the JobManager's REST API: the jar is uploaded once, each entry class runs with the job options
 * as program arguments. Which Flink job is which is recorded in {@code DIR/flink/jobs.json}, so a
 * later start resumes each from its latest completed checkpoint (in {@code DIR/checkpoints/<job
 * id>}), and {@link #rescale} moves them to another parallelism through a savepoint.
 *
 * <pre>{@code
 * ClusterJobs jobs = ClusterJobs.submit(cluster.rest(), jar, config, 1, dataDir, notices);
 * jobs.rescale(2, dataDir.resolve("savepoints"));
 * }</pre>
 */
public final class ClusterJobs implements AutoCloseable {
    /** The file recording the Flink job id of each Driftwatch job, under the data directory. */
    public static final String JOBS_FILE = "flink/jobs.json";

    /** The drift job and the performance job: the entry class of each. */
    public enum Kind {
        DRIFT(ClusterConfiguration.DRIFT_ENTRY_CLASS),
        PERFORMANCE(ClusterConfiguration.PERFORMANCE_ENTRY_CLASS);

        final String entryClass;

        Kind(String entryClass) {
            this.entryClass = entryClass;
        }

        String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration RUNNING_WITHIN = Duration.ofMinutes(3);

    private final FlinkRest rest;
    private final String jarId;
    private final List<String> args;
    private final Path dataDir;
    private final Map<Kind, String> jobIds = new LinkedHashMap<>();
    private int parallelism;

    private ClusterJobs(
            FlinkRest rest, String jarId, List<String> args, Path dataDir, int parallelism) {
        this.rest = rest;
        this.jarId = jarId;
        this.args = args;
        this.dataDir = dataDir;
        this.parallelism = parallelism;
    }

    /**
     * Uploads {@code jar} and runs both jobs with {@code config}'s job options at {@code
     * parallelism}, each from its latest completed checkpoint when an earlier start left one (one
     * line to {@code progress} says so); deletes the checkpoints of older runs; waits until both
     * run.
     */
    public static ClusterJobs submit(
            FlinkRest rest,
            Path jar,
            Configuration config,
            int parallelism,
            Path dataDir,
            Consumer<String> progress)
            throws Exception {
        String jarId = rest.uploadJar(jar);
        ClusterJobs jobs =
                new ClusterJobs(rest, jarId, JobArguments.format(config), dataDir, parallelism);
        Map<Kind, Path> resumed = jobs.latestCheckpoints();
        Map<Kind, Optional<String>> from = new LinkedHashMap<>();
        for (Kind kind : Kind.values()) {
            Optional<Path> checkpoint = Optional.ofNullable(resumed.get(kind));
            checkpoint.ifPresent(
                    c ->
                            progress.accept(
                                    "starting the "
                                            + kind.key()
                                            + " job from checkpoint "
                                            + c
                                            + "..."));
            from.put(kind, checkpoint.map(p -> p.toUri().toString()));
        }
        jobs.runAll(from);
        jobs.record();
        jobs.deleteOlderRuns(resumed);
        jobs.awaitRunning();
        return jobs;
    }

    private String run(Kind kind, Optional<String> from) throws Exception {
        return rest.run(jarId, kind.entryClass, args, parallelism, from);
    }

    /**
     * Runs both jobs at once (the JobManager runs each main(), migration and job graph, in
     * parallel), each from its checkpoint or savepoint when given.
     */
    private void runAll(Map<Kind, Optional<String>> from) throws Exception {
        Map<Kind, CompletableFuture<String>> submitted = new LinkedHashMap<>();
        from.forEach(
                (kind, path) ->
                        submitted.put(
                                kind,
                                CompletableFuture.supplyAsync(() -> runUnchecked(kind, path))));
        for (Map.Entry<Kind, CompletableFuture<String>> s : submitted.entrySet()) {
            try {
                jobIds.put(s.getKey(), s.getValue().join());
            } catch (CompletionException e) {
                throw e.getCause() instanceof Exception cause ? cause : e;
            }
        }
    }

    private String runUnchecked(Kind kind, Optional<String> from) {
        try {
            return run(kind, from);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The Flink job id of a job. */
    public String jobId(Kind kind) {
        return jobIds.get(kind);
    }

    /** The Flink job ids, drift first. */
    public List<String> jobIds() {
        return List.copyOf(jobIds.values());
    }

    public int parallelism() {
        return parallelism;
    }

    /** Waits until both jobs and all their tasks run. */
    public void awaitRunning() throws Exception {
        for (String id : jobIds.values()) {
            rest.awaitRunning(id, RUNNING_WITHIN);
        }
    }

    /**
     * Stops each job with a savepoint in {@code savepoints} and runs it again from that savepoint
     * at {@code newParallelism}; returns the savepoints' paths. State (open windows, alert
     * persistence, pending label joins) moves with the key groups, whose number is fixed ({@link
     * ClusterConfiguration#MAX_PARALLELISM}).
     */
    public Map<Kind, String> rescale(int newParallelism, Path savepoints) throws Exception {
        Map<Kind, String> taken = new LinkedHashMap<>();
        for (Kind kind : Kind.values()) {
            taken.put(
                    kind,
                    rest.stopWithSavepoint(jobIds.get(kind), savepoints, Duration.ofMinutes(3)));
        }
        parallelism = newParallelism;
        Map<Kind, Optional<String>> from = new LinkedHashMap<>();
        taken.forEach((kind, savepoint) -> from.put(kind, Optional.of(savepoint)));
        runAll(from);
        record();
        awaitRunning();
        return taken;
    }

    /** Cancels both jobs; their retained checkpoints stay for the next start. */
    @Override
    public void close() {
        for (String id : jobIds.values()) {
            try {
                rest.cancel(id);
            } catch (Exception ignored) {
                // the cluster stops next anyway; the checkpoints are retained either way
            }
        }
    }

    private void record() throws IOException {
        ObjectNode ids = JSON.createObjectNode();
        jobIds.forEach((kind, id) -> ids.put(kind.key(), id));
        Path file = dataDir.resolve(JOBS_FILE);
        Files.createDirectories(file.getParent());
        Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(ids));
    }

    /** The latest completed checkpoint of each job that the previous start recorded. */
    private Map<Kind, Path> latestCheckpoints() throws IOException {
        Map<Kind, Path> latest = new LinkedHashMap<>();
        Path file = dataDir.resolve(JOBS_FILE);
        if (!Files.exists(file)) {
            return latest;
        }
        JsonNode ids = JSON.readTree(file.toFile());
        Path checkpoints = dataDir.resolve(LocalFlink.CHECKPOINTS);
        for (Kind kind : Kind.values()) {
            String id = ids.path(kind.key()).asText();
            if (!id.isEmpty()) {
                LocalFlink.latestCheckpointIn(checkpoints.resolve(id))
                        .ifPresent(c -> latest.put(kind, c));
            }
        }
        return latest;
    }

    /**
     * Deletes the checkpoint directories of earlier runs other than the ones resumed from (a job
     * resumed from a retained checkpoint writes a full checkpoint first, so nothing newer refers to
     * them) and other than the running jobs' own.
     */
    private void deleteOlderRuns(Map<Kind, Path> resumed) {
        Path checkpoints = dataDir.resolve(LocalFlink.CHECKPOINTS).toAbsolutePath();
        if (!Files.isDirectory(checkpoints)) {
            return;
        }
        Set<Path> kept = new java.util.HashSet<>();
        resumed.values().forEach(c -> kept.add(c.toAbsolutePath().getParent()));
        jobIds.values().forEach(id -> kept.add(checkpoints.resolve(id)));
        try (Stream<Path> runs = Files.list(checkpoints)) {
            runs.map(Path::toAbsolutePath)
                    .filter(Files::isDirectory)
                    .filter(run -> !kept.contains(run))
                    .forEach(Directories::deleteRecursively);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the checkpoints in " + checkpoints, e);
        }
    }
}
