package dev.driftwatch.registry.notify;

import com.fasterxml.jackson.databind.JsonNode;
import dev.driftwatch.registry.RegistryException;
import java.net.URI;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A route as configured (API body or config file), validated: {@code {"name", "receiver":
 * "slack"|"pagerduty"|"webhook", "url", "routing_key", "secret", "match": {"model_name",
 * "severity", "alertname"}, "repeat_interval_s", "send_resolved"}}.
 */
public final class RouteSpec {
    /** PagerDuty's Events API v2 endpoint, used when a pagerduty route gives no url. */
    public static final String PAGERDUTY_EVENTS_URL = "https://events.pagerduty.com/v2/enqueue";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");
    private static final Set<String> RECEIVERS =
            Set.of(Route.SLACK, Route.PAGERDUTY, Route.WEBHOOK);

    private RouteSpec() {}

    public static Route parse(JsonNode n) {
        if (n == null || !n.isObject()) {
            throw RegistryException.invalid("a route must be a JSON object");
        }
        String name = text(n, "name", true);
        if (!NAME.matcher(name).matches()) {
            throw RegistryException.invalid(
                    "route name must be 1 to 100 letters, digits, '.', '_' or '-'");
        }
        String receiver = text(n, "receiver", true);
        if (!RECEIVERS.contains(receiver)) {
            throw RegistryException.invalid(
                    "receiver must be slack, pagerduty or webhook; was " + receiver);
        }
        String url = text(n, "url", false);
        if (url == null && receiver.equals(Route.PAGERDUTY)) {
            url = PAGERDUTY_EVENTS_URL;
        }
        if (url == null) {
            throw RegistryException.invalid("a " + receiver + " route needs 'url'");
        }
        try {
            URI u = URI.create(url);
            if (!("https".equals(u.getScheme()) || "http".equals(u.getScheme()))
                    || u.getHost() == null) {
                throw new IllegalArgumentException();
            }
        } catch (IllegalArgumentException e) {
            throw RegistryException.invalid("'url' must be an http(s) URL with a host");
        }
        String routingKey = text(n, "routing_key", false);
        if (receiver.equals(Route.PAGERDUTY) && (routingKey == null || routingKey.isEmpty())) {
            throw RegistryException.invalid(
                    "a pagerduty route needs 'routing_key' (the integration key)");
        }
        String secret = text(n, "secret", false);
        JsonNode match = n.path("match");
        if (!match.isMissingNode() && !match.isNull() && !match.isObject()) {
            throw RegistryException.invalid("'match' must be an object");
        }
        long repeatS = 3600;
        if (n.has("repeat_interval_s")) {
            if (!n.get("repeat_interval_s").canConvertToLong()
                    || !n.get("repeat_interval_s").isIntegralNumber()
                    || n.get("repeat_interval_s").asLong() < 0) {
                throw RegistryException.invalid(
                        "'repeat_interval_s' must be a whole number of seconds >= 0");
            }
            repeatS = n.get("repeat_interval_s").asLong();
        }
        boolean sendResolved = true;
        if (n.has("send_resolved")) {
            if (!n.get("send_resolved").isBoolean()) {
                throw RegistryException.invalid("'send_resolved' must be true or false");
            }
            sendResolved = n.get("send_resolved").asBoolean();
        }
        return new Route(
                0,
                name,
                receiver,
                text(match, "model_name", false),
                text(match, "severity", false),
                text(match, "alertname", false),
                url,
                routingKey,
                secret,
                repeatS * 1000,
                sendResolved);
    }

    private static String text(JsonNode n, String field, boolean required) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw RegistryException.invalid(
                        "Missing value for required parameter '" + field + "'.");
            }
            return null;
        }
        if (!v.isTextual()) {
            throw RegistryException.invalid("'" + field + "' must be a string");
        }
        return v.asText();
    }
}
