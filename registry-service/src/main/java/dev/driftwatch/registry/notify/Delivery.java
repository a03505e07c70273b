package dev.driftwatch.registry.notify;

import java.time.OffsetDateTime;

/** A row of {@code deliveries}: one notification of one alert occurrence to one route. */
public record Delivery(
        long id,
        long alertId,
        long routeId,
        String event,
        String status,
        int attempts,
        Integer lastStatus,
        String lastError,
        OffsetDateTime nextAttemptAt,
        OffsetDateTime createdAt,
        OffsetDateTime deliveredAt) {
    public static final String TRIGGER = "trigger";
    public static final String RESOLVE = "resolve";
}
