package dev.driftwatch.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What a run is charged: GPUs times the time it ran, and nothing before it started. */
class RunStatusTest {
    static final Instant START = Instant.parse("2026-11-26T10:00:00Z");

    static RunStatus status(int gpus, RunPhase phase, Instant started, Instant finished) {
        return new RunStatus(
                "rr-1-training",
                "fraud",
                RunKind.TRAINING,
                gpus,
                phase,
                "",
                "",
                started,
                finished,
                "");
    }

    @Test
    void aFinishedRunIsChargedGpusTimesItsRunTimeWhateverTheClockSays() {
        RunStatus failed = status(2, RunPhase.FAILED, START, START.plusMillis(500));
        // 2 GPUs x 0.5 s = 1 GPU-second = 1/3600 GPU-hours
        assertThat(failed.gpuHours(START.plusSeconds(86_400))).isCloseTo(1 / 3600.0, within(1e-15));
        RunStatus done = status(4, RunPhase.SUCCEEDED, START, START.plusSeconds(90 * 60));
        assertThat(done.gpuHours(Instant.MAX)).isEqualTo(6.0);
    }

    @Test
    void aRunningRunIsChargedUpToNow() {
        RunStatus running = status(1, RunPhase.RUNNING, START, null);
        assertThat(running.gpuHours(START.plusSeconds(45 * 60))).isEqualTo(0.75);
    }

    @Test
    void nothingIsChargedBeforeTheRunStartedOrWithoutGpus() {
        assertThat(status(8, RunPhase.PENDING, null, null).gpuHours(START)).isZero();
        assertThat(status(8, RunPhase.FAILED, null, START).gpuHours(START)).isZero();
        assertThat(status(0, RunPhase.SUCCEEDED, START, START.plusSeconds(3600)).gpuHours(START))
                .isZero();
        // a clock behind the start (another machine's time) charges nothing rather than less
        assertThat(status(1, RunPhase.RUNNING, START, null).gpuHours(START.minusSeconds(5)))
                .isZero();
    }
}
