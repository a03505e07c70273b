package dev.driftwatch.registry.console;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * The time range a console page shows ({@code ?range=1h|6h|24h|7d|30d|90d}, default 24h), ending
 * now, the bucket width that keeps a chart at most a given number of columns or points, and the
 * resolution (window size) its drift charts read.
 */
public record TimeRange(String name, Duration length, Instant from, Instant to) {
    /** The ranges offered, shortest first. */
    public static final List<String> NAMES = List.of("1h", "6h", "24h", "7d", "30d", "90d");

    /** The fewest windows a chart gets from a coarser resolution chosen for it. */
    public static final long MIN_WINDOWS = 60;

    /** The range shown without a {@code range} parameter. */
    public static final String DEFAULT = "24h";

    /**
     * The range {@code name} ending at {@code now}; null when the name is not one of {@link
     * #NAMES}.
     */
    public static TimeRange parse(String name, Instant now) {
        String n = name == null || name.isEmpty() ? DEFAULT : name;
        Duration d =
                switch (n) {
                    case "1h" -> Duration.ofHours(1);
                    case "6h" -> Duration.ofHours(6);
                    case "24h" -> Duration.ofHours(24);
                    case "7d" -> Duration.ofDays(7);
                    case "30d" -> Duration.ofDays(30);
                    case "90d" -> Duration.ofDays(90);
                    default -> null;
                };
        return d == null ? null : new TimeRange(n, d, now.minus(d), now);
    }

    /**
     * The bucket width in seconds that puts the range in at most {@code columns} buckets (aligned
     * to the epoch, so the range may start and end in part of one): a whole number of minutes, at
     * least one.
     */
    public long bucketSeconds(int columns) {
        long slots = Math.max(1, columns - 1);
        long minutes = (length.toSeconds() + 60L * slots - 1) / (60L * slots);
        return Math.max(1, minutes) * 60;
    }

    /**
     * The resolution (window size in seconds) to read this range at: the coarsest of {@code
     * available} that is at least {@code base} and still puts {@link #MIN_WINDOWS} windows in the
     * range, else {@code base}. With five-minute base windows and hourly and daily resolutions: up
     * to 24h the base windows, 7d and 30d hourly ones, 90d daily ones.
     */
    public long resolutionSeconds(long base, Collection<Long> available) {
        long pick = base;
        for (long s : available) {
            if (s > pick && length.toSeconds() / s >= MIN_WINDOWS) {
                pick = s;
            }
        }
        return pick;
    }
}
