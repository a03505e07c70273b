package dev.driftwatch.jobs.shared;

import java.io.Serializable;
import java.time.Duration;

/**
 * Event-time windows aligned to the epoch (Flink's default): tumbling when slide == size, sliding
 * otherwise; plus the allowed lateness after a window's end.
 */
public record WindowSpec(long sizeMs, long slideMs, long allowedLatenessMs)
        implements Serializable {
    public WindowSpec {
        if (sizeMs <= 0 || slideMs <= 0 || slideMs > sizeMs) {
            throw new IllegalArgumentException(
                    "window size must be > 0 and slide in (0, size]; got size "
                            + sizeMs
                            + " ms, slide "
                            + slideMs
                            + " ms");
        }
        if (allowedLatenessMs < 0) {
            throw new IllegalArgumentException("allowed lateness must be >= 0");
        }
    }

    public static WindowSpec of(Duration size, Duration slide, Duration lateness) {
        return new WindowSpec(
                size.toMillis(),
                slide == null ? size.toMillis() : slide.toMillis(),
                lateness.toMillis());
    }

    /** The start of the latest window containing {@code timestamp}. */
    public long lastStart(long timestamp) {
        return timestamp - Math.floorMod(timestamp, slideMs);
    }

    /** True while {@code start} is the start of a window containing {@code timestamp}. */
    public boolean contains(long start, long timestamp) {
        return start > timestamp - sizeMs && start <= timestamp;
    }

    public long end(long start) {
        return start + sizeMs;
    }

    /** The watermark after which a window's state is dropped and later events are rejected. */
    public long cleanupTime(long start) {
        return end(start) - 1 + allowedLatenessMs;
    }
}
