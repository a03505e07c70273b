package dev.driftwatch.ingest;

import java.util.Map;

/**
 * One CloudEvent as received: its context attributes (lower-case names, string values, in the order
 * received; {@code datacontenttype} apart) and its data bytes, unchanged.
 *
 * @param attributes every context attribute except {@code datacontenttype}
 * @param dataContentType the data's content type, or null when the event has none
 * @param data the event data (empty when the event has none)
 */
public record CloudEvent(Map<String, String> attributes, String dataContentType, byte[] data) {
    public String id() {
        return attributes.get("id");
    }
}
