package dev.driftwatch.jobs.ingest;

import static dev.driftwatch.jobs.ingest.TestInferences.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.driftwatch.core.event.EventLimits;
import dev.driftwatch.core.event.PredictionEvent;
import dev.driftwatch.jobs.records.DeadLetter;
import dev.driftwatch.jobs.records.InferenceLogPart;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Pairing by request id in keyed state: both orders, the TTL, copies, waiting for the model. */
class InferenceLogPairingTest {
    private static final long TTL = 60_000;
    private static final long T = 1_764_000_000_000L;
    private static final List<Row> ROWS =
            List.of(new Row(12.5, "DE", 0.83), new Row(80.0, "FR", 0.12));
    private static final String SCHEMA =
            new String(inputSchema("fraud", Map.of("champion", "7")), StandardCharsets.UTF_8);

    private KeyedBroadcastOperatorTestHarness<String, InferenceLogPart, String, PredictionEvent>
            harness;

    @BeforeEach
    void open() throws Exception {
        harness =
                ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                        new InferenceLogPairing(
                                Duration.ofMillis(TTL), EventLimits.defaults(), List.of(), true),
                        p -> p.pairKey,
                        Types.STRING,
                        InferenceLogPairing.INPUT_SCHEMAS);
        harness.setProcessingTime(T);
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private static InferenceLogPart request(String id) {
        return part("fraud", id, false, T, kserveV1Request(ROWS));
    }

    private static InferenceLogPart response(String id) {
        return part("fraud", id, true, T + 5, kserveV1Response(ROWS));
    }

    /** Entries of the keyed state (pending pairs and the marks of used ones). */
    private int stateEntries() {
        var operator = (AbstractStreamOperator<?>) harness.getTwoInputOperator();
        return ((HeapKeyedStateBackend<?>) operator.getKeyedStateBackend())
                .numKeyValueStateEntries();
    }

    private List<String> ids() {
        return harness.extractOutputValues().stream().map(e -> e.predictionId).toList();
    }

    private List<String> deadLetters() {
        var letters = harness.getSideOutput(InferenceLogPairing.DEAD_LETTERS);
        return letters == null
                ? List.of()
                : letters.stream().map(StreamRecord::getValue).map(d -> d.reason).toList();
    }

    @Test
    void aRequestAndItsResponsePairInEitherOrder() throws Exception {
        harness.processBroadcastElement(SCHEMA, T);
        harness.processElement(request("a"), T);
        assertThat(ids()).isEmpty();
        harness.processElement(response("a"), T);
        assertThat(ids()).containsExactly("a/0", "a/1");

        harness.processElement(response("b"), T);
        harness.processElement(request("b"), T);
        assertThat(ids()).containsExactly("a/0", "a/1", "b/0", "b/1");
        assertThat(harness.extractOutputValues())
                .allSatisfy(
                        e -> assertThat(e.featureNames).contains(PredictionEvent.SCORE_FEATURE));
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void copiesOfAUsedPairAreDroppedUntilTheTtlPassesThenItsStateIsGone() throws Exception {
        harness.processBroadcastElement(SCHEMA, T);
        harness.processElement(request("a"), T);
        harness.processElement(response("a"), T);
        harness.processElement(request("a"), T); // at-least-once: a retried request
        harness.processElement(response("a"), T);
        assertThat(ids()).containsExactly("a/0", "a/1");
        assertThat(stateEntries()).isEqualTo(1);

        harness.setProcessingTime(T + TTL);
        assertThat(stateEntries()).isZero();
        assertThat(ids()).hasSize(2);
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void aRequestWithoutResponseGoesOnWithoutPredictionAfterTheTtl() throws Exception {
        harness.processBroadcastElement(SCHEMA, T);
        harness.processElement(request("a"), T);
        harness.setProcessingTime(T + TTL - 1);
        assertThat(ids()).isEmpty();
        harness.setProcessingTime(T + TTL);
        assertThat(ids()).containsExactly("a/0", "a/1");
        assertThat(harness.extractOutputValues().get(0).featureNames)
                .containsExactly("amount", "country");
        assertThat(stateEntries()).isZero();
    }

    @Test
    void aResponseWithoutRequestIsDeadLetteredAfterTheTtl() throws Exception {
        harness.processBroadcastElement(SCHEMA, T);
        harness.processElement(response("a"), T);
        harness.setProcessingTime(T + TTL);
        assertThat(ids()).isEmpty();
        assertThat(deadLetters())
                .containsExactly(
                        "no request with id 'a' arrived within the pairing TTL of 1m of its"
                                + " response");
        DeadLetter d = harness.getSideOutput(InferenceLogPairing.DEAD_LETTERS).peek().getValue();
        assertThat(d.original).isEqualTo(kserveV1Response(ROWS));
        assertThat(d.sourceTopic).isEqualTo("driftwatch.inference-logs");
    }

    @Test
    void aPairWaitsForTheModelsSchemaAndAliasesThenGoesOn() throws Exception {
        harness.processElement(request("a"), T);
        harness.processElement(response("a"), T);
        assertThat(ids()).isEmpty();
        assertThat(deadLetters()).isEmpty();
        harness.processBroadcastElement(SCHEMA, T + 10);
        assertThat(ids()).containsExactly("a/0", "a/1");
        assertThat(harness.extractOutputValues().get(0).modelVersion).isEqualTo("7");
        harness.setProcessingTime(T + TTL);
        assertThat(ids()).hasSize(2);
        assertThat(stateEntries()).isZero();
    }

    @Test
    void aPairStillWaitingWhenTheTtlPassesIsDeadLetteredWithTheReason() throws Exception {
        harness.processElement(request("a"), T);
        harness.processElement(response("a"), T);
        harness.setProcessingTime(T + TTL);
        assertThat(ids()).isEmpty();
        assertThat(deadLetters())
                .hasSize(2)
                .allSatisfy(
                        r ->
                                assertThat(r)
                                        .contains(
                                                "the registry has published nothing for model"
                                                        + " 'fraud'"));
    }

    @Test
    void theEndOfABoundedInputEndsTheWaitForEveryResponse() throws Exception {
        harness.processBroadcastElement(SCHEMA, T);
        harness.processElement(request("a"), T);
        harness.processElement(response("b"), T);
        // the logs end: nothing happens while the input schemas go on
        harness.processWatermark(new Watermark(Long.MAX_VALUE));
        assertThat(ids()).isEmpty();
        harness.processBroadcastWatermark(new Watermark(Long.MAX_VALUE));
        assertThat(ids()).containsExactly("a/0", "a/1");
        assertThat(deadLetters()).hasSize(1);
        assertThat(stateEntries()).isZero();
    }

    @Test
    void undecodablePayloadsAreDeadLetteredAndAttributableOnesCountedInTheirWindow()
            throws Exception {
        harness.processBroadcastElement(SCHEMA, T);
        InferenceLogPart bad =
                part(
                        "fraud",
                        "a",
                        false,
                        T,
                        "{\"instances\": [{\"amount\": {\"nested\": 1}}]}"
                                .getBytes(StandardCharsets.UTF_8));
        harness.processElement(bad, T);
        harness.processElement(response("a"), T);
        assertThat(deadLetters()).hasSize(2);
        assertThat(deadLetters().get(0)).startsWith("request: UNSUPPORTED_SHAPE");
        // one stand-in (for the request): model, version (from the alias) and time are known
        assertThat(harness.extractOutputValues())
                .singleElement()
                .satisfies(
                        e -> {
                            assertThat(e.invalidRecord).isTrue();
                            assertThat(e.modelVersion).isEqualTo("7");
                        });
    }
}
