package dev.driftwatch.registry.notify;

import com.fasterxml.jackson.databind.JsonNode;
import dev.driftwatch.registry.JsonFields;
import dev.driftwatch.registry.RegistryException;
import java.net.URI;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A route as configured (API body), validated: {@code {"name", "receiver", "url", "routing_key",
 * "secret", "match": {"model_name", "severity", "alertname"}, "repeat_interval_s",
 * "send_resolved"}}. The fields common to all routes are checked here; the receiver checks its own
 * ({@link Receiver#validate}); unknown fields are refused.
 */
public final class RouteSpec {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");
    private static final Set<String> FIELDS =
            Set.of(
                    "name",
                    "receiver",
                    "url",
                    "routing_key",
                    "secret",
                    "match",
                    "repeat_interval_s",
                    "send_resolved");
    private static final Set<String> MATCH_FIELDS = Set.of("model_name", "severity", "alertname");

    private RouteSpec() {}

    public static Route parse(JsonNode n) {
        if (n == null || !n.isObject()) {
            throw RegistryException.invalid("a route must be a JSON object");
        }
        JsonFields f = JsonFields.of(n, "", FIELDS);
        String name = f.text("name");
        if (!NAME.matcher(name).matches()) {
            throw RegistryException.invalid(
                    "route name must be 1 to 100 letters, digits, '.', '_' or '-'");
        }
        Receiver receiver = Receivers.named(f.text("receiver"));
        Optional<JsonFields> match = f.object("match", MATCH_FIELDS);
        int repeatS = f.wholeNumber("repeat_interval_s", 3600, 0);
        Route route =
                receiver.validate(
                        new Route(
                                0,
                                name,
                                receiver.name(),
                                match.map(m -> m.optText("model_name")).orElse(null),
                                match.map(m -> m.optText("severity")).orElse(null),
                                match.map(m -> m.optText("alertname")).orElse(null),
                                f.optText("url"),
                                f.optText("routing_key"),
                                f.optText("secret"),
                                repeatS * 1000L,
                                f.bool("send_resolved", true)));
        try {
            URI u = URI.create(route.url());
            if (!("https".equals(u.getScheme()) || "http".equals(u.getScheme()))
                    || u.getHost() == null) {
                throw new IllegalArgumentException();
            }
        } catch (IllegalArgumentException e) {
            throw RegistryException.invalid("'url' must be an http(s) URL with a host");
        }
        return route;
    }

    /** Refuses a route without {@code url} (for receivers that have no default address). */
    static void requireUrl(Route route) {
        if (route.url() == null) {
            throw RegistryException.invalid("a " + route.receiver() + " route needs 'url'");
        }
    }

    /** Refuses a field this route's receiver does not use. */
    static void notTaken(Route route, String field, String value) {
        if (value != null) {
            throw RegistryException.invalid(
                    "'" + field + "' is not used by " + route.receiver() + " routes");
        }
    }
}
