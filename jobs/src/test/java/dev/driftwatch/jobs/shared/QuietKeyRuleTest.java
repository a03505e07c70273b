package dev.driftwatch.jobs.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The quiet-key rule: when a window closes by timeout, and the grid of its timers. */
class QuietKeyRuleTest {
    private static final long MINUTE = 60_000;
    private final QuietKeyRule rule = QuietKeyRule.of(Duration.ofMinutes(5));

    @Test
    void closesOnceTheWindowsEndAndTheKeysLastArrivalAreATimeoutBehind() {
        long end = 10 * MINUTE;
        assertThat(rule.closes(end, 3 * MINUTE, 15 * MINUTE)).isTrue();
        assertThat(rule.closes(end, 3 * MINUTE, 15 * MINUTE - 1)).as("end + timeout").isFalse();
        assertThat(rule.closes(end, 12 * MINUTE, 16 * MINUTE)).as("key heard from").isFalse();
        assertThat(rule.closes(end, 12 * MINUTE, 17 * MINUTE)).isTrue();
        assertThat(QuietKeyRule.off().closes(0, 0, Long.MAX_VALUE)).isFalse();
        assertThat(rule.closes(Long.MAX_VALUE - 1, 0, Long.MAX_VALUE - 1)).isFalse();
    }

    @Test
    void checkTimesLieOnAGridOfAnEighthOfTheTimeoutAndNeverEarly() {
        long step = 5 * MINUTE / 8;
        for (long from : new long[] {0, 1, step - 1, step, 123_456_789}) {
            long t = rule.checkTime(from);
            assertThat(t)
                    .isGreaterThanOrEqualTo(from + 5 * MINUTE)
                    .isLessThan(from + 5 * MINUTE + step);
            assertThat(t % step).isZero();
        }
        assertThat(QuietKeyRule.of(Duration.ofSeconds(2)).checkTime(1)).isEqualTo(3000);
        assertThat(rule.checkTime(Long.MAX_VALUE - 10)).isEqualTo(Long.MAX_VALUE);
        assertThatThrownBy(() -> new QuietKeyRule(-1)).hasMessageContaining(">= 0");
    }
}
