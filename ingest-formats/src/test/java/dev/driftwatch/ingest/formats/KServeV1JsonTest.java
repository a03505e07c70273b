package dev.driftwatch.ingest.formats;

import static dev.driftwatch.ingest.formats.Rows.row;
import static dev.driftwatch.ingest.formats.Rows.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class KServeV1JsonTest {
    private final InferencePayloads payloads = new InferencePayloads(DecodeLimits.DEFAULTS);
    private final InputSchema iris =
            InputSchema.of(
                    List.of("sepal_length", "sepal_width", "petal_length", "petal_width"), null);

    @Test
    void listRowsAreNamedByTheSchema() throws Exception {
        // the KServe sklearn iris sample request, as its logger forwards it
        FeatureRows rows =
                payloads.decodeRequest(
                        utf8(
                                "{  \"instances\": [    [6.8,  2.8,  4.8,  1.4],    [6.0,  3.4,"
                                        + "  4.5,  1.6]  ]}"),
                        PayloadFormat.JSON,
                        iris);
        assertThat(rows.id()).isNull();
        assertThat(Rows.of(rows))
                .containsExactly(
                        row(
                                "sepal_length",
                                6.8,
                                "sepal_width",
                                2.8,
                                "petal_length",
                                4.8,
                                "petal_width",
                                1.4),
                        row(
                                "sepal_length",
                                6.0,
                                "sepal_width",
                                3.4,
                                "petal_length",
                                4.5,
                                "petal_width",
                                1.6));
        // rows named by the schema share one names array
        assertThat(rows.rows().get(0).names()).isSameAs(rows.rows().get(1).names());
    }

    @Test
    void objectRowsAreNamedByTheirKeys() throws Exception {
        FeatureRows rows =
                payloads.decodeRequest(
                        utf8(
                                "{\"instances\": [{\"amount\": 12.5, \"country\": \"DE\","
                                        + " \"age\": null, \"vip\": true},"
                                        + " {\"amount\": 3, \"country\": \"FR\", \"age\": 41,"
                                        + " \"vip\": false}]}"),
                        PayloadFormat.JSON,
                        InputSchema.NONE);
        assertThat(Rows.of(rows))
                .containsExactly(
                        row("amount", 12.5, "country", "DE", "age", null, "vip", "true"),
                        row("amount", 3, "country", "FR", "age", 41, "vip", "false"));
        assertThat(rows.rows().get(0).names()).isSameAs(rows.rows().get(1).names());
        FeatureRow first = rows.rows().get(0);
        assertThat(first.numbers()[2]).isNaN(); // missing: NaN and null
        assertThat(first.strings()[2]).isNull();
        assertThat(first.numbers()[1]).isNaN(); // a string: NaN number
    }

    @Test
    void objectRowsMayDifferInTheirKeys() throws Exception {
        FeatureRows rows =
                payloads.decodeRequest(
                        utf8("{\"instances\": [{\"a\": 1}, {\"a\": 2, \"b\": \"x\"}]}"),
                        PayloadFormat.JSON,
                        InputSchema.NONE);
        assertThat(Rows.of(rows)).containsExactly(row("a", 1), row("a", 2, "b", "x"));
    }

    @Test
    void singleValueRowsNeedAOneFeatureSchema() throws Exception {
        FeatureRows rows =
                payloads.decodeRequest(
                        utf8("{\"instances\": [0.5, \"x\"]}"),
                        PayloadFormat.JSON,
                        InputSchema.of(List.of("score_in"), null));
        assertThat(Rows.of(rows)).containsExactly(row("score_in", 0.5), row("score_in", "x"));
        assertThatThrownBy(
                        () ->
                                payloads.decodeRequest(
                                        utf8("{\"instances\": [0.5]}"), PayloadFormat.JSON, iris))
                .isInstanceOf(PayloadRejectedException.class)
                .hasMessageContaining("exactly one feature");
    }

    @Test
    void listRowsWithoutSchemaOrOfTheWrongLengthAreRejected() {
        assertRejected(
                "{\"instances\": [[1, 2, 3, 4]]}",
                InputSchema.NONE,
                RejectReason.MISSING_SCHEMA,
                "declare the model's input schema");
        assertRejected(
                "{\"instances\": [[1, 2, 3]]}",
                iris,
                RejectReason.SHAPE_MISMATCH,
                "instance 0 has 3 values but the input schema names 4 features");
        assertRejected(
                "{\"instances\": [[1, 2, 3, 4, 5]]}",
                iris,
                RejectReason.SHAPE_MISMATCH,
                "more values than the 4 features");
    }

    @Test
    void nestedFeatureValuesAreRejected() {
        // an image-shaped instance is not a row of scalar features
        assertRejected(
                "{\"instances\": [[[1, 2], [3, 4], [5, 6], [7, 8]]]}",
                iris,
                RejectReason.UNSUPPORTED_SHAPE,
                "feature 'sepal_length' of instance 0 is an array");
        assertRejected(
                "{\"instances\": [{\"image\": {\"b64\": \"aGk=\"}}]}",
                InputSchema.NONE,
                RejectReason.UNSUPPORTED_SHAPE,
                "feature 'image' of instance 0 is an object");
    }

    @Test
    void predictionsIntegersAreLabelsFloatsAreScores() throws Exception {
        Predictions labels =
                payloads.decodeResponse(
                        utf8("{\"predictions\": [1, 0, 2]}"), PayloadFormat.JSON, iris);
        assertThat(labels.labels()).containsExactly("1", "0", "2");
        assertThat(java.util.Arrays.stream(labels.scores()).allMatch(Double::isNaN)).isTrue();
        assertThat(labels.output()).isNull();

        Predictions scores =
                payloads.decodeResponse(
                        utf8("{\"predictions\": [0.83, 0.1]}"), PayloadFormat.JSON, iris);
        assertThat(scores.scores()).containsExactly(0.83, 0.1);
        assertThat(scores.labels()).containsOnlyNulls();

        Predictions mixed =
                payloads.decodeResponse(
                        utf8("{\"predictions\": [\"cat\", true, null, [0.25]]}"),
                        PayloadFormat.JSON,
                        iris);
        assertThat(mixed.labels()).containsExactly("cat", "true", null, null);
        assertThat(mixed.scores()[3]).isEqualTo(0.25);
        assertThat(mixed.scores()[2]).isNaN();
    }

    @Test
    void objectPredictionsUseTheSchemaOutputElseTheFirstKey() throws Exception {
        byte[] body =
                utf8(
                        "{\"predictions\": [{\"label\": \"fraud\", \"probability\": 0.91},"
                                + " {\"label\": \"ok\", \"probability\": 0.12}]}");
        Predictions first = payloads.decodeResponse(body, PayloadFormat.JSON, InputSchema.NONE);
        assertThat(first.output()).isEqualTo("label");
        assertThat(first.labels()).containsExactly("fraud", "ok");

        Predictions named =
                payloads.decodeResponse(
                        body, PayloadFormat.JSON, InputSchema.of(List.of(), "probability"));
        assertThat(named.output()).isEqualTo("probability");
        assertThat(named.scores()).containsExactly(0.91, 0.12);

        assertThatThrownBy(
                        () ->
                                payloads.decodeResponse(
                                        body,
                                        PayloadFormat.JSON,
                                        InputSchema.of(List.of(), "margin")))
                .isInstanceOf(PayloadRejectedException.class)
                .satisfies(
                        e ->
                                assertThat(((PayloadRejectedException) e).reason())
                                        .isEqualTo(RejectReason.MISSING_OUTPUT))
                .hasMessageContaining("prediction 0 has no key 'margin'");
    }

    @Test
    void multiValuePredictionRowsAreRejected() {
        // predict_proba-style rows: which column is "the" prediction is not ours to guess
        assertThatThrownBy(
                        () ->
                                payloads.decodeResponse(
                                        utf8("{\"predictions\": [[0.2, 0.8]]}"),
                                        PayloadFormat.JSON,
                                        iris))
                .isInstanceOf(PayloadRejectedException.class)
                .hasMessageContaining("prediction 0 is a list of 2 values");
    }

    @Test
    void aRequestAndItsResponseJoinIntoRowsWithIds() throws Exception {
        FeatureRows request =
                payloads.decodeRequest(
                        utf8("{\"instances\": [[6.8, 2.8, 4.8, 1.4], [6.0, 3.4, 4.5, 1.6]]}"),
                        PayloadFormat.JSON,
                        iris);
        Predictions response =
                payloads.decodeResponse(
                        utf8("{\"predictions\": [1, 2]}"), PayloadFormat.JSON, iris);
        List<PredictionRow> rows = PredictionRows.join("req-7f3a", request, response);
        assertThat(rows)
                .extracting(PredictionRow::predictionId)
                .containsExactly("req-7f3a/0", "req-7f3a/1");
        assertThat(rows).extracting(PredictionRow::label).containsExactly("1", "2");
        assertThat(rows.get(1).numbers()).containsExactly(6.0, 3.4, 4.5, 1.6);
    }

    private void assertRejected(
            String json, InputSchema schema, RejectReason reason, String message) {
        Rejections.assertRejected(
                () -> payloads.decodeRequest(utf8(json), PayloadFormat.JSON, schema),
                reason,
                message);
    }
}
