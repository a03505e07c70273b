package dev.driftwatch.registry.notify;

import java.time.OffsetDateTime;

/**
 * A row of {@code deliveries}: one notification to one route, of either an alert occurrence ({@code
 * alertId}; events {@code trigger}, {@code resolve}) or a retraining run's event ({@code
 * retrainRunId} and {@code payload}, a {@link RunEvent} as JSON; events {@code launched}, {@code
 * failed}, {@code rejected}, {@code promoted}, and {@code resolve} for a failed run's page).
 * Exactly one of {@code alertId} and {@code retrainRunId} is set. {@code routeId} is null once the
 * route was deleted (the delivery was then {@code cancelled} if it was still pending). {@code
 * status}: see {@link DeliveryDao}.
 */
public record Delivery(
        long id,
        Long alertId,
        Long retrainRunId,
        Long routeId,
        String event,
        String status,
        int attempts,
        Integer lastStatus,
        String lastError,
        OffsetDateTime nextAttemptAt,
        OffsetDateTime createdAt,
        OffsetDateTime deliveredAt,
        String payload) {
    public static final String TRIGGER = "trigger";
    public static final String RESOLVE = "resolve";

    public static final String PENDING = "pending";
    public static final String SUPPRESSED = "suppressed";

    /** Whether this delivery notifies a retraining run's event rather than an alert. */
    public boolean isRunEvent() {
        return retrainRunId != null;
    }
}
