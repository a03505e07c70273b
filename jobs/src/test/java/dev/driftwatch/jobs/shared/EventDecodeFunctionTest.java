package dev.driftwatch.jobs.shared;

import static org.assertj.core.api.Assertions.assertThat;

import dev.driftwatch.core.event.EventDecoder;
import dev.driftwatch.core.event.EventFormats;
import dev.driftwatch.core.event.EventLimits;
import dev.driftwatch.core.event.PredictionEvent;
import dev.driftwatch.jobs.records.DeadLetter;
import dev.driftwatch.jobs.records.RawRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * Decoding in the job: events out, every rejection dead-lettered with its bytes, a stand-in for the
 * attributable ones when asked, segments bounded per model.
 */
class EventDecodeFunctionTest {
    private static final long NOW = Instant.parse("2026-11-29T12:00:00Z").toEpochMilli();

    private static OneInputStreamOperatorTestHarness<RawRecord, PredictionEvent> harness(
            boolean markInvalidRecords) throws Exception {
        var h =
                new OneInputStreamOperatorTestHarness<>(
                        new ProcessOperator<>(
                                new EventDecodeFunction(
                                        EventFormats.JSON,
                                        new EventDecoder.Settings(
                                                List.of("region"), 4096, EventLimits.defaults()),
                                        2,
                                        markInvalidRecords)));
        h.setProcessingTime(NOW);
        h.open();
        return h;
    }

    private static RawRecord record(long offset, String json) {
        return new RawRecord("t", 0, offset, json.getBytes(StandardCharsets.UTF_8));
    }

    private static String event(String id, String region, String extra) {
        return "{\"prediction_id\": \""
                + id
                + "\", \"model_name\": \"m\", \"model_version\": \"1\", \"timestamp\": 5,"
                + " \"features\": {\"x\": "
                + extra
                + "}, \"tags\": {\"region\": \""
                + region
                + "\"}}";
    }

    @Test
    void eventsPassRejectionsAreDeadLetteredAndAttributableOnesMarked() throws Exception {
        var h = harness(true);
        h.processElement(new StreamRecord<>(record(1, event("a", "eu", "1"))));
        h.processElement(new StreamRecord<>(record(2, event("b", "eu", "[1]"))));
        h.processElement(new StreamRecord<>(record(3, "not json")));
        h.processElement(
                new StreamRecord<>(
                        record(
                                4,
                                event("c", "eu", "1")
                                        .replace(
                                                "\"timestamp\": 5",
                                                "\"timestamp\": \"2999-01-01T00:00:00Z\""))));

        List<PredictionEvent> out = h.extractOutputValues();
        assertThat(out).hasSize(2);
        assertThat(out.get(0).predictionId).isEqualTo("a");
        assertThat(out.get(0).invalidRecord).isFalse();
        assertThat(out.get(1).invalidRecord).as("b named its model, version and time").isTrue();
        assertThat(out.get(1).timestamp).isEqualTo(5);

        List<DeadLetter> dead =
                h.getSideOutput(EventDecodeFunction.DEAD_LETTERS).stream()
                        .map(StreamRecord::getValue)
                        .toList();
        assertThat(dead).extracting(d -> d.offset).containsExactly(2L, 3L, 4L);
        assertThat(dead.get(0).reason).contains("feature 'x' must be");
        assertThat(new String(dead.get(1).original, StandardCharsets.UTF_8)).isEqualTo("not json");
        assertThat(dead.get(2).reason).contains("ahead of the processing clock");
        h.close();
    }

    @Test
    void withoutMarkingOnlyValidEventsComeOutAndSegmentsAreBounded() throws Exception {
        var h = harness(false);
        h.processElement(new StreamRecord<>(record(1, event("b", "eu", "[1]"))));
        for (String region : List.of("eu", "us", "apac", "eu")) {
            h.processElement(new StreamRecord<>(record(2, event("a", region, "1"))));
        }
        Assertions.assertThat(h.extractOutputValues())
                .extracting(e -> e.segment)
                .containsExactly("eu", "us", EventDecodeFunction.OTHER_SEGMENT, "eu");
        assertThat(h.getSideOutput(EventDecodeFunction.DEAD_LETTERS)).hasSize(1);
        h.close();
    }

    /** Segment sets are kept for the first model versions only: later ones are all pooled. */
    @Test
    void segmentSetsAreKeptForABoundedNumberOfModels() throws Exception {
        var h =
                new OneInputStreamOperatorTestHarness<>(
                        new ProcessOperator<>(
                                new EventDecodeFunction(
                                        EventFormats.JSON,
                                        new EventDecoder.Settings(
                                                List.of("region"), 4096, EventLimits.defaults()),
                                        2,
                                        2,
                                        false)));
        h.open();
        for (String model : List.of("m1", "m2", "m3", "m1", "m4")) {
            h.processElement(
                    new StreamRecord<>(
                            record(
                                    1,
                                    event("a", "eu", "1")
                                            .replace(
                                                    "\"model_name\": \"m\"",
                                                    "\"model_name\": \"" + model + "\""))));
        }
        Assertions.assertThat(h.extractOutputValues())
                .extracting(e -> e.modelName + ":" + e.segment)
                .containsExactly("m1:eu", "m2:eu", "m3:other", "m1:eu", "m4:other");
        h.close();
    }
}
