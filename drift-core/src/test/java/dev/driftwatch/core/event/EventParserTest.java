package dev.driftwatch.core.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EventParserTest {
    private final EventParser parser = new EventParser(List.of("region", "tier"), 4096);

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
        assertThat(e.modelKey()).isEqualTo("fraud/7");
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
}
