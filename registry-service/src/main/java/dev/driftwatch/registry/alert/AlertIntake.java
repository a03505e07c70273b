package dev.driftwatch.registry.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.driftwatch.core.DriftCoreException;
import dev.driftwatch.core.alert.Alert;
import dev.driftwatch.core.alert.AlertLabels;
import dev.driftwatch.registry.RegistryException;
import dev.driftwatch.registry.notify.Delivery;
import dev.driftwatch.registry.notify.DeliveryDao;
import dev.driftwatch.registry.notify.Route;
import dev.driftwatch.registry.notify.RouteDao;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Where alerts come in, from HTTP and from Kafka alike: stores each occurrence (fingerprint +
 * startsAt) once, moves it firing → resolved, and queues one delivery per matching route and event,
 * honouring each route's repeat interval.
 *
 * <pre>{@code
 * AlertIntake intake = new AlertIntake(jdbi, clock, dispatcher::wakeUp);
 * intake.receive(AlertIntake.parse(bodyJson), "http");
 * }</pre>
 */
public final class AlertIntake {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** What happened to the alerts of one call. */
    public record Outcome(int received, int stored, int resolved, int duplicates) {}

    private final Jdbi jdbi;
    private final Clock clock;
    private final Runnable deliveriesQueued;
    private final FiringAlertListener firingListener;

    public AlertIntake(Jdbi jdbi, Clock clock, Runnable deliveriesQueued) {
        this(jdbi, clock, deliveriesQueued, FiringAlertListener.NONE);
    }

    /** Also tells {@code firingListener} (the retrain orchestrator) about new firing alerts. */
    public AlertIntake(
            Jdbi jdbi, Clock clock, Runnable deliveriesQueued, FiringAlertListener firingListener) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.deliveriesQueued = deliveriesQueued;
        this.firingListener = firingListener;
    }

    /**
     * Reads a Driftwatch alert object, a JSON array of them, or an Alertmanager webhook body
     * ({@code {"version": "4", "alerts": [...]}}).
     */
    public static List<Alert> parse(JsonNode body) {
        JsonNode items = body;
        if (body.isObject() && body.has("alerts")) {
            JsonNode version = body.get("version");
            if (version != null && !"4".equals(version.asText())) {
                throw RegistryException.invalid(
                        "Alertmanager webhook version "
                                + version
                                + " is not supported; expected \"4\"");
            }
            items = body.get("alerts");
            if (!items.isArray()) {
                throw RegistryException.invalid("'alerts' must be an array of alert objects");
            }
        }
        List<Alert> out = new ArrayList<>();
        if (items.isArray()) {
            int i = 0;
            for (JsonNode n : items) {
                out.add(one(n, "alert " + i++));
            }
        } else if (items.isObject()) {
            out.add(one(items, "alert"));
        } else {
            throw RegistryException.invalid(
                    "expected an alert object, an array of alerts or an Alertmanager webhook body");
        }
        return out;
    }

    private static Alert one(JsonNode n, String where) {
        try {
            return Alert.fromJsonNode(n);
        } catch (DriftCoreException e) {
            throw RegistryException.invalid(where + ": " + e.getMessage());
        }
    }

    /** Stores the alerts (each in its own transaction) and queues their notifications. */
    public Outcome receive(List<Alert> alerts, String via) {
        int stored = 0;
        int resolved = 0;
        int duplicates = 0;
        boolean queued = false;
        for (Alert a : alerts) {
            Transition t = jdbi.inTransaction(h -> store(h, a, via));
            switch (t) {
                case NEW_FIRING, NEW_RESOLVED -> stored++;
                case RESOLVED -> resolved++;
                case DUPLICATE -> duplicates++;
            }
            queued |= t == Transition.NEW_FIRING || t == Transition.RESOLVED;
        }
        if (queued) {
            deliveriesQueued.run();
        }
        return new Outcome(alerts.size(), stored, resolved, duplicates);
    }

    private enum Transition {
        NEW_FIRING,
        NEW_RESOLVED,
        RESOLVED,
        DUPLICATE
    }

    private Transition store(Handle h, Alert a, String via) {
        AlertDao alerts = h.attach(AlertDao.class);
        OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
        OffsetDateTime startsAt = a.startsAt().atOffset(ZoneOffset.UTC);
        OffsetDateTime endsAt = a.isFiring() ? null : a.endsAt().atOffset(ZoneOffset.UTC);
        Double value = number(a.annotations().get("value"));
        Double threshold = number(a.annotations().get("threshold"));
        var inserted =
                alerts.insert(
                        new StoredAlert(
                                0,
                                a.fingerprint(),
                                startsAt,
                                a.status(),
                                a.label(AlertLabels.ALERTNAME),
                                a.label(AlertLabels.SEVERITY),
                                a.label(AlertLabels.MODEL_NAME),
                                a.label(AlertLabels.MODEL_VERSION),
                                json(a.labels()),
                                json(a.annotations()),
                                endsAt,
                                value,
                                threshold,
                                a.generatorUrl(),
                                via,
                                "none"),
                        now);
        if (inserted.isPresent()) {
            long id = inserted.get();
            if (a.isFiring()) {
                queueTriggers(h, id, a, now);
                alerts.refreshDeliveryState(id);
                firingListener.firing(h, id, a);
                return Transition.NEW_FIRING;
            }
            return Transition.NEW_RESOLVED;
        }
        StoredAlert existing = alerts.lock(a.fingerprint(), startsAt).orElseThrow();
        if (!a.isFiring() && Alert.FIRING.equals(existing.status())) {
            alerts.resolve(existing.id(), endsAt, json(a.annotations()), value, threshold, now);
            queueResolves(h, existing.id(), a, now);
            alerts.refreshDeliveryState(existing.id());
            return Transition.RESOLVED;
        }
        alerts.seenAgain(existing.id(), now);
        return Transition.DUPLICATE;
    }

    private void queueTriggers(Handle h, long alertId, Alert a, OffsetDateTime now) {
        DeliveryDao deliveries = h.attach(DeliveryDao.class);
        for (Route r : matchingRoutes(h, a)) {
            boolean repeat =
                    deliveries.notifiedSince(
                            r.id(),
                            a.fingerprint(),
                            now.minusNanos(r.repeatIntervalMs() * 1_000_000));
            deliveries.insert(
                    alertId,
                    r.id(),
                    Delivery.TRIGGER,
                    repeat ? Delivery.SUPPRESSED : Delivery.PENDING,
                    now);
        }
    }

    private void queueResolves(Handle h, long alertId, Alert a, OffsetDateTime now) {
        DeliveryDao deliveries = h.attach(DeliveryDao.class);
        for (Route r : matchingRoutes(h, a)) {
            String trigger = deliveries.triggerStatus(alertId, r.id()).orElse("");
            if (r.sendResolved() && (trigger.equals("pending") || trigger.equals("delivered"))) {
                deliveries.insert(alertId, r.id(), Delivery.RESOLVE, Delivery.PENDING, now);
            }
        }
    }

    private static List<Route> matchingRoutes(Handle h, Alert a) {
        return h.attach(RouteDao.class).all().stream()
                .filter(
                        r ->
                                r.matches(
                                        a.label(AlertLabels.MODEL_NAME),
                                        a.label(AlertLabels.SEVERITY),
                                        a.label(AlertLabels.ALERTNAME)))
                .toList();
    }

    private static Double number(String s) {
        if (s == null || s.isBlank()) {
            return null;
        }
        try {
            double d = Double.parseDouble(s.strip());
            return Double.isFinite(d) ? d : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String json(Map<String, String> m) {
        try {
            return MAPPER.writeValueAsString(m);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
