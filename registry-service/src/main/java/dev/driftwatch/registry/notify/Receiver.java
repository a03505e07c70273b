package dev.driftwatch.registry.notify;

import dev.driftwatch.core.alert.Alert;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;

/**
 * A kind of notification receiver (Slack, PagerDuty, a webhook): which routes of it are valid, the
 * HTTP request that notifies an alert and one that notifies a retraining run's event, and which run
 * events it wants. {@link Receivers} finds one by the name routes use.
 *
 * <p>A new receiver is one class implementing this and one line in {@link Receivers}.
 *
 * <pre>{@code
 * Receiver slack = Receivers.named("slack");
 * HttpRequest request = slack.alertRequest(route, alert, Delivery.TRIGGER);
 * }</pre>
 */
public interface Receiver {
    /** How long one request to a receiver may take. */
    Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    /** The name routes use: {@code "receiver": "slack"}. */
    String name();

    /**
     * Checks a route of this receiver (the fields it needs, the ones it does not take) and returns
     * it as it is stored, defaults filled in; refusals are {@code RegistryException}s naming the
     * field.
     */
    Route validate(Route route);

    /** The request that notifies {@code event} ({@code trigger} or {@code resolve}) of an alert. */
    HttpRequest alertRequest(Route route, Alert alert, String event);

    /**
     * The request that notifies a run event, or with {@code resolve} that closes what this receiver
     * opened for the failed run {@code runId} (see {@link #resolvesFailedRuns()}).
     */
    HttpRequest runEventRequest(Route route, RunEvent event, long runId, boolean resolve);

    /** The run events ({@link RunEvent#EVENTS}) this receiver is sent. */
    Set<String> runEvents();

    /**
     * Whether this receiver keeps a failed run open (an incident) that the model's next promotion
     * resolves.
     */
    default boolean resolvesFailedRuns() {
        return false;
    }

    /** Whether messages to one URL are spaced by the configured minimum interval. */
    default boolean rateLimited() {
        return false;
    }

    /** A JSON POST of {@code body} to the route's URL, with the common headers and timeout. */
    static HttpRequest.Builder jsonPost(Route route, String body) {
        return HttpRequest.newBuilder(URI.create(route.url()))
                .timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json")
                .header("User-Agent", "driftwatch-registry")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    }
}
