package dev.driftwatch.core.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonEventDecoderTest {
    private final JsonEventDecoder parser = new JsonEventDecoder(List.of("region", "tier"), 4096);

    private PredictionEvent parse(String json) throws InvalidEventException {
        return parser.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void parsesTheContractExample() throws Exception {
        PredictionEvent e =
                parse(
                        "{\"prediction_id\": \"req-7f3a\", \"model_name\": \"fraud\", \"model_version\":"
                                + " \"7\", \"timestamp\": \"2026-11-26T10:15:00.123Z\", \"features\":"
                                + " {\"amount\": 12.5, \"country\": \"DE\", \"age\": null, \"vip\": true},"
                                + " \"prediction\": {\"label\": \"1\", \"score\": 0.83}, \"tags\":"
                                + " {\"region\": \"eu\"}}");
        assertThat(e.predictionId).isEqualTo("req-7f3a");
        assertThat(e.modelKey())
                .isEqualTo(PredictionEvent.modelKey("fraud", "7"))
                .isNotEqualTo(PredictionEvent.modelKey("fraud/7", ""));
        assertThat(e.timestamp)
                .isEqualTo(java.time.Instant.parse("2026-11-26T10:15:00.123Z").toEpochMilli());
        assertThat(e.featureNames)
                .containsExactly(
                        "amount", "country", "age", "vip", "prediction.score", "prediction.label");
        assertThat(e.numbers[0]).isEqualTo(12.5);
        assertThat(e.strings[1]).isEqualTo("DE");
        assertThat(e.numbers[2]).isNaN();
        assertThat(e.strings[2]).isNull();
        assertThat(e.strings[3]).isEqualTo("true");
        assertThat(e.numbers[4]).isEqualTo(0.83);
        assertThat(e.strings[5]).isEqualTo("1");
        assertThat(e.segment).isEqualTo("eu|");
    }

    @Test
    void classProbabilitiesArePseudoFeatures() throws Exception {
        PredictionEvent e =
                parse(
                        "{\"prediction_id\": \"a\", \"model_name\": \"m\", \"model_version\": \"1\","
                                + " \"timestamp\": 1, \"features\": {\"x\": 2}, \"prediction\":"
                                + " {\"label\": \"cat\", \"probabilities\": {\"cat\": 0.7, \"dog\": 0.3,"
                                + " \"bird\": 0, \"fish\": null}}}");
        assertThat(e.featureNames)
                .containsExactly(
                        "x",
                        "prediction.label",
                        "prediction.probabilities.cat",
                        "prediction.probabilities.dog",
                        "prediction.probabilities.bird",
                        "prediction.probabilities.fish");
        assertThat(e.numbers).containsExactly(2.0, Double.NaN, 0.7, 0.3, 0.0, Double.NaN);
        assertThat(e.strings[1]).isEqualTo("cat");
        assertThat(e.strings[2]).isNull();
        PredictionEvent again =
                parse(
                        "{\"prediction_id\": \"b\", \"model_name\": \"m\", \"model_version\": \"1\","
                                + " \"timestamp\": 1, \"features\": {}, \"prediction\":"
                                + " {\"probabilities\": {\"dog\": 1}}}");
        assertThat(again.featureNames).containsExactly("prediction.probabilities.dog");
        assertThat(again.featureNames[0]).as("one name per class").isSameAs(e.featureNames[3]);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "[0.2, 0.8]|field 'prediction.probabilities' must be an object of class probabilities, was an array",
                "{\"cat\": 1.5}|probability of class 'cat' in 'prediction.probabilities' must be in [0, 1], was 1.5",
                "{\"cat\": -0.1}|must be in [0, 1], was -0.1",
                "{\"cat\": 1e999}|must be in [0, 1], was Infinity",
                "{\"cat\": \"high\"}|probability of class 'cat' in 'prediction.probabilities' must be a number, was a string",
                "{\"ca\\u0000t\": 0.5}|class name 'ca�t' of 'prediction.probabilities' contains a control character",
            })
    void rejectsBadClassProbabilities(String probabilities, String reason) {
        assertThatThrownBy(
                        () ->
                                parse(
                                        "{\"prediction_id\": \"a\", \"model_name\": \"m\","
                                                + " \"model_version\": \"1\", \"timestamp\": 1,"
                                                + " \"features\": {}, \"prediction\": {\"probabilities\": "
                                                + probabilities
                                                + "}}"))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining(reason);
    }

    @Test
    void acceptsEpochMillisAndNumericVersion() throws Exception {
        PredictionEvent e =
                parse(
                        "{\"prediction_id\": \"a\", \"model_name\": \"m\", \"model_version\": 3,"
                                + " \"timestamp\": 1764152100000, \"features\": {}}");
        assertThat(e.timestamp).isEqualTo(1764152100000L);
        assertThat(e.modelVersion).isEqualTo("3");
        assertThat(e.featureCount()).isZero();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "not json at all|malformed JSON",
                "[1,2]|not a JSON object",
                "{\"model_name\": \"m\", \"model_version\": \"1\", \"timestamp\": 1, \"features\": {}}|missing required field 'prediction_id'",
                "{\"prediction_id\": \"a\", \"model_version\": \"1\", \"timestamp\": 1, \"features\": {}}|missing required field 'model_name'",
                "{\"prediction_id\": \"a\", \"model_name\": \"m\", \"model_version\": \"1\", \"features\": {}}|missing required field 'timestamp'",
                "{\"prediction_id\": \"a\", \"model_name\": \"m\", \"model_version\": \"1\", \"timestamp\": 1}|missing required field 'features'",
                "{\"prediction_id\": \"a\", \"model_name\": \"m\", \"model_version\": \"1\", \"timestamp\": \"yesterday\", \"features\": {}}|unparseable timestamp 'yesterday'",
                "{\"prediction_id\": \"a\", \"model_name\": 5, \"model_version\": \"1\", \"timestamp\": 1, \"features\": {}}|field 'model_name' must be a string, was a number",
                "{\"prediction_id\": \"a\", \"model_name\": \"m\", \"model_version\": \"1\", \"timestamp\": 1, \"features\": [1]}|field 'features' must be an object, was an array",
                "{\"prediction_id\": \"a\", \"model_name\": \"m\", \"model_version\": \"1\", \"timestamp\": 1, \"features\": {\"x\": {\"y\": 1}}}|feature 'x' must be a number, string, boolean or null, was an object",
                "{\"prediction_id\": \"a\", \"model_name\": \"m\", \"model_version\": \"1\", \"timestamp\": 1, \"features\": {}, \"prediction\": {\"score\": \"high\"}}|field 'prediction.score' must be a number",
                "{\"prediction_id\": \"a\", \"model_name\": \"\", \"model_version\": \"1\", \"timestamp\": 1, \"features\": {}}|field 'model_name' must not be empty",
                "{\"prediction_id\": \"a\"} {}|trailing content",
            })
    void rejectsInvalidRecordsWithAReason(String json, String reason) {
        assertThatThrownBy(() -> parse(json))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining(reason);
    }

    @Test
    void rejectsOversizeAndEmptyRecords() {
        byte[] big = new byte[5000];
        java.util.Arrays.fill(big, (byte) ' ');
        assertThatThrownBy(() -> parser.parse(big))
                .hasMessageContaining("exceeds the limit of 4096");
        assertThatThrownBy(() -> parser.parse(new byte[0])).hasMessageContaining("empty record");
    }

    @Test
    void keepsIdentityOfInvalidRecordsWhenReadable() {
        InvalidEventException e =
                org.junit.jupiter.api.Assertions.assertThrows(
                        InvalidEventException.class,
                        () ->
                                parse(
                                        "{\"prediction_id\": \"a\", \"model_name\": \"m\", \"model_version\":"
                                                + " \"1\", \"timestamp\": 7, \"features\": {\"x\": [1]}}"));
        assertThat(e.modelName()).isEqualTo("m");
        assertThat(e.modelVersion()).isEqualTo("1");
        assertThat(e.timestamp()).isEqualTo(7L);
    }

    private static final long NOW = java.time.Instant.parse("2026-11-29T12:00:00Z").toEpochMilli();

    /** A valid event, then {@code members}: later members replace earlier ones. */
    /**
     * A valid event with {@code members} added; a contract field among them replaces the default
     * one (a field twice would be refused).
     */
    private static String event(String members) {
        String[][] defaults = {
            {"prediction_id", "\"a\""},
            {"model_name", "\"m\""},
            {"model_version", "\"1\""},
            {"timestamp", "1000"},
            {"features", "{\"x\": 1}"}
        };
        StringBuilder json = new StringBuilder("{");
        for (String[] d : defaults) {
            if (!members.contains("\"" + d[0] + "\":")) {
                json.append('"').append(d[0]).append("\": ").append(d[1]).append(", ");
            }
        }
        return json.append(members).append('}').toString();
    }

    /** A JSON string literal of {@code s}. */
    static String quoted(String s) {
        return "\""
                + new String(
                        com.fasterxml.jackson.core.io.JsonStringEncoder.getInstance()
                                .quoteAsString(s))
                + "\"";
    }

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> outsideTheLimits() {
        String long257 = "m".repeat(257);
        return java.util.stream.Stream.of(
                org.junit.jupiter.params.provider.Arguments.of(
                        event("\"model_version\": " + quoted("7\u0000x")),
                        "field 'model_version' contains a control character (U+0000)"),
                org.junit.jupiter.params.provider.Arguments.of(
                        event("\"model_name\": " + quoted("m".repeat(3000))),
                        "field 'model_name' is longer than 256 characters"),
                org.junit.jupiter.params.provider.Arguments.of(
                        event("\"prediction_id\": " + quoted(long257)),
                        "field 'prediction_id' is longer than 256 characters"),
                org.junit.jupiter.params.provider.Arguments.of(
                        event("\"model_name\": " + quoted("a\u0085b")),
                        "contains a control character (U+0085)"),
                org.junit.jupiter.params.provider.Arguments.of(
                        event("\"model_name\": \"a\\ud800b\""),
                        "contains an unpaired surrogate (U+D800)"),
                org.junit.jupiter.params.provider.Arguments.of(
                        event("\"features\": {" + quoted("x\ty") + ": 1}"),
                        "feature name 'x\uFFFDy' contains a control character (U+0009)"),
                org.junit.jupiter.params.provider.Arguments.of(
                        event("\"features\": {" + quoted(long257) + ": 1}"),
                        "is longer than 256 characters"),
                org.junit.jupiter.params.provider.Arguments.of(
                        event("\"tags\": {" + quoted("k\u0000") + ": \"v\"}"),
                        "tag key 'k\uFFFD' contains a control character"),
                org.junit.jupiter.params.provider.Arguments.of(
                        event("\"tags\": {\"region\": " + quoted(long257) + "}"),
                        "tag 'region' is longer than 256 characters"),
                org.junit.jupiter.params.provider.Arguments.of(
                        event("\"prediction\": {\"label\": " + quoted("\u0000") + "}"),
                        "field 'prediction.label' contains a control character"),
                org.junit.jupiter.params.provider.Arguments.of(
                        event("\"features\": {\"x\": 1e999}"),
                        "feature 'x' is not a finite number"),
                org.junit.jupiter.params.provider.Arguments.of(
                        event("\"prediction\": {\"score\": -1e400}"),
                        "field 'prediction.score' is not a finite number"),
                org.junit.jupiter.params.provider.Arguments.of(
                        event("\"timestamp\": \"2999-01-01T00:00:00Z\""),
                        "timestamp 2999-01-01T00:00:00Z is more than 24h ahead of the processing clock"
                                + " (2026-11-29T12:00:00Z)"),
                org.junit.jupiter.params.provider.Arguments.of(
                        event("\"timestamp\": " + (NOW + 86_400_001L)),
                        "ahead of the processing clock"),
                org.junit.jupiter.params.provider.Arguments.of(
                        event("\"timestamp\": -1"), "is before 1970-01-01T00:00:00Z"),
                org.junit.jupiter.params.provider.Arguments.of(
                        event("\"timestamp\": \"+999999999-12-31T23:59:59Z\""),
                        "unparseable timestamp"),
                org.junit.jupiter.params.provider.Arguments.of(
                        event("\"timestamp\": 99999999999999999999999"), "malformed JSON"),
                org.junit.jupiter.params.provider.Arguments.of(
                        event("\"features\": {\"x\": 1}, \"features\": {\"y\": 2}"),
                        "duplicate field 'features'"),
                org.junit.jupiter.params.provider.Arguments.of(
                        event("\"model_name\": \"a\", \"model_name\": \"b\""),
                        "duplicate field 'model_name'"));
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("outsideTheLimits")
    void rejectsValuesOutsideTheContractsLimits(String json, String reason) {
        JsonEventDecoder segmented =
                new JsonEventDecoder(List.of("region"), 1 << 16, EventLimits.defaults());
        assertThatThrownBy(() -> segmented.parse(json.getBytes(StandardCharsets.UTF_8), NOW))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining(reason);
    }

    @Test
    void acceptsValuesAtTheLimits() throws Exception {
        String name = "\uD83D\uDE00".repeat(256); // 256 characters, 512 UTF-16 units
        PredictionEvent e =
                new JsonEventDecoder(List.of("region"), 1 << 16, EventLimits.defaults())
                        .parse(
                                event(
                                                "\"model_name\": "
                                                        + quoted(name)
                                                        + ", \"timestamp\": "
                                                        + (NOW + 86_400_000L)
                                                        + ", \"tags\": {\"region\": "
                                                        + quoted("é".repeat(256))
                                                        + "}")
                                        .getBytes(StandardCharsets.UTF_8),
                                NOW);
        assertThat(e.modelName).isEqualTo(name);
        assertThat(e.timestamp).isEqualTo(NOW + 86_400_000L);
        assertThat(e.segment).hasSize(256);
        assertThat(
                        new JsonEventDecoder(List.of(), 4096)
                                .parse(
                                        event("\"timestamp\": 0").getBytes(StandardCharsets.UTF_8),
                                        NOW)
                                .timestamp)
                .as("old data is fine")
                .isZero();
    }

    @Test
    void aSegmentOfSeveralTagsIsLimitedToo() {
        JsonEventDecoder two =
                new JsonEventDecoder(List.of("a", "b"), 1 << 16, EventLimits.defaults());
        String json =
                event(
                        "\"tags\": {\"a\": "
                                + quoted("x".repeat(200))
                                + ", \"b\": "
                                + quoted("y".repeat(200))
                                + "}");
        assertThatThrownBy(() -> two.parse(json.getBytes(StandardCharsets.UTF_8), NOW))
                .hasMessageContaining("the segment is longer than 256 characters");
    }

    @Test
    void anInvalidTimestampOrNameIsNotReportedAsTheRecordsIdentity() {
        InvalidEventException future =
                org.junit.jupiter.api.Assertions.assertThrows(
                        InvalidEventException.class,
                        () ->
                                parser.parse(
                                        ("{\"prediction_id\": \"a\", \"model_name\": \"m\","
                                                        + " \"model_version\": \"1\", \"timestamp\":"
                                                        + " \"2999-01-01T00:00:00Z\", \"features\": {}}")
                                                .getBytes(StandardCharsets.UTF_8),
                                        NOW));
        assertThat(future.timestamp())
                .as("a rejected timestamp never reaches a window")
                .isEqualTo(Long.MIN_VALUE);
        InvalidEventException nul =
                org.junit.jupiter.api.Assertions.assertThrows(
                        InvalidEventException.class,
                        () ->
                                parser.parse(
                                        ("{\"model_name\": \"m\\u0000\", \"model_version\": \"1\","
                                                        + " \"timestamp\": 5}")
                                                .getBytes(StandardCharsets.UTF_8),
                                        NOW));
        assertThat(nul.modelName()).isNull();
    }

    @Test
    void featureNamesRememberedAsValidDoNotLetAnInvalidOneThrough() throws Exception {
        JsonEventDecoder decoder = new JsonEventDecoder(List.of(), 4096, EventLimits.defaults());
        String valid = event("\"features\": {\"a\": 1, \"b\": 2}");
        String invalid = event("\"features\": {\"a\": 1, " + quoted("b\u0000") + ": 2}");
        for (int i = 0; i < 3; i++) {
            assertThat(decoder.parse(valid.getBytes(StandardCharsets.UTF_8), NOW).featureNames)
                    .startsWith("a", "b");
            assertThatThrownBy(() -> decoder.parse(invalid.getBytes(StandardCharsets.UTF_8), NOW))
                    .hasMessageContaining("feature name 'b\uFFFD' contains a control character");
        }
    }
}
