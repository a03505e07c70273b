package dev.driftwatch.core.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Decoders by name, and what a decoder hands its collector: events and typed rejections. */
class EventFormatsTest {
    private static final long NOW = java.time.Instant.parse("2026-11-29T12:00:00Z").toEpochMilli();

    /** A collector as the jobs write one: reused for every record. */
    private static final class Collected implements DecodedEvents {
        final List<PredictionEvent> events = new ArrayList<>();
        final List<Rejection> rejections = new ArrayList<>();

        @Override
        public void accept(PredictionEvent event) {
            events.add(event);
        }

        @Override
        public void reject(Rejection rejection) {
            rejections.add(rejection);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void jsonIsTheContractAndUnknownFormatsAreNamed() {
        assertThat(EventFormats.names()).containsExactly("json");
        EventDecoder.Settings settings =
                new EventDecoder.Settings(List.of(), 4096, EventLimits.defaults());
        assertThat(EventFormats.decoder("json", settings)).isInstanceOf(JsonEventDecoder.class);
        assertThatThrownBy(() -> EventFormats.decoder("avro", settings))
                .hasMessage("unknown event format 'avro' (known: json)");
    }

    @Test
    void theJsonDecoderAcceptsEventsAndRejectsWithTheRecordsIdentity() {
        EventDecoder decoder =
                EventFormats.decoder(
                        EventFormats.JSON,
                        new EventDecoder.Settings(List.of(), 4096, EventLimits.defaults()));
        Collected out = new Collected();
        decoder.decode(
                bytes(
                        "{\"prediction_id\": \"a\", \"model_name\": \"m\", \"model_version\": \"1\","
                                + " \"timestamp\": 5, \"features\": {\"x\": 1}}"),
                Map.of(),
                NOW,
                out);
        decoder.decode(
                bytes(
                        "{\"prediction_id\": \"b\", \"model_name\": \"m\", \"model_version\": \"1\","
                                + " \"timestamp\": 7, \"features\": {\"x\": [1]}}"),
                Map.of(),
                NOW,
                out);
        decoder.decode(bytes("nope"), Map.of(), NOW, out);
        decoder.decode(null, Map.of(), NOW, out);

        assertThat(out.events)
                .singleElement()
                .satisfies(e -> assertThat(e.predictionId).isEqualTo("a"));
        assertThat(out.rejections).hasSize(3);
        Rejection typed = out.rejections.get(0);
        assertThat(typed.reason()).contains("feature 'x' must be");
        assertThat(typed.attributable()).isTrue();
        assertThat(typed.timestamp()).isEqualTo(7);
        assertThat(out.rejections.get(1).attributable()).isFalse();
        assertThat(out.rejections.get(2).reason()).isEqualTo("empty record");

        PredictionEvent marker = PredictionEvent.invalidRecord(typed);
        assertThat(marker.invalidRecord).isTrue();
        assertThat(marker.modelKey()).isEqualTo(PredictionEvent.modelKey("m", "1"));
        assertThat(marker.featureCount()).isZero();
        assertThatThrownBy(() -> PredictionEvent.invalidRecord(Rejection.of("x")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
