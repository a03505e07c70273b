package dev.driftwatch.registry.alert;

import java.time.OffsetDateTime;

/** A row of {@code alerts}: one occurrence (fingerprint + startsAt) of an alert. */
public record StoredAlert(
        long id,
        String fingerprint,
        OffsetDateTime startsAt,
        String status,
        String alertname,
        String severity,
        String modelName,
        String modelVersion,
        String labels,
        String annotations,
        OffsetDateTime endsAt,
        Double value,
        Double threshold,
        String generatorUrl,
        String receivedVia,
        String deliveryState) {}
