package dev.driftwatch.core.event;

import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * The limits of the event and label contracts, checked at the edge so that nothing downstream (keys
 * in state, PostgreSQL key columns, the watermark) ever sees a value it cannot hold:
 *
 * <ul>
 *   <li>names — prediction ids, model names and versions, segments, feature names, tag keys and
 *       values, labels — are at most {@value #MAX_NAME_LENGTH} characters (Unicode code points) and
 *       hold no control character (U+0000–U+001F, U+007F–U+009F; NUL included) and no unpaired
 *       surrogate;
 *   <li>a timestamp is not before 1970-01-01T00:00:00Z and at most {@code futureTolerance} ahead of
 *       the processing clock (replaying old data stays allowed; one event stamped in the year 2999
 *       must not move event time);
 *   <li>numbers are finite (or null, which is missing).
 * </ul>
 *
 * Each check returns null when the value is within the contract, else the reason (for the dead
 * letter), so the hot path throws nothing and allocates nothing for valid values.
 *
 * <pre>{@code
 * EventLimits limits = EventLimits.of(Duration.ofDays(1));
 * String why = limits.timestampProblem(event.timestamp, System.currentTimeMillis());
 * }</pre>
 */
public record EventLimits(long futureToleranceMs) implements Serializable {
    /** The longest name, in characters (code points). */
    public static final int MAX_NAME_LENGTH = 256;

    /** How far ahead of the processing clock a timestamp may be, by default. */
    public static final Duration DEFAULT_FUTURE_TOLERANCE = Duration.ofDays(1);

    public EventLimits {
        if (futureToleranceMs < 0) {
            throw new IllegalArgumentException("future tolerance must be >= 0");
        }
    }

    public static EventLimits of(Duration futureTolerance) {
        return new EventLimits(futureTolerance.toMillis());
    }

    public static EventLimits defaults() {
        return of(DEFAULT_FUTURE_TOLERANCE);
    }

    /** True when {@code value} is a valid name (see the class comment). */
    public static boolean isName(String value) {
        int n = value.length();
        if (n > MAX_NAME_LENGTH && value.codePointCount(0, n) > MAX_NAME_LENGTH) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || Character.isLowSurrogate(c)) {
                return false;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= n || !Character.isLowSurrogate(value.charAt(i + 1))) {
                    return false;
                }
                i++;
            }
        }
        return true;
    }

    /**
     * Null when {@code value} is a valid name, else why not, naming it as {@code what} (e.g. "field
     * 'model_name'").
     */
    public static String nameProblem(String what, String value) {
        if (isName(value)) {
            return null;
        }
        int n = value.length();
        if (n > MAX_NAME_LENGTH && value.codePointCount(0, n) > MAX_NAME_LENGTH) {
            return what + " is longer than " + MAX_NAME_LENGTH + " characters";
        }
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
                return what + " contains a control character (" + codePoint(c) + ")";
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < n && Character.isLowSurrogate(value.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return what + " contains an unpaired surrogate (" + codePoint(c) + ")";
            }
            if (Character.isLowSurrogate(c)) {
                return what + " contains an unpaired surrogate (" + codePoint(c) + ")";
            }
        }
        return what + " is not a valid name";
    }

    /**
     * Null when {@code timestamp} (epoch ms) is within the contract at processing time {@code now}.
     */
    public String timestampProblem(long timestamp, long now) {
        if (timestamp < 0) {
            return "timestamp "
                    + Instant.ofEpochMilli(timestamp)
                    + " is before 1970-01-01T00:00:00Z";
        }
        if (timestamp - futureToleranceMs > now) {
            return "timestamp "
                    + Instant.ofEpochMilli(timestamp)
                    + " is more than "
                    + Duration.ofMillis(futureToleranceMs)
                            .toString()
                            .substring(2)
                            .toLowerCase(Locale.ROOT)
                    + " ahead of the processing clock ("
                    + Instant.ofEpochMilli(now)
                    + ")";
        }
        return null;
    }

    /** Null when {@code value} is finite. */
    public static String numberProblem(String what, double value) {
        return Double.isFinite(value) ? null : what + " is not a finite number";
    }

    private static String codePoint(char c) {
        return String.format(Locale.ROOT, "U+%04X", (int) c);
    }
}
