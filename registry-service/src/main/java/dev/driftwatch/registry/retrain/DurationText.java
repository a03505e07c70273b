package dev.driftwatch.registry.retrain;

import dev.driftwatch.registry.RegistryException;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations written as Flink writes them ({@code 500ms}, {@code 30s}, {@code 5min}, {@code 1h},
 * {@code 28d}), at most {@value #MAX_DAYS} days: a longer one is refused with a 400, never an
 * overflow later.
 */
final class DurationText {
    /** The longest duration accepted (10 years). */
    static final int MAX_DAYS = 3650;

    private static final Pattern P = Pattern.compile("(\\d{1,15})\\s*(ms|s|min|m|h|d)");

    private DurationText() {}

    static Duration parse(String field, String text) {
        Matcher m = P.matcher(text == null ? "" : text.strip());
        if (!m.matches()) {
            throw RegistryException.invalid(
                    "'"
                            + field
                            + "' must be a duration such as 30s, 5min, 2h or 7d; was '"
                            + clip(text)
                            + "'");
        }
        long n = Long.parseLong(m.group(1));
        Duration d =
                switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "min", "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
        if (d.compareTo(Duration.ofDays(MAX_DAYS)) > 0) {
            throw RegistryException.invalid(
                    "'" + field + "' must be at most " + MAX_DAYS + "d; was '" + clip(text) + "'");
        }
        return d;
    }

    /** The shortest exact text of {@code d}: {@code 2h}, {@code 90min}, {@code 1500ms}. */
    static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 86_400_000L == 0 && ms > 0) {
            return ms / 86_400_000L + "d";
        }
        if (ms % 3_600_000L == 0 && ms > 0) {
            return ms / 3_600_000L + "h";
        }
        if (ms % 60_000L == 0 && ms > 0) {
            return ms / 60_000L + "min";
        }
        if (ms % 1000L == 0) {
            return ms / 1000L + "s";
        }
        return ms + "ms";
    }

    private static String clip(String s) {
        return s == null ? "null" : s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}
