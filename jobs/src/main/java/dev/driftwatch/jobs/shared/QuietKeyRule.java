package dev.driftwatch.jobs.shared;

import java.io.Serializable;
import java.time.Duration;

/**
 * The processing-time rule that closes the windows of quiet keys. Event time only moves with
 * traffic: when a whole stream is quiet, no watermark passes the end of its open windows. So a
 * window of a key (model, version, segment) that has received nothing for {@code timeout} after the
 * window's end is closed without the watermark: at the first processing time {@code now} with
 * {@code now >= windowEnd + timeout} and {@code now >= lastArrival + timeout}, where {@code
 * lastArrival} is when the key last received data and {@code windowEnd} is read on the processing
 * clock. Rows of such a window say {@code closed_by = 'timeout'}. A timeout of 0 turns the rule
 * off.
 *
 * <p>Timers are set on a coarse grid ({@link #checkTime}, steps of an eighth of the timeout, at
 * least one second), so a key holds a handful of timers whatever its traffic; a window closes at
 * most one step later than the rule says.
 */
public record QuietKeyRule(long timeoutMs) implements Serializable {
    /** A window's rows written because the watermark passed the window's end. */
    public static final String BY_WATERMARK = "watermark";

    /** A window's rows written because its key was quiet (this rule). */
    public static final String BY_TIMEOUT = "timeout";

    public QuietKeyRule {
        if (timeoutMs < 0) {
            throw new IllegalArgumentException("quiet timeout must be >= 0");
        }
    }

    public static QuietKeyRule of(Duration timeout) {
        return new QuietKeyRule(timeout.toMillis());
    }

    /** The rule turned off: only the watermark closes windows. */
    public static QuietKeyRule off() {
        return new QuietKeyRule(0);
    }

    public boolean enabled() {
        return timeoutMs > 0;
    }

    /**
     * True when a window ending at {@code windowEnd} of a key last heard from at {@code
     * lastArrival} is closed by this rule at processing time {@code now}.
     */
    public boolean closes(long windowEnd, long lastArrival, long now) {
        return enabled()
                && now >= saturatedAdd(windowEnd, timeoutMs)
                && now >= saturatedAdd(lastArrival, timeoutMs);
    }

    /**
     * The timer time at which to check a key that is quiet from {@code from} on: {@code from +
     * timeout}, rounded up to the grid.
     */
    public long checkTime(long from) {
        long t = saturatedAdd(from, timeoutMs);
        long step = Math.max(1000, timeoutMs / 8);
        long rest = Math.floorMod(t, step);
        return rest == 0 ? t : saturatedAdd(t, step - rest);
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }
}
