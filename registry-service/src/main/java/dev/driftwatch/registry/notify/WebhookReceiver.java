package dev.driftwatch.registry.notify;

import static dev.driftwatch.registry.notify.MessageText.MAPPER;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.driftwatch.core.alert.Alert;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Driftwatch's generic webhook: {@code {"version": "1", "event", "alert"}} for alerts and {@code
 * {"version": "1", "event": "retrain.<event>", "retrain_run"}} for every run event, with header
 * {@value #EVENT_HEADER} and, when the route has a {@code secret}, {@value #SIGNATURE_HEADER}:
 * {@code sha256=<hex HMAC-SHA256 of the body>}. Routes need {@code url}.
 */
public final class WebhookReceiver implements Receiver {
    /** The event header of webhook requests. */
    public static final String EVENT_HEADER = "X-Driftwatch-Event";

    /** The signature header: {@code sha256=<hex HMAC-SHA256 of the body>}. */
    public static final String SIGNATURE_HEADER = "X-Driftwatch-Signature";

    @Override
    public String name() {
        return "webhook";
    }

    @Override
    public Route validate(Route route) {
        RouteSpec.requireUrl(route);
        RouteSpec.notTaken(route, "routing_key", route.routingKey());
        return route;
    }

    @Override
    public HttpRequest alertRequest(Route route, Alert alert, String event) {
        return signed(route, event, json(body(alert, event)));
    }

    @Override
    public HttpRequest runEventRequest(Route route, RunEvent event, long runId, boolean resolve) {
        String name = resolve ? Delivery.RESOLVE : event.event();
        return signed(route, webhookEvent(name), json(body(event, name)));
    }

    @Override
    public Set<String> runEvents() {
        return RunEvent.EVENTS;
    }

    private static HttpRequest signed(Route route, String event, String body) {
        HttpRequest.Builder b = Receiver.jsonPost(route, body).header(EVENT_HEADER, event);
        if (route.secret() != null && !route.secret().isEmpty()) {
            b.header(SIGNATURE_HEADER, "sha256=" + hmacSha256(route.secret(), body));
        }
        return b.build();
    }

    /** Hex HMAC-SHA256 of {@code body} with {@code secret}. */
    public static String hmacSha256(String secret, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }

    /** Driftwatch's generic webhook body: the event and the alert in Alertmanager's shape. */
    public static ObjectNode body(Alert a, String event) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("version", "1");
        n.put("event", event);
        n.set("alert", a.toJsonNode());
        return n;
    }

    /**
     * Driftwatch's generic webhook body for a run event: {@code {"version": "1", "event":
     * "retrain.<event>", "retrain_run": {...}}}.
     */
    static ObjectNode body(RunEvent e, String event) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("version", "1");
        n.put("event", webhookEvent(event));
        n.set("retrain_run", e.toJsonNode());
        return n;
    }

    /** The webhook event name of a run event: {@code retrain.launched}, ... */
    static String webhookEvent(String event) {
        return "retrain." + event;
    }

    private static String json(ObjectNode n) {
        try {
            return MAPPER.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
