package dev.driftwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.driftwatch.testsupport.TestPorts;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code demo} end to end: drift metrics, an alert with its Slack and PagerDuty payloads, the
 * accuracy estimated before labels next to the realised one, a retraining run trained by a separate
 * process, validated and promoted, the new baseline, the alert resolved.
 */
class DemoCommandITCase {
    @TempDir Path dataDir;

    @Test
    void theWholeLoopCompletes() throws Exception {
        CliRun run =
                CliRun.of(
                        "demo",
                        "--data-dir",
                        dataDir.toString(),
                        "--web-ui-port",
                        Integer.toString(TestPorts.free()),
                        "--registry-port",
                        "0",
                        "--shift-after",
                        "25",
                        "--events-per-second",
                        "80",
                        "--timeout",
                        "6",
                        "--exit-when-done");
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out())
                .contains(
                        "phase 1/9 drift metrics: the first window's PSI",
                        "phase 3/9 alert: alert fired",
                        "phase 4/9 estimated performance: accuracy of the first window after the"
                                + " shift, estimated from the calibrated scores",
                        "\"blocks\"",
                        "\"dedup_key\"",
                        "training -> trained",
                        "validating -> validated",
                        "-> promoted",
                        "phase 8/9 new baseline: the drift job now compares version 2",
                        "phase 9/9 resolved: the alert resolved",
                        "SELECT");
    }
}
