package dev.driftwatch.registry.notify;

import com.fasterxml.jackson.databind.JsonNode;
import dev.driftwatch.registry.RegistryException;
import dev.driftwatch.registry.alert.AlertDao;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import org.jdbi.v3.core.Jdbi;

/**
 * The notification routes: created or replaced by name, listed, deleted. Deleting a route ends what
 * it still had to send: its pending deliveries become {@code cancelled} (kept in the log with the
 * reason), and the alerts they belonged to get their {@code delivery_state} recomputed, so none
 * stays {@code pending} for a route that no longer exists.
 *
 * <pre>{@code
 * routes.put(body);
 * routes.delete("fraud-slack");
 * }</pre>
 */
public final class NotificationRoutes {
    private final Jdbi jdbi;
    private final Clock clock;
    private final OutboundAddresses outbound;

    public NotificationRoutes(Jdbi jdbi, Clock clock, OutboundAddresses outbound) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.outbound = outbound;
    }

    /**
     * Creates or replaces the route {@code body} describes ({@link RouteSpec}); a URL that can
     * never be sent to (scheme, port, a literal internal address) is refused now, a host name is
     * checked when each delivery is sent.
     */
    public Route put(JsonNode body) {
        Route r = RouteSpec.parse(body);
        if (r.url() != null) {
            java.net.URI uri;
            try {
                uri = java.net.URI.create(r.url());
            } catch (IllegalArgumentException e) {
                throw RegistryException.invalid("'url' is not a URL");
            }
            outbound.refusalWithoutLookup(uri)
                    .ifPresent(
                            why -> {
                                throw RegistryException.invalid("'url': " + why);
                            });
        }
        jdbi.useExtension(RouteDao.class, d -> d.upsert(r, clock.millis()));
        return jdbi.withExtension(RouteDao.class, d -> d.byName(r.name())).orElseThrow();
    }

    public List<Route> list() {
        return jdbi.withExtension(RouteDao.class, RouteDao::all);
    }

    /** Deletes the route, cancelling what it had not sent yet. */
    public void delete(String name) {
        jdbi.useTransaction(
                h -> {
                    RouteDao routes = h.attach(RouteDao.class);
                    Route r =
                            routes.byName(name)
                                    .orElseThrow(
                                            () ->
                                                    RegistryException.notFound(
                                                            "No route named " + name));
                    List<Long> alerts =
                            h.attach(DeliveryDao.class)
                                    .cancelPendingOfRoute(
                                            r.id(),
                                            "route " + name + " was deleted before this was sent");
                    routes.delete(r.id());
                    AlertDao alertDao = h.attach(AlertDao.class);
                    alerts.stream()
                            .filter(Objects::nonNull)
                            .distinct()
                            .forEach(alertDao::refreshDeliveryState);
                });
    }
}
