package dev.driftwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.driftwatch.testsupport.TestPorts;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code demo} end to end: drift metrics, an alert with its Slack and PagerDuty payloads, the
 * accuracy of the first window after the (covariate) shift estimated and alerted on before any of
 * its labels arrived, then realised from its labels, a retraining run trained by a separate
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
                        "8",
                        "--exit-when-done");
        System.out.print(run.out()); // the phases with their times, in the test report
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out())
                .contains(
                        "phase 1/10 drift metrics: the first window's PSI",
                        "phase 2/10 shift: the world shifted",
                        "phase 3/10 alert: alert fired",
                        "\"blocks\"",
                        "\"dedup_key\"",
                        "training -> trained",
                        "validating -> validated",
                        "-> promoted",
                        "phase 9/10 new baseline: the drift job now compares version 2",
                        "phase 10/10 resolved: the alert resolved",
                        "SELECT");
        // the estimate of the first window after the shift, and its alert, came before any of the
        // window's labels was sent (the simulator's record, read when the demo saw the alert) and
        // the database had none of them; the realised accuracy came with the labels
        String estimated = phase(run.out(), "phase 4/10 estimated performance: ");
        assertThat(estimated)
                .contains(
                        "(the first after the shift) closed, label coverage 0 (0 of its",
                        "Accuracy estimated from the calibrated scores: ",
                        "Alert EstimatedPerformanceDrop fired on window ",
                        " before any of its labels arrived: value ");
        String realised = phase(run.out(), "phase 5/10 realised performance: ");
        assertThat(realised).contains("now that its labels came", "estimation error");
        assertThat(run.out().indexOf(estimated)).isLessThan(run.out().indexOf(realised));
    }

    /** The text of one phase: from its heading to the next blank line. */
    private static String phase(String out, String heading) {
        int start = out.indexOf(heading);
        assertThat(start).as("%s in%n%s", heading, out).isNotNegative();
        int end = out.indexOf("\n\n", start);
        return out.substring(start, end < 0 ? out.length() : end);
    }
}
