package dev.driftwatch.ingest.formats;

import static dev.driftwatch.ingest.formats.Rows.row;
import static dev.driftwatch.ingest.formats.Rows.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class OipJsonTest {
    private final InferencePayloads payloads = new InferencePayloads(DecodeLimits.DEFAULTS);
    private final InputSchema iris =
            InputSchema.of(
                    List.of("sepal_length", "sepal_width", "petal_length", "petal_width"), null);

    @Test
    void oneWideTensorIsNamedByTheSchemaNestedOrFlat() throws Exception {
        // the KServe sklearn v2 iris sample: one [N, 4] FP32 tensor, nested data
        String nested =
                "{\"inputs\": [{\"name\": \"input-0\", \"shape\": [2, 4], \"datatype\": \"FP32\","
                        + " \"data\": [[6.8, 2.8, 4.8, 1.4], [6.0, 3.4, 4.5, 1.6]]}]}";
        String flat =
                "{\"id\": \"823248cc\", \"inputs\": [{\"name\": \"input-0\", \"shape\": [2, 4],"
                        + " \"datatype\": \"FP32\", \"data\": [6.8, 2.8, 4.8, 1.4, 6.0, 3.4, 4.5,"
                        + " 1.6]}]}";
        FeatureRows a = payloads.decodeRequest(utf8(nested), PayloadFormat.JSON, iris);
        FeatureRows b = payloads.decodeRequest(utf8(flat), PayloadFormat.JSON, iris);
        List<?> expected =
                List.of(
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
        assertThat(Rows.of(a)).isEqualTo(expected);
        assertThat(Rows.of(b)).isEqualTo(expected);
        assertThat(b.id()).isEqualTo("823248cc");
        assertThatThrownBy(
                        () ->
                                payloads.decodeRequest(
                                        utf8(flat), PayloadFormat.JSON, InputSchema.NONE))
                .isInstanceOf(PayloadRejectedException.class)
                .hasMessageContaining("input 'input-0' holds 4 positional features; declare");
    }

    @Test
    void namedTensorsAreOneFeatureEachWithBytesAsStrings() throws Exception {
        // pandas-style: one tensor per column, [N] or [N, 1], BYTES for strings
        String body =
                "{\"inputs\": ["
                        + "{\"name\": \"amount\", \"shape\": [3, 1], \"datatype\": \"FP64\","
                        + " \"data\": [[12.5], [7.0], [null]]},"
                        + "{\"name\": \"country\", \"shape\": [3], \"datatype\": \"BYTES\","
                        + " \"data\": [\"DE\", \"FR\", \"US\"]},"
                        + "{\"name\": \"items\", \"shape\": [3], \"datatype\": \"INT32\","
                        + " \"parameters\": {\"content_type\": \"np\"}, \"data\": [1, 2, 3]},"
                        + "{\"name\": \"vip\", \"shape\": [3], \"datatype\": \"BOOL\","
                        + " \"data\": [true, false, true]}],"
                        + " \"parameters\": {\"content_type\": \"pd\"}}";
        FeatureRows rows = payloads.decodeRequest(utf8(body), PayloadFormat.JSON, InputSchema.NONE);
        assertThat(Rows.of(rows))
                .containsExactly(
                        row("amount", 12.5, "country", "DE", "items", 1, "vip", "true"),
                        row("amount", 7.0, "country", "FR", "items", 2, "vip", "false"),
                        row("amount", null, "country", "US", "items", 3, "vip", "true"));
    }

    @Test
    void fieldsMayComeInAnyOrder() throws Exception {
        String body =
                "{\"inputs\": [{\"data\": [1.5, 2.5], \"datatype\": \"FP32\", \"shape\": [2],"
                        + " \"name\": \"x\"}], \"id\": \"late-id\"}";
        FeatureRows rows = payloads.decodeRequest(utf8(body), PayloadFormat.JSON, InputSchema.NONE);
        assertThat(Rows.of(rows)).containsExactly(row("x", 1.5), row("x", 2.5));
        assertThat(rows.id()).isEqualTo("late-id");
    }

    @Test
    void namedAndWideTensorsCombine() throws Exception {
        String body =
                "{\"inputs\": [{\"name\": \"segment\", \"shape\": [2], \"datatype\": \"BYTES\","
                        + " \"data\": [\"a\", \"b\"]}, {\"name\": \"x\", \"shape\": [2, 2],"
                        + " \"datatype\": \"INT64\", \"data\": [[1, 2], [3, 4]]}]}";
        FeatureRows rows =
                payloads.decodeRequest(
                        utf8(body), PayloadFormat.JSON, InputSchema.of(List.of("p", "q"), null));
        assertThat(Rows.of(rows))
                .containsExactly(
                        row("segment", "a", "p", 1, "q", 2), row("segment", "b", "p", 3, "q", 4));
    }

    @Test
    void responsesGiveScoresOrLabelsFromTheFirstOrNamedOutput() throws Exception {
        // the KServe sklearn v2 sample response (model_version and parameters null)
        String labels =
                "{\"model_name\": \"sklearn-v2-iris\", \"model_version\": null, \"id\":"
                        + " \"823248cc-d770-4a51-9606-16803395569c\", \"parameters\": null,"
                        + " \"outputs\": [{\"name\": \"predict\", \"shape\": [2], \"datatype\":"
                        + " \"INT64\", \"parameters\": null, \"data\": [1, 1]}]}";
        Predictions p = payloads.decodeResponse(utf8(labels), PayloadFormat.JSON, iris);
        assertThat(p.modelName()).isEqualTo("sklearn-v2-iris");
        assertThat(p.modelVersion()).isNull();
        assertThat(p.id()).isEqualTo("823248cc-d770-4a51-9606-16803395569c");
        assertThat(p.output()).isEqualTo("predict");
        assertThat(p.labels()).containsExactly("1", "1");

        String two =
                "{\"model_name\": \"fraud\", \"model_version\": \"7\", \"outputs\": ["
                        + "{\"name\": \"label\", \"shape\": [2, 1], \"datatype\": \"BYTES\","
                        + " \"data\": [[\"fraud\"], [\"ok\"]]},"
                        + "{\"name\": \"probability\", \"shape\": [2, 1], \"datatype\": \"FP32\","
                        + " \"data\": [0.91, 0.12]}]}";
        Predictions first =
                payloads.decodeResponse(utf8(two), PayloadFormat.JSON, InputSchema.NONE);
        assertThat(first.modelVersion()).isEqualTo("7");
        assertThat(first.labels()).containsExactly("fraud", "ok");
        Predictions named =
                payloads.decodeResponse(
                        utf8(two), PayloadFormat.JSON, InputSchema.of(List.of(), "probability"));
        assertThat(named.scores()).containsExactly(0.91, 0.12);
        assertThat(named.labels()).containsOnlyNulls();
    }

    @Test
    void multiColumnOutputsAreRejected() {
        String body =
                "{\"outputs\": [{\"name\": \"proba\", \"shape\": [1, 2], \"datatype\": \"FP32\","
                        + " \"data\": [0.2, 0.8]}]}";
        assertThatThrownBy(() -> payloads.decodeResponse(utf8(body), PayloadFormat.JSON, iris))
                .isInstanceOf(PayloadRejectedException.class)
                .hasMessageContaining("output 'proba' has shape [1, 2]");
    }

    @Test
    void aBatchOfOneKeepsItsIdAndAResponseOfAnotherSizeIsRejected() throws Exception {
        FeatureRows one =
                payloads.decodeRequest(
                        utf8(
                                "{\"inputs\": [{\"name\": \"x\", \"shape\": [1], \"datatype\": \"FP64\", \"data\": [3.0]}]}"),
                        PayloadFormat.JSON,
                        InputSchema.NONE);
        Predictions two =
                payloads.decodeResponse(
                        utf8(
                                "{\"outputs\": [{\"name\": \"y\", \"shape\": [2], \"datatype\": \"FP64\", \"data\": [0.1, 0.2]}]}"),
                        PayloadFormat.JSON,
                        InputSchema.NONE);
        assertThat(PredictionRows.join("r1", one, null))
                .singleElement()
                .satisfies(
                        r -> {
                            assertThat(r.predictionId()).isEqualTo("r1");
                            assertThat(r.score()).isNaN();
                            assertThat(r.label()).isNull();
                        });
        assertThatThrownBy(() -> PredictionRows.join("r1", one, two))
                .isInstanceOf(PayloadRejectedException.class)
                .hasMessage("the request has 1 rows but the response has 2 predictions");
    }

    @Test
    void shapeAndDataMustAgree() {
        assertRejected(
                "{\"inputs\": [{\"name\": \"x\", \"shape\": [2, 2], \"datatype\": \"FP32\", \"data\": [1, 2, 3]}]}",
                RejectReason.SHAPE_MISMATCH,
                "has shape [2, 2] (4 elements) but 3 data elements");
        assertRejected(
                "{\"inputs\": [{\"name\": \"x\", \"shape\": [2, 2], \"datatype\": \"FP32\", \"data\": [[1, 2], [3]]}]}",
                RejectReason.SHAPE_MISMATCH,
                "ragged");
        assertRejected(
                "{\"inputs\": [{\"name\": \"x\", \"shape\": [2, 2], \"datatype\": \"FP32\", \"data\": [[1, 2], 3, 4]}]}",
                RejectReason.SHAPE_MISMATCH,
                "ragged");
        assertRejected(
                "{\"inputs\": [{\"name\": \"x\", \"shape\": [4, 1], \"datatype\": \"FP32\", \"data\": [[1, 2], [3, 4]]}]}",
                RejectReason.SHAPE_MISMATCH,
                "nested data of another shape than [4, 1]");
        assertRejected(
                "{\"inputs\": [{\"name\": \"a\", \"shape\": [2], \"datatype\": \"FP32\", \"data\": [1, 2]},"
                        + " {\"name\": \"b\", \"shape\": [3], \"datatype\": \"FP32\", \"data\": [1, 2, 3]}]}",
                RejectReason.SHAPE_MISMATCH,
                "input 'b' has 3 rows but input 'a' has 2");
        assertRejected(
                "{\"inputs\": [{\"name\": \"img\", \"shape\": [1, 2, 2], \"datatype\": \"UINT8\", \"data\": [1, 2, 3, 4]}]}",
                RejectReason.UNSUPPORTED_SHAPE,
                "inputs must be [N] or [N, F]");
        assertRejected(
                "{\"inputs\": [{\"name\": \"x\", \"shape\": [-1], \"datatype\": \"FP32\", \"data\": [1]}]}",
                RejectReason.SHAPE_MISMATCH,
                "negative dimension");
    }

    @Test
    void elementsMustFitTheDatatype() {
        assertRejected(
                "{\"inputs\": [{\"name\": \"x\", \"shape\": [1], \"datatype\": \"FP128\", \"data\": [1]}]}",
                RejectReason.UNKNOWN_DATATYPE,
                "unknown datatype 'FP128'");
        assertRejected(
                "{\"inputs\": [{\"name\": \"x\", \"shape\": [2], \"datatype\": \"INT32\", \"data\": [1, 2.5]}]}",
                RejectReason.SHAPE_MISMATCH,
                "holds the number 2.5 at element 1");
        assertRejected(
                "{\"inputs\": [{\"name\": \"x\", \"shape\": [1], \"datatype\": \"INT8\", \"data\": [300]}]}",
                RejectReason.SHAPE_MISMATCH,
                "of datatype INT8 holds the integer 300");
        assertRejected(
                "{\"inputs\": [{\"name\": \"x\", \"shape\": [1], \"datatype\": \"UINT32\", \"data\": [-1]}]}",
                RejectReason.SHAPE_MISMATCH,
                "holds the integer -1");
        assertRejected(
                "{\"inputs\": [{\"name\": \"x\", \"shape\": [1], \"datatype\": \"FP32\", \"data\": [\"1.0\"]}]}",
                RejectReason.SHAPE_MISMATCH,
                "holds a string");
        assertRejected(
                "{\"inputs\": [{\"name\": \"x\", \"shape\": [1], \"datatype\": \"BYTES\", \"data\": [1]}]}",
                RejectReason.SHAPE_MISMATCH,
                "of datatype BYTES holds the integer 1");
        assertRejected(
                "{\"inputs\": [{\"name\": \"x\", \"shape\": [1], \"datatype\": \"FP32\"}]}",
                RejectReason.MALFORMED,
                "has no 'data'");
    }

    @Test
    void uint64TakesTheWholeUnsignedRange() throws Exception {
        FeatureRows rows =
                payloads.decodeRequest(
                        utf8(
                                "{\"inputs\": [{\"name\": \"u\", \"shape\": [2], \"datatype\": \"UINT64\", \"data\": [18446744073709551615, 7]}]}"),
                        PayloadFormat.JSON,
                        InputSchema.NONE);
        assertThat(rows.rows().get(0).numbers()[0]).isEqualTo(1.8446744073709552E19);
        Predictions p =
                payloads.decodeResponse(
                        utf8(
                                "{\"outputs\": [{\"name\": \"u\", \"shape\": [1], \"datatype\": \"UINT64\", \"data\": [18446744073709551615]}]}"),
                        PayloadFormat.JSON,
                        InputSchema.NONE);
        assertThat(p.labels()).containsExactly("18446744073709551615");
        assertRejected(
                "{\"inputs\": [{\"name\": \"u\", \"shape\": [1], \"datatype\": \"UINT64\", \"data\": [18446744073709551616]}]}",
                RejectReason.SHAPE_MISMATCH,
                "of datatype UINT64 holds");
    }

    private void assertRejected(String json, RejectReason reason, String message) {
        Rejections.assertRejected(
                () -> payloads.decodeRequest(utf8(json), PayloadFormat.JSON, InputSchema.NONE),
                reason,
                message);
    }
}
