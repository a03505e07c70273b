package dev.driftwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.driftwatch.cli.local.Endpoints;
import dev.driftwatch.cli.local.LocalStack;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code up} is durable: run as a separate process, killed ({@code kill -9}) in the middle of a
 * window, started again, stopped with SIGTERM in the middle of the next window, started again, it
 * ends with the same drift rows, alerts and dead letters as an uninterrupted run of the same
 * traffic. Kafka's log and the jobs' retained checkpoints are in the data directory; each start
 * resumes from the latest checkpoint. Prints the times to stop and to resume.
 */
class UpRestartITCase {
    @TempDir Path dir;

    private Process child;

    @AfterEach
    void stopChild() throws Exception {
        if (child != null && child.isAlive()) {
            child.destroy();
            if (!child.waitFor(2, TimeUnit.MINUTES)) {
                child.destroyForcibly().waitFor();
            }
        }
    }

    @Test
    void killedAndStoppedRunsEndAsAnUninterruptedOne() throws Exception {
        List<String> traffic = StackTraffic.traffic();
        int third = traffic.size() / 3;

        Path reference = dir.resolve("uninterrupted");
        StackTraffic.Outcome expected;
        try (LocalStack stack = StackTraffic.startInProcess(reference)) {
            Endpoints e = stack.endpoints();
            StackTraffic.publishProfile(dir, e);
            StackTraffic.send(e, traffic);
            expected = StackTraffic.awaitComplete(e, traffic.size(), 2);
        }
        assertThat(expected.drift()).hasSizeGreaterThan(10);
        assertThat(expected.alerts()).isNotEmpty();
        assertThat(expected.deadLetters()).hasSize(2);

        Path data = dir.resolve("restarted");
        Endpoints e = startChild(data, false);
        StackTraffic.publishProfile(dir, e);
        StackTraffic.send(e, traffic.subList(0, third));
        StackTraffic.awaitCheckpointed(e, third);
        long killedAt = System.nanoTime();
        child.destroyForcibly();
        assertThat(child.waitFor(1, TimeUnit.MINUTES)).isTrue();
        long killMs = StackTraffic.millisSince(killedAt);

        long resumeStarted = System.nanoTime();
        e = startChild(data, true);
        long resumeAfterKillMs = StackTraffic.millisSince(resumeStarted);
        StackTraffic.send(e, traffic.subList(third, 2 * third));
        StackTraffic.awaitCheckpointed(e, 2 * third);
        long stopStarted = System.nanoTime();
        child.destroy(); // SIGTERM: the same shutdown path as Ctrl-C
        assertThat(child.waitFor(2, TimeUnit.MINUTES)).as("stopped after SIGTERM").isTrue();
        long stopMs = StackTraffic.millisSince(stopStarted);
        assertThat(output()).contains("driftwatch up: stopping...");

        resumeStarted = System.nanoTime();
        e = startChild(data, true);
        long resumeAfterStopMs = StackTraffic.millisSince(resumeStarted);
        StackTraffic.send(e, traffic.subList(2 * third, traffic.size()));
        Endpoints last = e;
        await("the restarted run's rows, alerts and dead letters equal the uninterrupted run's")
                .atMost(Duration.ofMinutes(4))
                .pollInterval(Duration.ofSeconds(2))
                .untilAsserted(
                        () -> StackTraffic.assertSameOutcome(StackTraffic.outcome(last), expected));
        System.out.printf(
                "up durability: kill -9 took %d ms; resumed after kill in %d ms; SIGTERM stop took"
                        + " %d ms; resumed after stop in %d ms; compared %d drift rows, %d alerts,"
                        + " %d dead letters%n",
                killMs,
                resumeAfterKillMs,
                stopMs,
                resumeAfterStopMs,
                expected.drift().size(),
                expected.alerts().size(),
                expected.deadLetters().size());
    }

    /** Starts {@code driftwatch up} as a separate JVM and waits for its endpoints.json. */
    private Endpoints startChild(Path data, boolean resumes) throws Exception {
        Files.createDirectories(data);
        Files.deleteIfExists(data.resolve(Endpoints.FILE));
        String java =
                ProcessHandle.current()
                        .info()
                        .command()
                        .orElse(
                                System.getProperty("java.home")
                                        + File.separator
                                        + "bin"
                                        + File.separator
                                        + "java");
        List<String> command =
                new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path")));
        command.add(Driftwatch.class.getName());
        command.addAll(StackTraffic.upArgs(data));
        Path log = dir.resolve("up.log");
        child =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                        .start();
        await("endpoints.json of the started up")
                .atMost(Duration.ofMinutes(4))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> Files.exists(data.resolve(Endpoints.FILE)) || !child.isAlive());
        assertThat(child.isAlive()).as("up is running; its output:%n%s", output()).isTrue();
        if (resumes) {
            assertThat(output())
                    .contains("starting the drift and performance jobs from checkpoint");
        }
        return Endpoints.readFrom(data);
    }

    private String output() throws Exception {
        return Files.readString(dir.resolve("up.log"), StandardCharsets.UTF_8);
    }
}
