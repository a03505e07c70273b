package dev.driftwatch.ingest.formats;

import java.util.Locale;

/**
 * The raw inference-log topic's record layout: CloudEvents in the Kafka protocol binding's binary
 * mode. The value is the event's data, unchanged; each context attribute is a header {@code
 * ce_<name>} (UTF-8); the data content type is the header {@code content-type}; the key is the
 * event id. The ingest endpoint writes it and the normalization stage reads it.
 */
public final class CloudEventsKafka {
    /** Default raw topic. */
    public static final String DEFAULT_TOPIC = "driftwatch.inference-logs";

    /** Prefix of the attribute headers. */
    public static final String HEADER_PREFIX = "ce_";

    /** Header holding the data content type ({@code datacontenttype}). */
    public static final String CONTENT_TYPE_HEADER = "content-type";

    /** The attribute carried by {@link #CONTENT_TYPE_HEADER} rather than a {@code ce_} header. */
    public static final String DATA_CONTENT_TYPE = "datacontenttype";

    private CloudEventsKafka() {}

    /** The header of attribute {@code name} (already lower case, as CloudEvents requires). */
    public static String header(String attribute) {
        return HEADER_PREFIX + attribute;
    }

    /** The attribute a header carries, or null when the header is not an attribute header. */
    public static String attribute(String header) {
        String h = header.toLowerCase(Locale.ROOT);
        return h.startsWith(HEADER_PREFIX) && h.length() > HEADER_PREFIX.length()
                ? h.substring(HEADER_PREFIX.length())
                : null;
    }
}
