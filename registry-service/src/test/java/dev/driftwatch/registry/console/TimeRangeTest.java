package dev.driftwatch.registry.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Range names and bucket widths: never more buckets than asked for, wherever the range starts. */
class TimeRangeTest {
    @Test
    void parsesTheOfferedRangesOnly() {
        Instant now = Instant.parse("2026-11-30T04:00:00Z");
        assertThat(TimeRange.parse(null, now).name()).isEqualTo("24h");
        assertThat(TimeRange.parse("", now).length()).isEqualTo(Duration.ofHours(24));
        assertThat(TimeRange.parse("90d", now).from()).isEqualTo(now.minus(Duration.ofDays(90)));
        assertThat(TimeRange.parse("2y", now)).isNull();
        assertThat(TimeRange.parse("1h\u0000", now)).isNull();
    }

    @Test
    void bucketsKeepEveryRangeWithinTheColumnsWhereverItStarts() {
        for (String name : TimeRange.NAMES) {
            for (int columns : new int[] {2, 96, 400}) {
                for (long offset = 0; offset < 3600; offset += 97) {
                    TimeRange r =
                            TimeRange.parse(
                                    name,
                                    Instant.parse("2026-11-30T04:00:00Z").plusSeconds(offset));
                    long b = r.bucketSeconds(columns);
                    assertThat(b % 60).isZero();
                    long first = Math.floorDiv(r.from().getEpochSecond(), b);
                    long last = Math.floorDiv(r.to().getEpochSecond() - 1, b);
                    assertThat(last - first + 1)
                            .as("%s in %d columns", name, columns)
                            .isLessThanOrEqualTo(columns);
                }
            }
        }
        // 30 days of 5-minute windows in 96 columns: buckets of 455 minutes
        assertThat(TimeRange.parse("30d", Instant.EPOCH).bucketSeconds(96)).isEqualTo(455 * 60);
        // six hours: 4-minute buckets, so every 5-minute window has its own column
        assertThat(TimeRange.parse("6h", Instant.EPOCH).bucketSeconds(96)).isEqualTo(4 * 60);
    }

    @Test
    void theResolutionIsTheCoarsestThatKeepsEnoughWindows() {
        java.util.List<Long> sizes = java.util.List.of(300L, 3600L, 86400L);
        Instant now = Instant.parse("2026-11-30T04:00:00Z");
        assertThat(TimeRange.parse("1h", now).resolutionSeconds(300, sizes)).isEqualTo(300);
        assertThat(TimeRange.parse("24h", now).resolutionSeconds(300, sizes)).isEqualTo(300);
        assertThat(TimeRange.parse("7d", now).resolutionSeconds(300, sizes)).isEqualTo(3600);
        assertThat(TimeRange.parse("30d", now).resolutionSeconds(300, sizes)).isEqualTo(3600);
        assertThat(TimeRange.parse("90d", now).resolutionSeconds(300, sizes)).isEqualTo(86400);
        // never finer than the base windows, and the base windows when nothing coarser fits
        assertThat(TimeRange.parse("90d", now).resolutionSeconds(300, java.util.List.of(60L)))
                .isEqualTo(300);
        assertThat(TimeRange.parse("6h", now).resolutionSeconds(3600, sizes)).isEqualTo(3600);
    }
}
