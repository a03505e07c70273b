package dev.driftwatch.core.event;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * Turns one raw record (its bytes and headers, as read from Kafka) into prediction events: none,
 * one, or several (a batch request logged as one record). Each event goes to {@link
 * DecodedEvents#accept}; a record — or a part of one — that breaks the contract goes to {@link
 * DecodedEvents#reject} with the reason, never thrown. The caller passes one reusable {@link
 * DecodedEvents} for every record, so decoding allocates nothing beyond the events themselves.
 *
 * <p>A new format is one implementation plus one line in {@link EventFormats}; the jobs choose it
 * by name ({@code --event-format}).
 *
 * <pre>{@code
 * EventDecoder decoder = EventFormats.decoder("json", new EventDecoder.Settings(List.of(), 1 << 20,
 *         EventLimits.defaults()));
 * decoder.decode(bytes, Map.of(), System.currentTimeMillis(), out);
 * }</pre>
 */
public interface EventDecoder {
    /**
     * Decodes one record.
     *
     * @param value the record's bytes (may be null or empty: a rejection)
     * @param headers the record's headers by name (empty when it has none)
     * @param now the processing time (epoch ms) that bounds event timestamps
     * @param out receives the events and rejections of this record
     */
    void decode(byte[] value, Map<String, byte[]> headers, long now, DecodedEvents out);

    /** What every decoder is configured with (serializable: it travels in the job graph). */
    record Settings(List<String> segmentTags, int maxBytes, EventLimits limits)
            implements Serializable {
        public Settings {
            segmentTags = List.copyOf(segmentTags);
        }
    }

    /** Makes a decoder from the settings (a constructor reference, usually). */
    @FunctionalInterface
    interface Factory {
        EventDecoder create(Settings settings);
    }
}
