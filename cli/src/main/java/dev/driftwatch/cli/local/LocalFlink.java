package dev.driftwatch.cli.local;

import dev.driftwatch.local.Directories;
import dev.driftwatch.local.ListenAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;

/**
 * The Flink settings of every local run ({@code up}, {@code demo}, {@code drift-job}, {@code
 * performance-job}): the web UI and REST API on the chosen address with jar upload and job
 * submission switched off (and the UI's cancel button), Flink's internal endpoints on 127.0.0.1,
 * and checkpoints retained when the job stops so that the next start resumes from the latest one.
 *
 * <pre>{@code
 * LocalFlink.secure(config, ListenAddress.LOOPBACK);
 * LocalFlink.latestCheckpoint(dataDir.resolve("checkpoints")).ifPresent(c -> LocalFlink.resumeFrom(config, c));
 * }</pre>
 */
public final class LocalFlink {
    /** Where {@code LocalJobs} writes checkpoints, under the data directory. */
    public static final String CHECKPOINTS = "checkpoints";

    private static final Pattern CHECKPOINT_DIR = Pattern.compile("chk-(\\d+)");

    private LocalFlink() {}

    /**
     * The web UI and REST API listen on {@code address} and refuse jar uploads and job submission
     * (the UI shows no cancel button; the REST API itself still takes a cancellation, hence
     * loopback by default); the JobManager's and TaskManager's own endpoints (blob server, data
     * exchange) listen on 127.0.0.1 whatever {@code address} is.
     */
    public static void secure(Configuration config, ListenAddress address) {
        String loopback = ListenAddress.LOOPBACK.bindHost();
        config.setString("rest.bind-address", address.bindHost());
        config.setString("rest.address", address.isWildcard() ? loopback : address.bindHost());
        config.setString("web.submit.enable", "false");
        config.setString("web.cancel.enable", "false");
        config.setString("jobmanager.bind-host", loopback);
        config.setString("jobmanager.rpc.address", loopback);
        config.setString("taskmanager.bind-host", loopback);
        config.setString("taskmanager.host", loopback);
    }

    /**
     * Checkpoints stay in the data directory when the job is cancelled (Ctrl-C, SIGTERM) as they do
     * when the process is killed.
     */
    public static void retainCheckpoints(Configuration config) {
        config.setString(
                "execution.checkpointing.externalized-checkpoint-retention",
                "RETAIN_ON_CANCELLATION");
    }

    /** The job starts from {@code checkpoint} (its state and its Kafka offsets). */
    public static void resumeFrom(Configuration config, Path checkpoint) {
        config.setString("execution.state-recovery.path", checkpoint.toUri().toString());
    }

    /**
     * The latest completed checkpoint under {@code checkpointsDir} ({@code <job id>/chk-<n>} with
     * its {@code _metadata}, which Flink writes last): the one whose metadata was written last, the
     * higher number on a tie.
     */
    public static Optional<Path> latestCheckpoint(Path checkpointsDir) {
        if (!Files.isDirectory(checkpointsDir)) {
            return Optional.empty();
        }
        try (Stream<Path> jobs = Files.list(checkpointsDir)) {
            return jobs.filter(Files::isDirectory)
                    .flatMap(LocalFlink::completedCheckpoints)
                    .max(
                            Comparator.comparing(LocalFlink::metadataTime)
                                    .thenComparingLong(LocalFlink::number))
                    .map(Path::toAbsolutePath);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the checkpoints in " + checkpointsDir, e);
        }
    }

    /**
     * The latest completed checkpoint of one job, in its directory {@code jobDir} ({@code chk-<n>}
     * with its {@code _metadata}), chosen as {@link #latestCheckpoint} does.
     */
    public static Optional<Path> latestCheckpointIn(Path jobDir) {
        if (!Files.isDirectory(jobDir)) {
            return Optional.empty();
        }
        return completedCheckpoints(jobDir)
                .max(
                        Comparator.comparing(LocalFlink::metadataTime)
                                .thenComparingLong(LocalFlink::number))
                .map(Path::toAbsolutePath);
    }

    /**
     * Deletes the job directories under {@code checkpointsDir} other than the one holding {@code
     * kept}: checkpoints of earlier runs that nothing resumes from any more (a job resumed from a
     * retained checkpoint writes a full checkpoint first, so it never refers to an older one).
     */
    public static void deleteOlderRuns(Path checkpointsDir, Path kept) {
        Path keptJob = kept.toAbsolutePath().getParent();
        try (Stream<Path> jobs = Files.list(checkpointsDir)) {
            jobs.map(Path::toAbsolutePath)
                    .filter(Files::isDirectory)
                    .filter(job -> !job.equals(keptJob))
                    .forEach(Directories::deleteRecursively);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the checkpoints in " + checkpointsDir, e);
        }
    }

    private static Stream<Path> completedCheckpoints(Path jobDir) {
        try (Stream<Path> entries = Files.list(jobDir)) {
            return entries
                    .filter(p -> CHECKPOINT_DIR.matcher(p.getFileName().toString()).matches())
                    .filter(p -> Files.isRegularFile(p.resolve("_metadata")))
                    .toList()
                    .stream();
        } catch (IOException e) {
            return Stream.empty(); // removed while listing: not a checkpoint to resume from
        }
    }

    private static FileTime metadataTime(Path checkpoint) {
        try {
            return Files.getLastModifiedTime(checkpoint.resolve("_metadata"));
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    private static long number(Path checkpoint) {
        Matcher m = CHECKPOINT_DIR.matcher(checkpoint.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }
}
