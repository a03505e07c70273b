package dev.driftwatch.jobs.ingest;

import static dev.driftwatch.jobs.ingest.TestInferences.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.driftwatch.core.event.EventLimits;
import dev.driftwatch.core.event.PredictionEvent;
import dev.driftwatch.core.event.Rejection;
import dev.driftwatch.ingest.formats.InputSchema;
import dev.driftwatch.ingest.formats.InputSchemaUpdate;
import dev.driftwatch.jobs.ingest.InferenceLogNormalizer.Outcome;
import dev.driftwatch.jobs.records.InferenceLogPart;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The mapping rules from a request/response pair to prediction events. */
class InferenceLogNormalizerTest {
    private static final long T = Instant.parse("2026-11-26T10:15:00.123Z").toEpochMilli();
    private static final long NOW = T + 60_000;
    private static final List<Row> ROWS =
            List.of(new Row(12.5, "DE", 0.83), new Row(80.0, "FR", 0.12));
    private static final InputSchemaUpdate FRAUD =
            InputSchemaUpdate.fromJson(
                    inputSchema("fraud", Map.of("champion", "7", "challenger", "8")));

    private final InferenceLogNormalizer normalizer =
            new InferenceLogNormalizer(EventLimits.defaults(), List.of());
    private final Collected out = new Collected();

    /** Events and rejections (with the part each concerns). */
    static final class Collected implements InferenceLogNormalizer.Output {
        final List<PredictionEvent> events = new ArrayList<>();
        final List<Rejection> rejections = new ArrayList<>();
        final List<InferenceLogPart> rejectedParts = new ArrayList<>();

        @Override
        public void accept(PredictionEvent event) {
            events.add(event);
        }

        @Override
        public void reject(Rejection rejection, InferenceLogPart part) {
            rejections.add(rejection);
            rejectedParts.add(part);
        }
    }

    private static InferenceLogPart request(byte[] payload) {
        return part("fraud", "5c1f6f3e", false, T, payload);
    }

    private static InferenceLogPart response(byte[] payload) {
        return part("fraud", "5c1f6f3e", true, T + 40, payload);
    }

    /** An event as feature name → value (numbers as Double, strings as String, missing null). */
    private static Map<String, Object> values(PredictionEvent e) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < e.featureCount(); i++) {
            m.put(
                    e.featureNames[i],
                    e.strings[i] != null
                            ? e.strings[i]
                            : Double.isNaN(e.numbers[i]) ? null : e.numbers[i]);
        }
        return m;
    }

    @Test
    void aKServeV1BatchBecomesOneEventPerRowWithTheChampionsVersion() {
        assertThat(
                        normalizer.normalize(
                                request(kserveV1Request(ROWS)),
                                response(kserveV1Response(ROWS)),
                                FRAUD,
                                NOW,
                                true,
                                out))
                .isEqualTo(Outcome.DONE);
        assertThat(out.rejections).isEmpty();
        assertThat(out.events).hasSize(2);
        PredictionEvent first = out.events.get(0);
        assertThat(first.predictionId).isEqualTo("5c1f6f3e/0");
        assertThat(out.events.get(1).predictionId).isEqualTo("5c1f6f3e/1");
        assertThat(first.modelName).isEqualTo("fraud");
        assertThat(first.modelVersion).isEqualTo("7");
        assertThat(first.timestamp).isEqualTo(T);
        assertThat(first.segment).isEmpty();
        assertThat(values(first))
                .containsExactly(
                        Map.entry("amount", 12.5),
                        Map.entry("country", "DE"),
                        Map.entry(PredictionEvent.SCORE_FEATURE, 0.83));
        assertThat(values(out.events.get(1)))
                .containsEntry("amount", 80.0)
                .containsEntry(PredictionEvent.SCORE_FEATURE, 0.12);
    }

    @Test
    void theResponsesModelVersionWinsOverTheAlias() {
        normalizer.normalize(
                request(oipRequest("5c1f6f3e", ROWS)),
                response(oipResponse("5c1f6f3e", "fraud", "9", ROWS)),
                FRAUD,
                NOW,
                true,
                out);
        assertThat(out.events).extracting(e -> e.modelVersion).containsExactly("9", "9");
        assertThat(values(out.events.get(0)))
                .containsExactly(
                        Map.entry("amount", 12.5),
                        Map.entry("country", "DE"),
                        Map.entry(PredictionEvent.SCORE_FEATURE, 0.83));
    }

    @Test
    void theCanaryEndpointHasTheChallengersVersion() {
        InferenceLogPart req = request(kserveV1Request(ROWS));
        req.endpoint = "canary";
        normalizer.normalize(req, response(kserveV1Response(ROWS)), FRAUD, NOW, true, out);
        assertThat(out.events).extracting(e -> e.modelVersion).containsExactly("8", "8");
        assertThat(InferenceLogNormalizer.alias("default")).isEqualTo("champion");
        assertThat(InferenceLogNormalizer.alias(null)).isEqualTo("champion");
        assertThat(InferenceLogNormalizer.alias("canary")).isEqualTo("challenger");
        assertThat(InferenceLogNormalizer.alias("blue")).isNull();
    }

    @Test
    void withoutAVersionThePairIsDeadLetteredWithTheReason() {
        InferenceLogPart req = request(kserveV1Request(ROWS));
        InferenceLogPart resp = response(kserveV1Response(ROWS));
        req.endpoint = "blue";
        normalizer.normalize(req, resp, FRAUD, NOW, true, out);
        assertThat(out.events).isEmpty();
        assertThat(out.rejectedParts).containsExactly(req, resp);
        assertThat(out.rejections.get(0).reason())
                .isEqualTo(
                        "no model version: the response names none, and endpoint 'blue' has no"
                                + " alias (default → champion, canary → challenger)");

        out.rejections.clear();
        InputSchemaUpdate noAliases =
                new InputSchemaUpdate("fraud", FRAUD.schema(), Map.of("champion", "7"));
        req.endpoint = "canary";
        normalizer.normalize(req, resp, noAliases, NOW, true, out);
        assertThat(out.rejections.get(0).reason())
                .isEqualTo(
                        "no model version: the response names none, and model 'fraud' has no"
                                + " 'challenger' alias (endpoint canary → challenger)");
        assertThat(out.rejections.get(0).attributable()).isFalse();
    }

    @Test
    void aPairThatNeedsTheModelBeforeItIsKnownWaitsThenIsRejected() {
        InferenceLogPart req = request(kserveV1Request(ROWS));
        InferenceLogPart resp = response(kserveV1Response(ROWS));
        // the version must come from an alias
        assertThat(normalizer.normalize(req, resp, null, NOW, true, out))
                .isEqualTo(Outcome.NEEDS_MODEL);
        assertThat(out.events).isEmpty();
        assertThat(out.rejections).isEmpty();
        assertThat(normalizer.normalize(req, resp, null, NOW, false, out)).isEqualTo(Outcome.DONE);
        assertThat(out.rejections.get(0).reason())
                .contains("the registry has published nothing for model 'fraud'");

        // list rows need the schema, though the response names the version
        out.rejections.clear();
        InferenceLogPart lists = request(kserveV1ListRequest(ROWS));
        InferenceLogPart versioned = response(oipResponse("5c1f6f3e", "fraud", "7", ROWS));
        assertThat(normalizer.normalize(lists, versioned, null, NOW, true, out))
                .isEqualTo(Outcome.NEEDS_MODEL);
        normalizer.normalize(lists, versioned, FRAUD, NOW, true, out);
        assertThat(out.events).hasSize(2);
        assertThat(values(out.events.get(1))).containsEntry("country", "FR");

        // named tensors with a versioned response need nothing from the registry
        out.events.clear();
        assertThat(
                        normalizer.normalize(
                                request(oipRequest("5c1f6f3e", ROWS)),
                                versioned,
                                null,
                                NOW,
                                true,
                                out))
                .isEqualTo(Outcome.DONE);
        assertThat(out.events).hasSize(2);
    }

    @Test
    void aKnownModelWithoutADeclaredSchemaRejectsListRows() {
        InputSchemaUpdate aliasesOnly =
                new InputSchemaUpdate("fraud", InputSchema.NONE, Map.of("champion", "7"));
        InferenceLogPart req = request(kserveV1ListRequest(ROWS));
        InferenceLogPart resp = response(kserveV1Response(ROWS));
        normalizer.normalize(req, resp, aliasesOnly, NOW, true, out);
        assertThat(out.events).isEmpty();
        assertThat(out.rejectedParts).containsExactly(req, resp);
        assertThat(out.rejections.get(0).reason()).startsWith("request: MISSING_SCHEMA: ");
        assertThat(out.rejections.get(1).reason())
                .startsWith("its request was rejected: request: MISSING_SCHEMA");
        // model, version and time are known: the drift job counts it in its window
        assertThat(out.rejections.get(0).attributable()).isTrue();
        assertThat(out.rejections.get(0).modelVersion()).isEqualTo("7");
    }

    @Test
    void anUndecodableResponseDeadLettersBothHalves() {
        InferenceLogPart req = request(kserveV1Request(ROWS));
        InferenceLogPart resp = response(utf8("{\"predictions\": [0.1, "));
        normalizer.normalize(req, resp, FRAUD, NOW, true, out);
        assertThat(out.events).isEmpty();
        assertThat(out.rejectedParts).containsExactly(resp, req);
        assertThat(out.rejections.get(0).reason()).startsWith("response: MALFORMED: ");
        assertThat(out.rejections.get(1).reason())
                .startsWith("its response was rejected: response: MALFORMED");
    }

    @Test
    void aResponseWithAnotherRowCountDeadLettersThePair() {
        InferenceLogPart req = request(kserveV1Request(ROWS));
        InferenceLogPart resp = response(kserveV1Response(ROWS.subList(0, 1)));
        normalizer.normalize(req, resp, FRAUD, NOW, true, out);
        assertThat(out.events).isEmpty();
        assertThat(out.rejections)
                .extracting(Rejection::reason)
                .containsOnly(
                        "ROW_COUNT_MISMATCH: the request has 2 rows but the response has 1"
                                + " predictions");
    }

    @Test
    void aRequestWithoutResponseGivesRowsWithoutPrediction() {
        normalizer.normalize(request(kserveV1Request(ROWS)), null, FRAUD, NOW, false, out);
        assertThat(out.events).hasSize(2);
        assertThat(values(out.events.get(0)))
                .containsExactly(Map.entry("amount", 12.5), Map.entry("country", "DE"));
        assertThat(out.events.get(0).modelVersion).isEqualTo("7");
    }

    @Test
    void oneRowOutsideTheEventLimitsIsRejectedAloneTheOthersGoOn() {
        byte[] body =
                utf8(
                        "{\"instances\": [{\"amount\": 1e400, \"country\": \"DE\"},"
                                + " {\"amount\": 3.0, \"country\": \"FR\"}]}");
        InferenceLogPart req = request(body);
        normalizer.normalize(req, response(kserveV1Response(ROWS)), FRAUD, NOW, true, out);
        assertThat(out.events).extracting(e -> e.predictionId).containsExactly("5c1f6f3e/1");
        assertThat(out.rejections).hasSize(1);
        assertThat(out.rejections.get(0).reason())
                .isEqualTo("feature 'amount' is not a finite number");
        assertThat(out.rejections.get(0).attributable()).isTrue();
        assertThat(out.rejectedParts).containsExactly(req);
    }

    @Test
    void aFarFutureTimeIsRejectedAndDoesNotCountInAWindow() {
        InferenceLogPart req = part("fraud", "x", false, NOW + 2 * 86_400_000L, null);
        req.value = kserveV1Request(ROWS);
        normalizer.normalize(req, null, FRAUD, NOW, false, out);
        assertThat(out.events).isEmpty();
        assertThat(out.rejections.get(0).reason()).contains("ahead of the processing clock");
        assertThat(out.rejections.get(0).attributable()).isFalse();
    }

    @Test
    void rowIdsLongerThanTheLimitAreRejected() {
        String id = "i".repeat(255);
        InferenceLogPart req = part("fraud", id, false, T, kserveV1Request(ROWS));
        normalizer.normalize(req, null, FRAUD, NOW, false, out);
        assertThat(out.events).isEmpty();
        assertThat(out.rejections)
                .extracting(Rejection::reason)
                .allSatisfy(r -> assertThat(r).contains("is longer than 256 characters"));
    }

    @Test
    void seldonProtobufRequestsTypedRawAndFramedGiveTheSameEvents() {
        List<List<Map<String, Object>>> all = new ArrayList<>();
        for (byte[] body :
                List.of(
                        seldonRequest("fraud", ROWS),
                        seldonRawRequest("fraud", ROWS),
                        confluentFramed(7, seldonRequest("fraud", ROWS)))) {
            InferenceLogPart req = request(body);
            req.protobuf = true;
            InferenceLogPart resp = response(seldonResponse("fraud", null, ROWS));
            resp.protobuf = true;
            out.events.clear();
            normalizer.normalize(req, resp, FRAUD, NOW, true, out);
            assertThat(out.rejections).isEmpty();
            all.add(out.events.stream().map(InferenceLogNormalizerTest::values).toList());
        }
        assertThat(all.get(0)).hasSize(2);
        assertThat(all.get(1)).isEqualTo(all.get(0));
        assertThat(all.get(2)).isEqualTo(all.get(0));
    }

    @Test
    void eventsGetTheSegmentOfAnEventWithoutTags() {
        InferenceLogNormalizer tagged =
                new InferenceLogNormalizer(EventLimits.defaults(), List.of("region", "tier"));
        tagged.normalize(request(kserveV1Request(ROWS)), null, FRAUD, NOW, false, out);
        assertThat(out.events.get(0).segment).isEqualTo("|");
    }
}
