package dev.driftwatch.ingest.formats;

import static dev.driftwatch.ingest.formats.Rows.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.driftwatch.ingest.formats.oip.InferTensorContents;
import dev.driftwatch.ingest.formats.oip.ModelInferRequest;
import dev.driftwatch.ingest.formats.oip.ModelInferRequest.InferInputTensor;
import dev.driftwatch.ingest.formats.oip.ModelInferResponse;
import dev.driftwatch.ingest.formats.oip.ModelInferResponse.InferOutputTensor;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class OipProtobufTest {
    private final InferencePayloads payloads = new InferencePayloads(DecodeLimits.DEFAULTS);

    /** A Seldon-shaped request: one typed tensor per feature. */
    static ModelInferRequest typedRequest() {
        return ModelInferRequest.newBuilder()
                .setModelName("fraud")
                .setModelVersion("7")
                .setId("req-7f3a")
                .addInputs(
                        InferInputTensor.newBuilder()
                                .setName("amount")
                                .setDatatype("FP64")
                                .addShape(2)
                                .addShape(1)
                                .setContents(
                                        InferTensorContents.newBuilder()
                                                .addFp64Contents(12.5)
                                                .addFp64Contents(7.25)))
                .addInputs(
                        InferInputTensor.newBuilder()
                                .setName("country")
                                .setDatatype("BYTES")
                                .addShape(2)
                                .setContents(
                                        InferTensorContents.newBuilder()
                                                .addBytesContents(ByteString.copyFromUtf8("DE"))
                                                .addBytesContents(ByteString.copyFromUtf8("FR"))))
                .addInputs(
                        InferInputTensor.newBuilder()
                                .setName("items")
                                .setDatatype("INT32")
                                .addShape(2)
                                .setContents(
                                        InferTensorContents.newBuilder()
                                                .addIntContents(3)
                                                .addIntContents(-1)))
                .addInputs(
                        InferInputTensor.newBuilder()
                                .setName("vip")
                                .setDatatype("BOOL")
                                .addShape(2)
                                .setContents(
                                        InferTensorContents.newBuilder()
                                                .addBoolContents(true)
                                                .addBoolContents(false)))
                .build();
    }

    static final List<?> TYPED_ROWS =
            List.of(
                    row("amount", 12.5, "country", "DE", "items", 3, "vip", "true"),
                    row("amount", 7.25, "country", "FR", "items", -1, "vip", "false"));

    @Test
    void typedContents() throws Exception {
        FeatureRows rows =
                payloads.decodeRequest(
                        typedRequest().toByteArray(), PayloadFormat.PROTOBUF, InputSchema.NONE);
        assertThat(rows.modelName()).isEqualTo("fraud");
        assertThat(rows.modelVersion()).isEqualTo("7");
        assertThat(rows.id()).isEqualTo("req-7f3a");
        assertThat(Rows.of(rows)).isEqualTo(TYPED_ROWS);
    }

    @Test
    void rawInputContentsGiveTheSameRows() throws Exception {
        ModelInferRequest.Builder raw = typedRequest().toBuilder();
        for (int i = 0; i < raw.getInputsCount(); i++) {
            raw.getInputsBuilder(i).clearContents();
        }
        raw.addRawInputContents(le(8, b -> b.putDouble(12.5).putDouble(7.25)))
                .addRawInputContents(bytesElements("DE", "FR"))
                .addRawInputContents(le(4, b -> b.putInt(3).putInt(-1)))
                .addRawInputContents(ByteString.copyFrom(new byte[] {1, 0}));
        FeatureRows rows =
                payloads.decodeRequest(
                        raw.build().toByteArray(), PayloadFormat.PROTOBUF, InputSchema.NONE);
        assertThat(Rows.of(rows)).isEqualTo(TYPED_ROWS);
    }

    @Test
    void confluentFramingIsRecognisedAndSkipped() throws Exception {
        byte[] message = typedRequest().toByteArray();
        // magic 0, schema id 42, message indexes [0] as the single byte 0
        byte[] firstMessage = concat(new byte[] {0, 0, 0, 0, 42, 0}, message);
        // magic 0, schema id 7, indexes [1, 0]: count 2, then 1 and 0, all zig-zag varints
        byte[] nested = concat(new byte[] {0, 0, 0, 0, 7, 4, 2, 0}, message);
        for (byte[] framed : List.of(firstMessage, nested)) {
            FeatureRows rows =
                    payloads.decodeRequest(framed, PayloadFormat.PROTOBUF, InputSchema.NONE);
            assertThat(Rows.of(rows)).isEqualTo(TYPED_ROWS);
        }
        assertThatThrownBy(
                        () ->
                                payloads.decodeRequest(
                                        new byte[] {0, 0, 0, 1},
                                        PayloadFormat.PROTOBUF,
                                        InputSchema.NONE))
                .isInstanceOf(PayloadRejectedException.class)
                .hasMessageContaining("ends inside its header");
        assertThatThrownBy(
                        () ->
                                payloads.decodeRequest(
                                        concat(new byte[] {0, 0, 0, 0, 1, (byte) 0xfe, 1}, message),
                                        PayloadFormat.PROTOBUF,
                                        InputSchema.NONE))
                .isInstanceOf(PayloadRejectedException.class)
                .hasMessageContaining("message indexes");
    }

    @Test
    void everyRawDatatype() throws Exception {
        ModelInferRequest.Builder m = ModelInferRequest.newBuilder();
        addRaw(m, "b", "BOOL", new byte[] {0, 1});
        addRaw(m, "u8", "UINT8", new byte[] {(byte) 255, 1});
        addRaw(
                m,
                "u16",
                "UINT16",
                le(2, b -> b.putShort((short) 65535).putShort((short) 2)).toByteArray());
        addRaw(m, "u32", "UINT32", le(4, b -> b.putInt(-1).putInt(3)).toByteArray());
        addRaw(m, "u64", "UINT64", le(8, b -> b.putLong(-1L).putLong(4)).toByteArray());
        addRaw(m, "i8", "INT8", new byte[] {(byte) -128, 5});
        addRaw(
                m,
                "i16",
                "INT16",
                le(2, b -> b.putShort((short) -32768).putShort((short) 6)).toByteArray());
        addRaw(m, "i32", "INT32", le(4, b -> b.putInt(Integer.MIN_VALUE).putInt(7)).toByteArray());
        addRaw(m, "i64", "INT64", le(8, b -> b.putLong(Long.MIN_VALUE).putLong(8)).toByteArray());
        // binary16: 0x3C00 = 1.0, 0xC000 = -2.0; bfloat16: 0x3FC0 = 1.5, 0xC040 = -3.0
        addRaw(
                m,
                "f16",
                "FP16",
                le(2, b -> b.putShort((short) 0x3C00).putShort((short) 0xC000)).toByteArray());
        addRaw(
                m,
                "bf16",
                "BF16",
                le(2, b -> b.putShort((short) 0x3FC0).putShort((short) 0xC040)).toByteArray());
        addRaw(m, "f32", "FP32", le(4, b -> b.putFloat(0.5f).putFloat(-0.25f)).toByteArray());
        addRaw(m, "f64", "FP64", le(8, b -> b.putDouble(1e-300).putDouble(9.5)).toByteArray());
        addRaw(m, "s", "BYTES", bytesElements("Zürich", "").toByteArray());
        FeatureRows rows =
                payloads.decodeRequest(
                        m.build().toByteArray(), PayloadFormat.PROTOBUF, InputSchema.NONE);
        assertThat(Rows.of(rows))
                .containsExactly(
                        row(
                                "b",
                                "false",
                                "u8",
                                255,
                                "u16",
                                65535,
                                "u32",
                                4294967295L,
                                "u64",
                                1.8446744073709552E19,
                                "i8",
                                -128,
                                "i16",
                                -32768,
                                "i32",
                                Integer.MIN_VALUE,
                                "i64",
                                (double) Long.MIN_VALUE,
                                "f16",
                                1.0,
                                "bf16",
                                1.5,
                                "f32",
                                0.5,
                                "f64",
                                1e-300,
                                "s",
                                "Zürich"),
                        row(
                                "b", "true", "u8", 1, "u16", 2, "u32", 3, "u64", 4, "i8", 5, "i16",
                                6, "i32", 7, "i64", 8, "f16", -2.0, "bf16", -3.0, "f32", -0.25,
                                "f64", 9.5, "s", ""));
    }

    @Test
    void halfFloatsConvertExactly() {
        assertThat(ProtobufPayloads.RawTensors.halfToFloat((short) 0x7BFF)).isEqualTo(65504f);
        assertThat(ProtobufPayloads.RawTensors.halfToFloat((short) 0x0001))
                .isEqualTo((float) Math.pow(2, -24));
        assertThat(ProtobufPayloads.RawTensors.halfToFloat((short) 0x0400))
                .isEqualTo((float) Math.pow(2, -14));
        assertThat(ProtobufPayloads.RawTensors.halfToFloat((short) 0x3555))
                .isEqualTo(0.333251953125f);
        assertThat(ProtobufPayloads.RawTensors.halfToFloat((short) 0x8000)).isEqualTo(-0.0f);
        assertThat(ProtobufPayloads.RawTensors.halfToFloat((short) 0x7C00))
                .isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(ProtobufPayloads.RawTensors.halfToFloat((short) 0x7E00)).isNaN();
    }

    @Test
    void wideTensorAndResponse() throws Exception {
        ModelInferRequest request =
                ModelInferRequest.newBuilder()
                        .addInputs(
                                InferInputTensor.newBuilder()
                                        .setName("input-0")
                                        .setDatatype("FP32")
                                        .addShape(2)
                                        .addShape(2))
                        .addRawInputContents(
                                le(4, b -> b.putFloat(1f).putFloat(2f).putFloat(3f).putFloat(4f)))
                        .build();
        InputSchema schema = InputSchema.of(List.of("x", "y"), null);
        FeatureRows rows =
                payloads.decodeRequest(request.toByteArray(), PayloadFormat.PROTOBUF, schema);
        assertThat(Rows.of(rows)).containsExactly(row("x", 1, "y", 2), row("x", 3, "y", 4));

        ModelInferResponse response =
                ModelInferResponse.newBuilder()
                        .setModelName("fraud")
                        .setModelVersion("8")
                        .setId("req-1")
                        .addOutputs(
                                InferOutputTensor.newBuilder()
                                        .setName("predict")
                                        .setDatatype("INT64")
                                        .addShape(2)
                                        .setContents(
                                                InferTensorContents.newBuilder()
                                                        .addInt64Contents(1)
                                                        .addInt64Contents(0)))
                        .addOutputs(
                                InferOutputTensor.newBuilder()
                                        .setName("proba")
                                        .setDatatype("FP16")
                                        .addShape(2)
                                        .addShape(1))
                        .addRawOutputContents(ByteString.EMPTY)
                        .addRawOutputContents(
                                le(2, b -> b.putShort((short) 0x3800).putShort((short) 0x3400)))
                        .build();
        assertThatThrownBy(
                        () ->
                                payloads.decodeResponse(
                                        response.toByteArray(), PayloadFormat.PROTOBUF, schema))
                .isInstanceOf(PayloadRejectedException.class)
                .hasMessageContaining("both typed contents and raw contents");

        ModelInferResponse rawOnly =
                response.toBuilder()
                        .setOutputs(0, response.getOutputs(0).toBuilder().clearContents())
                        .setRawOutputContents(0, le(8, b -> b.putLong(1).putLong(0)))
                        .build();
        Predictions first =
                payloads.decodeResponse(rawOnly.toByteArray(), PayloadFormat.PROTOBUF, schema);
        assertThat(first.modelName()).isEqualTo("fraud");
        assertThat(first.modelVersion()).isEqualTo("8");
        assertThat(first.labels()).containsExactly("1", "0");
        Predictions proba =
                payloads.decodeResponse(
                        rawOnly.toByteArray(),
                        PayloadFormat.PROTOBUF,
                        InputSchema.of(List.of("x", "y"), "proba"));
        assertThat(proba.scores()).containsExactly(0.5, 0.25);
    }

    @Test
    void malformedMessagesAreRejectedWithAReason() {
        assertProtoRejected(
                ModelInferRequest.newBuilder()
                        .addInputs(
                                InferInputTensor.newBuilder()
                                        .setName("x")
                                        .setDatatype("FP32")
                                        .addShape(3)
                                        .setContents(
                                                InferTensorContents.newBuilder()
                                                        .addFp32Contents(1f)))
                        .build()
                        .toByteArray(),
                RejectReason.SHAPE_MISMATCH,
                "(3 elements) but 1 elements in its contents");
        assertProtoRejected(
                ModelInferRequest.newBuilder()
                        .addInputs(
                                InferInputTensor.newBuilder()
                                        .setName("x")
                                        .setDatatype("FP32")
                                        .addShape(1)
                                        .setContents(
                                                InferTensorContents.newBuilder()
                                                        .addFp64Contents(1)))
                        .build()
                        .toByteArray(),
                RejectReason.MALFORMED,
                "in a field that does not match its datatype FP32");
        assertProtoRejected(
                ModelInferRequest.newBuilder()
                        .addInputs(
                                InferInputTensor.newBuilder()
                                        .setName("x")
                                        .setDatatype("FP16")
                                        .addShape(1)
                                        .setContents(
                                                InferTensorContents.newBuilder()
                                                        .addFp32Contents(1)))
                        .build()
                        .toByteArray(),
                RejectReason.MALFORMED,
                "needs raw contents");
        assertProtoRejected(
                ModelInferRequest.newBuilder()
                        .addInputs(
                                InferInputTensor.newBuilder()
                                        .setName("x")
                                        .setDatatype("INT8")
                                        .addShape(1)
                                        .setContents(
                                                InferTensorContents.newBuilder()
                                                        .addIntContents(200)))
                        .build()
                        .toByteArray(),
                RejectReason.SHAPE_MISMATCH,
                "of datatype INT8 holds 200");
        assertProtoRejected(
                ModelInferRequest.newBuilder()
                        .addInputs(
                                InferInputTensor.newBuilder()
                                        .setName("x")
                                        .setDatatype("FP32")
                                        .addShape(3))
                        .addRawInputContents(ByteString.copyFrom(new byte[11]))
                        .build()
                        .toByteArray(),
                RejectReason.SHAPE_MISMATCH,
                "have 11 bytes; shape [3] of FP32 needs 12");
        assertProtoRejected(
                ModelInferRequest.newBuilder()
                        .addInputs(
                                InferInputTensor.newBuilder()
                                        .setName("x")
                                        .setDatatype("FP32")
                                        .addShape(1))
                        .addInputs(
                                InferInputTensor.newBuilder()
                                        .setName("y")
                                        .setDatatype("FP32")
                                        .addShape(1))
                        .addRawInputContents(ByteString.copyFrom(new byte[4]))
                        .build()
                        .toByteArray(),
                RejectReason.MALFORMED,
                "raw_input_contents has 1 entries for 2 inputs");
        assertProtoRejected(
                ModelInferRequest.newBuilder()
                        .addInputs(
                                InferInputTensor.newBuilder()
                                        .setName("s")
                                        .setDatatype("BYTES")
                                        .addShape(1))
                        .addRawInputContents(le(4, b -> b.putInt(1000)))
                        .build()
                        .toByteArray(),
                RejectReason.SHAPE_MISMATCH,
                "element 0 claims 1000 bytes but 0 remain");
        assertProtoRejected(
                ModelInferRequest.newBuilder()
                        .addInputs(
                                InferInputTensor.newBuilder()
                                        .setName("s")
                                        .setDatatype("BYTES")
                                        .addShape(1))
                        .addRawInputContents(
                                ByteString.copyFrom(
                                        concat(
                                                le(4, b -> b.putInt(2)).toByteArray(),
                                                new byte[] {(byte) 0xC3, 0x28})))
                        .build()
                        .toByteArray(),
                RejectReason.INVALID_TEXT,
                "is not valid UTF-8");
        assertProtoRejected(
                new byte[] {0x2a, 0x7f, 0x01},
                RejectReason.MALFORMED,
                "not an Open Inference Protocol ModelInferRequest");
    }

    private void assertProtoRejected(byte[] bytes, RejectReason reason, String message) {
        Rejections.assertRejected(
                () -> payloads.decodeRequest(bytes, PayloadFormat.PROTOBUF, InputSchema.NONE),
                reason,
                message);
    }

    private static void addRaw(ModelInferRequest.Builder m, String name, String type, byte[] raw) {
        m.addInputs(InferInputTensor.newBuilder().setName(name).setDatatype(type).addShape(2));
        m.addRawInputContents(ByteString.copyFrom(raw));
    }

    /** Little-endian bytes of two or four elements of {@code size} bytes written by {@code w}. */
    static ByteString le(int size, java.util.function.Consumer<ByteBuffer> w) {
        ByteBuffer b = ByteBuffer.allocate(size * 4).order(ByteOrder.LITTLE_ENDIAN);
        w.accept(b);
        b.flip();
        return ByteString.copyFrom(b);
    }

    /** Raw BYTES elements: a 4-byte little-endian length, then the UTF-8 bytes, each. */
    static ByteString bytesElements(String... values) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String v : values) {
            byte[] s = v.getBytes(StandardCharsets.UTF_8);
            out.writeBytes(
                    ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(s.length).array());
            out.writeBytes(s);
        }
        return ByteString.copyFrom(out.toByteArray());
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
