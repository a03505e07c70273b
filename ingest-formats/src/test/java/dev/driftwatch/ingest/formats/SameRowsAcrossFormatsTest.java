package dev.driftwatch.ingest.formats;

import static dev.driftwatch.ingest.formats.Rows.row;
import static dev.driftwatch.ingest.formats.Rows.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.driftwatch.ingest.formats.oip.InferTensorContents;
import dev.driftwatch.ingest.formats.oip.ModelInferRequest;
import dev.driftwatch.ingest.formats.oip.ModelInferRequest.InferInputTensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One batch written in every supported shape decodes to the same rows. */
class SameRowsAcrossFormatsTest {
    private final InferencePayloads payloads = new InferencePayloads(DecodeLimits.DEFAULTS);
    private final InputSchema schema = InputSchema.of(List.of("amount", "rate"), null);

    private static final List<Map<String, Object>> EXPECTED =
            List.of(
                    row("amount", 12.25, "rate", 0.5),
                    row("amount", -3.0, "rate", 0.125),
                    row("amount", 1024.0, "rate", -0.75));

    @Test
    void everyShapeGivesTheSameRows() throws Exception {
        List<byte[]> json =
                List.of(
                        utf8(
                                "{\"instances\": [{\"amount\": 12.25, \"rate\": 0.5}, {\"amount\": -3,"
                                        + " \"rate\": 0.125}, {\"amount\": 1024, \"rate\": -0.75}]}"),
                        utf8("{\"instances\": [[12.25, 0.5], [-3, 0.125], [1024, -0.75]]}"),
                        utf8(
                                "{\"inputs\": [{\"name\": \"amount\", \"shape\": [3], \"datatype\":"
                                        + " \"FP64\", \"data\": [12.25, -3, 1024]}, {\"name\": \"rate\","
                                        + " \"shape\": [3, 1], \"datatype\": \"FP32\", \"data\": [[0.5],"
                                        + " [0.125], [-0.75]]}]}"),
                        utf8(
                                "{\"inputs\": [{\"name\": \"x\", \"shape\": [3, 2], \"datatype\":"
                                        + " \"FP32\", \"data\": [12.25, 0.5, -3, 0.125, 1024, -0.75]}]}"),
                        utf8(
                                "{\"inputs\": [{\"name\": \"x\", \"shape\": [3, 2], \"datatype\":"
                                        + " \"FP64\", \"data\": [[12.25, 0.5], [-3, 0.125], [1024,"
                                        + " -0.75]]}]}"));
        for (byte[] body : json) {
            assertThat(Rows.of(payloads.decodeRequest(body, PayloadFormat.JSON, schema)))
                    .as(new String(body, java.nio.charset.StandardCharsets.UTF_8))
                    .isEqualTo(EXPECTED);
        }
        ModelInferRequest typed =
                ModelInferRequest.newBuilder()
                        .addInputs(
                                InferInputTensor.newBuilder()
                                        .setName("amount")
                                        .setDatatype("FP64")
                                        .addShape(3)
                                        .setContents(
                                                InferTensorContents.newBuilder()
                                                        .addAllFp64Contents(
                                                                List.of(12.25, -3.0, 1024.0))))
                        .addInputs(
                                InferInputTensor.newBuilder()
                                        .setName("rate")
                                        .setDatatype("FP32")
                                        .addShape(3)
                                        .addShape(1)
                                        .setContents(
                                                InferTensorContents.newBuilder()
                                                        .addAllFp32Contents(
                                                                List.of(0.5f, 0.125f, -0.75f))))
                        .build();
        ModelInferRequest raw =
                ModelInferRequest.newBuilder()
                        .addInputs(
                                InferInputTensor.newBuilder()
                                        .setName("x")
                                        .setDatatype("FP32")
                                        .addShape(3)
                                        .addShape(2))
                        .addRawInputContents(
                                OipProtobufTest.le(
                                        8,
                                        b ->
                                                b.putFloat(12.25f)
                                                        .putFloat(0.5f)
                                                        .putFloat(-3f)
                                                        .putFloat(0.125f)
                                                        .putFloat(1024f)
                                                        .putFloat(-0.75f)))
                        .build();
        byte[] framed = OipProtobufTest.concat(new byte[] {0, 0, 0, 0, 9, 0}, raw.toByteArray());
        for (byte[] body : List.of(typed.toByteArray(), raw.toByteArray(), framed)) {
            assertThat(Rows.of(payloads.decodeRequest(body, PayloadFormat.PROTOBUF, schema)))
                    .isEqualTo(EXPECTED);
        }
        assertThat(ByteString.copyFrom(framed).size()).isEqualTo(raw.getSerializedSize() + 6);
    }
}
