package dev.driftwatch.core.event;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The event formats the jobs can read, by name: the one place a new {@link EventDecoder} is
 * registered.
 *
 * <pre>{@code
 * EventDecoder decoder = EventFormats.decoder(EventFormats.JSON, settings);
 * }</pre>
 */
public final class EventFormats {
    /** The prediction event contract as JSON, one event per record. */
    public static final String JSON = "json";

    private static final Map<String, EventDecoder.Factory> FORMATS =
            Map.of(JSON, JsonEventDecoder::new);

    private EventFormats() {}

    /** The registered format names, sorted. */
    public static Set<String> names() {
        return new TreeSet<>(FORMATS.keySet());
    }

    /**
     * A new decoder of the named format.
     *
     * @throws IllegalArgumentException naming the known formats when {@code name} is not one
     */
    public static EventDecoder decoder(String name, EventDecoder.Settings settings) {
        EventDecoder.Factory factory = FORMATS.get(name);
        if (factory == null) {
            throw new IllegalArgumentException(
                    "unknown event format '"
                            + name
                            + "' (known: "
                            + String.join(", ", names())
                            + ")");
        }
        return factory.create(settings);
    }
}
