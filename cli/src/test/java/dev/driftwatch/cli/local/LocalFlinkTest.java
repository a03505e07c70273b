package dev.driftwatch.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.driftwatch.local.ListenAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The latest completed checkpoint is found across the runs' job directories; the runs before it are
 * deleted; the web UI settings of a local run.
 */
class LocalFlinkTest {
    @TempDir Path checkpoints;

    @Test
    void noCheckpointDirectoryMeansAFreshStart() {
        assertThat(LocalFlink.latestCheckpoint(checkpoints.resolve("absent"))).isEmpty();
        assertThat(LocalFlink.latestCheckpoint(checkpoints)).isEmpty();
    }

    @Test
    void theLatestCompletedCheckpointOfAnyRunIsChosen() throws Exception {
        Path oldRun = completed("aaaa", 7, 1_000);
        Path latest = completed("bbbb", 3, 2_000);
        // written later, but without _metadata: not completed (the process died while writing it)
        Files.createDirectories(checkpoints.resolve("bbbb/chk-4"));
        Files.createDirectories(checkpoints.resolve("cccc/shared"));
        assertThat(LocalFlink.latestCheckpoint(checkpoints)).contains(latest.toAbsolutePath());

        LocalFlink.deleteOlderRuns(checkpoints, latest);
        assertThat(oldRun).doesNotExist();
        assertThat(checkpoints.resolve("cccc")).doesNotExist();
        assertThat(latest.resolve("_metadata")).exists();
        assertThat(checkpoints.resolve("bbbb/chk-4")).exists();
    }

    @Test
    void onATieTheHigherNumberWins() throws Exception {
        completed("aaaa", 9, 5_000);
        Path higher = completed("aaaa", 10, 5_000);
        assertThat(LocalFlink.latestCheckpoint(checkpoints)).contains(higher.toAbsolutePath());
    }

    @Test
    void theWebUiIsReadOnlyAndOnlyItFollowsTheBindAddress() {
        Configuration c = new Configuration();
        LocalFlink.secure(c, ListenAddress.parse("0.0.0.0"));
        assertThat(c.toMap())
                .containsEntry("rest.bind-address", "0.0.0.0")
                .containsEntry("web.submit.enable", "false")
                .containsEntry("web.cancel.enable", "false")
                .containsEntry("jobmanager.bind-host", "127.0.0.1")
                .containsEntry("taskmanager.bind-host", "127.0.0.1");
        LocalFlink.retainCheckpoints(c);
        LocalFlink.resumeFrom(c, Path.of("/data/checkpoints/aaaa/chk-3"));
        assertThat(c.toMap())
                .containsEntry(
                        "execution.checkpointing.externalized-checkpoint-retention",
                        "RETAIN_ON_CANCELLATION")
                .containsEntry(
                        "execution.state-recovery.path", "file:///data/checkpoints/aaaa/chk-3");
    }

    private Path completed(String job, int number, long modifiedMillis) throws Exception {
        Path chk = checkpoints.resolve(job).resolve("chk-" + number);
        Files.createDirectories(chk);
        Path metadata = Files.writeString(chk.resolve("_metadata"), "metadata");
        Files.setLastModifiedTime(metadata, FileTime.fromMillis(modifiedMillis));
        return chk;
    }
}
