package dev.driftwatch.registry.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.driftwatch.registry.RegistryException;
import dev.driftwatch.registry.alert.AlertDao;
import dev.driftwatch.registry.alert.AlertIntake;
import dev.driftwatch.registry.alert.StoredAlert;
import dev.driftwatch.registry.auth.AccessControl;
import dev.driftwatch.registry.auth.AccessToken;
import dev.driftwatch.registry.auth.Role;
import dev.driftwatch.registry.notify.Delivery;
import dev.driftwatch.registry.notify.DeliveryDao;
import dev.driftwatch.registry.notify.NotificationRoutes;
import dev.driftwatch.registry.notify.Route;
import dev.driftwatch.registry.notify.RouteDao;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import org.jdbi.v3.core.Jdbi;

/**
 * Alert intake ({@code POST /api/v1/alerts}: a Driftwatch alert, an array of them, or an
 * Alertmanager webhook body), the alert log, and notification routes ({@code /api/v1/routes},
 * admin; secrets are never returned).
 */
public final class AlertApi {
    private final AlertIntake intake;
    private final NotificationRoutes routes;
    private final Jdbi jdbi;
    private final AccessControl access;
    private final int maxBodyBytes;

    public AlertApi(
            AlertIntake intake,
            NotificationRoutes routes,
            Jdbi jdbi,
            AccessControl access,
            int maxBodyBytes) {
        this.intake = intake;
        this.routes = routes;
        this.jdbi = jdbi;
        this.access = access;
        this.maxBodyBytes = maxBodyBytes;
    }

    public void register(RoutesConfig routes) {
        routes.post("/api/v1/alerts", this::receive);
        routes.get("/api/v1/alerts", this::list);
        routes.get("/api/v1/alerts/{id}/deliveries", this::deliveries);
        routes.get("/api/v1/retrain-runs/{id}/deliveries", this::runDeliveries);
        routes.post("/api/v1/routes", this::putRoute);
        routes.get("/api/v1/routes", this::listRoutes);
        routes.delete("/api/v1/routes/{name}", this::deleteRoute);
    }

    private void receive(Context ctx) {
        access.require(ctx, Role.OPERATOR);
        JsonNode body = JsonRequest.parse(JsonRequest.readBody(ctx, maxBodyBytes));
        AlertIntake.Outcome o = intake.receive(AlertIntake.parse(body), "http");
        ObjectNode n = JsonViews.object();
        n.put("received", o.received());
        n.put("stored", o.stored());
        n.put("resolved", o.resolved());
        n.put("duplicates", o.duplicates());
        Responses.json(ctx, 200, n);
    }

    private void list(Context ctx) {
        access.require(ctx, Role.READER);
        String model = ctx.queryParam("model_name");
        String status = ctx.queryParam("status");
        int limit = 100;
        if (ctx.queryParam("limit") != null) {
            try {
                limit = Integer.parseInt(ctx.queryParam("limit"));
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > 1000) {
                throw RegistryException.invalid("limit must be between 1 and 1000");
            }
        }
        int l = limit;
        ObjectNode out = JsonViews.object();
        ArrayNode arr = out.putArray("alerts");
        jdbi.withExtension(
                        AlertDao.class,
                        d -> d.recent(model == null ? "" : model, status == null ? "" : status, l))
                .forEach(a -> arr.add(view(a)));
        Responses.json(ctx, 200, out);
    }

    private void deliveries(Context ctx) {
        AccessToken who = access.require(ctx, Role.READER);
        long id = pathId(ctx, "alert");
        Responses.json(
                ctx,
                200,
                deliveriesView(
                        jdbi.withExtension(DeliveryDao.class, dao -> dao.ofAlert(id)),
                        who.roleValue().includes(Role.ADMIN)));
    }

    /** The delivery log of a retraining run's events (launched, failed, rejected, promoted). */
    private void runDeliveries(Context ctx) {
        AccessToken who = access.require(ctx, Role.READER);
        long id = pathId(ctx, "run");
        Responses.json(
                ctx,
                200,
                deliveriesView(
                        jdbi.withExtension(DeliveryDao.class, dao -> dao.ofRun(id)),
                        who.roleValue().includes(Role.ADMIN)));
    }

    private static long pathId(Context ctx, String what) {
        try {
            return Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw RegistryException.invalid(what + " id must be a number");
        }
    }

    /**
     * The delivery log; {@code last_error} (why a delivery to a receiver failed, which says
     * something about the network behind the registry) only for an admin.
     */
    private ObjectNode deliveriesView(java.util.List<Delivery> deliveries, boolean admin) {
        ObjectNode out = JsonViews.object();
        ArrayNode arr = out.putArray("deliveries");
        for (Delivery d : deliveries) {
            ObjectNode n = arr.addObject();
            n.put("id", d.id());
            n.put(
                    "route",
                    d.routeId() == null
                            ? null
                            : jdbi.withExtension(RouteDao.class, r -> r.find(d.routeId()))
                                    .map(Route::name)
                                    .orElse(null));
            n.put("event", d.event());
            n.put("status", d.status());
            n.put("attempts", d.attempts());
            if (d.lastStatus() != null) {
                n.put("last_http_status", d.lastStatus());
            }
            if (admin) {
                n.put("last_error", d.lastError());
            }
            n.put("created_at", d.createdAt().toString());
            n.put("delivered_at", d.deliveredAt() == null ? null : d.deliveredAt().toString());
        }
        return out;
    }

    private void putRoute(Context ctx) {
        access.require(ctx, Role.ADMIN);
        Route r = routes.put(JsonRequest.parse(JsonRequest.readBody(ctx, maxBodyBytes)));
        Responses.json(ctx, 200, routeView(r));
    }

    private void listRoutes(Context ctx) {
        access.require(ctx, Role.READER);
        ObjectNode out = JsonViews.object();
        ArrayNode arr = out.putArray("routes");
        routes.list().forEach(r -> arr.add(routeView(r)));
        Responses.json(ctx, 200, out);
    }

    private void deleteRoute(Context ctx) {
        access.require(ctx, Role.ADMIN);
        routes.delete(ctx.pathParam("name"));
        Responses.json(ctx, 200, JsonViews.object());
    }

    /** A route without its secrets: the URL shows only scheme and host. */
    static ObjectNode routeView(Route r) {
        ObjectNode n = JsonViews.object();
        n.put("id", r.id());
        n.put("name", r.name());
        n.put("receiver", r.receiver());
        n.put("url", r.redactedUrl());
        n.put("has_routing_key", r.routingKey() != null);
        n.put("has_secret", r.secret() != null);
        ObjectNode m = n.putObject("match");
        m.put("model_name", r.matchModel());
        m.put("severity", r.matchSeverity());
        m.put("alertname", r.matchAlertname());
        n.put("repeat_interval_s", r.repeatIntervalMs() / 1000);
        n.put("send_resolved", r.sendResolved());
        return n;
    }

    private static ObjectNode view(StoredAlert a) {
        ObjectNode n = JsonViews.object();
        n.put("id", a.id());
        n.put("fingerprint", a.fingerprint());
        n.put("status", a.status());
        try {
            n.set("labels", JsonRequest.MAPPER.readTree(a.labels()));
            n.set("annotations", JsonRequest.MAPPER.readTree(a.annotations()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        n.put("startsAt", a.startsAt().toInstant().toString());
        n.put("endsAt", a.endsAt() == null ? null : a.endsAt().toInstant().toString());
        if (a.value() != null) {
            n.put("value", a.value());
        }
        if (a.threshold() != null) {
            n.put("threshold", a.threshold());
        }
        n.put("received_via", a.receivedVia());
        n.put("delivery_state", a.deliveryState());
        return n;
    }
}
