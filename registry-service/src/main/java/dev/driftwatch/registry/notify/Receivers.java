package dev.driftwatch.registry.notify;

import dev.driftwatch.registry.RegistryException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The receivers routes can name, by name. Adding a receiver: write a {@link Receiver} and add it to
 * {@link #ALL}.
 *
 * <pre>{@code
 * Receiver r = Receivers.named(route.receiver());
 * }</pre>
 */
public final class Receivers {
    private static final List<Receiver> ALL =
            List.of(new SlackReceiver(), new PagerDutyReceiver(), new WebhookReceiver());

    private static final Map<String, Receiver> BY_NAME = index();

    private Receivers() {}

    private static Map<String, Receiver> index() {
        Map<String, Receiver> m = new LinkedHashMap<>();
        for (Receiver r : ALL) {
            if (m.put(r.name(), r) != null) {
                throw new IllegalStateException("two receivers are named " + r.name());
            }
        }
        return Map.copyOf(m);
    }

    /** The receiver of this name; a 400 naming the known ones otherwise. */
    public static Receiver named(String name) {
        return find(name)
                .orElseThrow(
                        () ->
                                RegistryException.invalid(
                                        "receiver must be one of "
                                                + String.join(", ", names())
                                                + "; was "
                                                + name));
    }

    public static Optional<Receiver> find(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    public static Collection<Receiver> all() {
        return ALL;
    }

    public static List<String> names() {
        return ALL.stream().map(Receiver::name).toList();
    }

    /** The names of the receivers whose failed-run notifications a promotion resolves. */
    public static List<String> resolvingFailedRuns() {
        return ALL.stream().filter(Receiver::resolvesFailedRuns).map(Receiver::name).toList();
    }
}
