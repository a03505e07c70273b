package dev.driftwatch.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process left running by a run that was killed is stopped by its recorded pid at the next start,
 * and only when that pid still belongs to the process that was recorded.
 */
class JavaProcessTest {
    @TempDir Path dir;

    /** A JVM that waits until it is stopped. */
    public static final class Waiter {
        public static void main(String[] args) throws InterruptedException {
            System.out.println("waiting");
            Thread.sleep(TimeUnit.MINUTES.toMillis(10));
        }
    }

    @Test
    void aProcessLeftByAKilledRunIsStoppedByItsPid() throws Exception {
        Path pids = dir.resolve("pids");
        JavaProcess left =
                JavaProcess.start(
                        "waiter",
                        List.of("-Xmx32m"),
                        Waiter.class.getName(),
                        List.of(),
                        pids,
                        dir.resolve("waiter.log"));
        assertThat(left.isAlive()).isTrue();
        assertThat(pids.resolve("waiter.pid")).exists();

        // the run that started it is gone without closing it; the next start finds the pid file
        List<String> notices = new ArrayList<>();
        JavaProcess.stopLeftRunning(pids, notices::add);

        assertThat(ProcessHandle.of(left.pid()).map(ProcessHandle::isAlive).orElse(false))
                .isFalse();
        assertThat(pids.resolve("waiter.pid")).doesNotExist();
        assertThat(notices)
                .singleElement()
                .asString()
                .contains("stopping waiter (pid " + left.pid() + ")");
    }

    @Test
    void aPidNowUsedByAnotherProcessIsLeftAlone() throws Exception {
        Path pids = Files.createDirectories(dir.resolve("pids"));
        // this JVM's pid, recorded with another start time: the recorded process is gone
        Files.writeString(
                pids.resolve("kafka.pid"),
                ProcessHandle.current().pid() + " 2001-01-01T00:00:00Z\n",
                StandardCharsets.UTF_8);
        List<String> notices = new ArrayList<>();
        JavaProcess.stopLeftRunning(pids, notices::add);
        assertThat(ProcessHandle.current().isAlive()).isTrue();
        assertThat(notices).isEmpty();
        assertThat(pids.resolve("kafka.pid")).doesNotExist();
    }

    @Test
    void closeStopsTheProcessAndRemovesItsPidFile() throws Exception {
        Path pids = dir.resolve("pids");
        JavaProcess p =
                JavaProcess.start(
                        "waiter",
                        List.of("-Xmx32m"),
                        Waiter.class.getName(),
                        List.of(),
                        pids,
                        dir.resolve("waiter.log"));
        p.close();
        assertThat(p.isAlive()).isFalse();
        assertThat(pids.resolve("waiter.pid")).doesNotExist();
    }
}
