package dev.driftwatch.registry.retrain;

import dev.driftwatch.registry.RegistryException;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations written as Flink writes them ({@code 500ms}, {@code 30s}, {@code 5min}, {@code 1h},
 * {@code 28d}).
 */
final class DurationText {
    private static final Pattern P = Pattern.compile("(\\d+)\\s*(ms|s|min|m|h|d)");

    private DurationText() {}

    static Duration parse(String field, String text) {
        Matcher m = P.matcher(text == null ? "" : text.strip());
        if (!m.matches()) {
            throw RegistryException.invalid(
                    "'"
                            + field
                            + "' must be a duration such as 30s, 5min, 2h or 7d; was '"
                            + text
                            + "'");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "min", "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }
}
