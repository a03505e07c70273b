package dev.driftwatch.core.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LabelParserTest {
    private final LabelParser parser = new LabelParser(4096);

    private LabelEvent parse(String json) throws InvalidEventException {
        return parser.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void parsesClassificationAndRegressionLabels() throws Exception {
        LabelEvent c =
                parse(
                        "{\"prediction_id\": \"req-7f3a\", \"model_name\": \"fraud\", \"timestamp\":"
                                + " \"2026-11-29T08:00:00Z\", \"label\": \"1\"}");
        assertThat(c.label).isEqualTo("1");
        assertThat(c.isValue()).isFalse();
        assertThat(c.timestamp)
                .isEqualTo(java.time.Instant.parse("2026-11-29T08:00:00Z").toEpochMilli());
        LabelEvent r =
                parse(
                        "{\"prediction_id\": \"a\", \"model_name\": \"eta\", \"timestamp\": 5, \"value\": 12.3}");
        assertThat(r.isValue()).isTrue();
        assertThat(r.value).isEqualTo(12.3);
        assertThat(
                        parse(
                                        "{\"prediction_id\": \"a\", \"model_name\": \"m\", \"timestamp\": 5, \"label\": 1}")
                                .label)
                .isEqualTo("1");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "nope|malformed JSON",
                "{\"model_name\": \"m\", \"timestamp\": 1, \"label\": \"1\"}|missing required field 'prediction_id'",
                "{\"prediction_id\": \"a\", \"timestamp\": 1, \"label\": \"1\"}|missing required field 'model_name'",
                "{\"prediction_id\": \"a\", \"model_name\": \"m\", \"label\": \"1\"}|missing required field 'timestamp'",
                "{\"prediction_id\": \"a\", \"model_name\": \"m\", \"timestamp\": 1}|needs 'label'",
                "{\"prediction_id\": \"a\", \"model_name\": \"m\", \"timestamp\": 1, \"label\": \"1\", \"value\": 2}|not both",
                "{\"prediction_id\": \"a\", \"model_name\": \"m\", \"timestamp\": 1, \"value\": \"high\"}|field 'value' must be a number",
                "{\"prediction_id\": \"a\", \"model_name\": \"m\", \"timestamp\": 1, \"label\": [1]}|field 'label' must be a string",
                "{\"prediction_id\": \"a\", \"model_name\": \"m\", \"timestamp\": \"later\", \"label\": \"1\"}|unparseable timestamp",
            })
    void rejectsBadLabels(String json, String reason) {
        assertThatThrownBy(() -> parse(json))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining(reason);
    }

    @Test
    void referenceProfilesCarryOptionalPerformance() {
        var base = dev.driftwatch.core.profile.TestProfiles.amountAndCountry(100);
        var withPerf =
                new dev.driftwatch.core.profile.ReferenceProfile(
                        base.modelName(),
                        base.modelVersion(),
                        base.createdAt(),
                        base.features(),
                        java.util.Map.of("roc_auc", 0.91));
        var back = dev.driftwatch.core.profile.ReferenceProfile.fromJson(withPerf.toJson());
        assertThat(back.performance()).containsEntry("roc_auc", 0.91);
        assertThat(back).isEqualTo(withPerf);
        assertThat(
                        dev.driftwatch.core.profile.ReferenceProfile.fromJson(base.toJson())
                                .performance())
                .isEmpty();
    }

    @Test
    void rejectsLabelsOutsideTheContractsLimits() {
        long now = java.time.Instant.parse("2026-11-29T12:00:00Z").toEpochMilli();
        LabelParser limited = new LabelParser(1 << 16, EventLimits.defaults());
        String base = "{\"prediction_id\": \"a\", \"model_name\": \"m\", \"timestamp\": 5, ";
        java.util.Map<String, String> cases =
                java.util.Map.of(
                        base + "\"label\": \"1\\u0000\"}",
                        "field 'label' contains a control character (U+0000)",
                        base + "\"label\": \"" + "x".repeat(300) + "\"}",
                        "field 'label' is longer than 256 characters",
                        "{\"prediction_id\": \"a\", \"model_name\": \""
                                + "m".repeat(3000)
                                + "\", \"timestamp\": 5, \"label\": \"1\"}",
                        "field 'model_name' is longer than 256 characters",
                        "{\"prediction_id\": \"a\\u0000\", \"model_name\": \"m\", \"timestamp\": 5, \"label\": \"1\"}",
                        "field 'prediction_id' contains a control character",
                        "{\"prediction_id\": \"a\", \"model_name\": \"m\", \"timestamp\": \"2999-01-01T00:00:00Z\", \"label\": \"1\"}",
                        "ahead of the processing clock",
                        base + "\"value\": 1e999}",
                        "field 'value' must be finite",
                        base + "\"label\": \"1\", \"label\": \"0\"}",
                        "duplicate field 'label'");
        cases.forEach(
                (json, reason) ->
                        assertThatThrownBy(
                                        () ->
                                                limited.parse(
                                                        json.getBytes(StandardCharsets.UTF_8), now))
                                .as(reason)
                                .isInstanceOf(InvalidEventException.class)
                                .hasMessageContaining(reason));
    }
}
