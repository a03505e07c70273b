package dev.driftwatch.ingest.formats;

import static dev.driftwatch.ingest.formats.Rows.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.driftwatch.ingest.formats.oip.InferTensorContents;
import dev.driftwatch.ingest.formats.oip.ModelInferRequest;
import dev.driftwatch.ingest.formats.oip.ModelInferRequest.InferInputTensor;
import dev.driftwatch.ingest.formats.oip.ModelInferResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Hostile and broken payloads: each is rejected with a reason, none costs unbounded memory. */
class HostilePayloadsTest {
    private static final String LONG = "x".repeat(257);
    private static final int MUTATIONS = 2000;

    private final InferencePayloads payloads = new InferencePayloads(DecodeLimits.DEFAULTS);

    @Test
    void deepNestingIsBounded() {
        String deep = "[".repeat(10_000) + "]".repeat(10_000);
        // even in a field that is skipped
        assertRequestRejected(
                "{\"parameters\": " + deep + ", \"instances\": []}",
                RejectReason.LIMIT_EXCEEDED,
                "nesting depth");
        assertRequestRejected(
                "{\"inputs\": [{\"name\": \"x\", \"shape\": [1], \"datatype\": \"FP32\", \"data\": "
                        + deep
                        + "}]}",
                RejectReason.LIMIT_EXCEEDED,
                "nesting depth");
    }

    @Test
    void controlCharactersAreRejectedWherever() {
        assertRequestRejected(
                "{\"instances\": [{\"am\\u0000ount\": 1}]}",
                RejectReason.INVALID_TEXT,
                "feature name contains the control character U+0000 ('am\\u0000ount')");
        assertRequestRejected(
                "{\"instances\": [{\"country\": \"D\\u0000E\"}]}",
                RejectReason.INVALID_TEXT,
                "value of feature 'country' contains the control character U+0000");
        assertRequestRejected(
                "{\"inputs\": [{\"name\": \"x\\u001b[31m\", \"shape\": [1], \"datatype\": \"FP32\","
                        + " \"data\": [1]}]}",
                RejectReason.INVALID_TEXT,
                "tensor name contains the control character U+001B");
        assertRequestRejected(
                "{\"inputs\": [{\"name\": \"s\", \"shape\": [1], \"datatype\": \"BYTES\","
                        + " \"data\": [\"a\\u0085b\"]}]}",
                RejectReason.INVALID_TEXT,
                "U+0085");
        assertThatThrownBy(
                        () ->
                                payloads.decodeResponse(
                                        utf8("{\"predictions\": [\"fr\\u0000aud\"]}"),
                                        PayloadFormat.JSON,
                                        InputSchema.NONE))
                .hasMessageContaining("label contains the control character U+0000");
        byte[] proto =
                ModelInferRequest.newBuilder()
                        .addInputs(
                                InferInputTensor.newBuilder()
                                        .setName("s")
                                        .setDatatype("BYTES")
                                        .addShape(1)
                                        .setContents(
                                                InferTensorContents.newBuilder()
                                                        .addBytesContents(
                                                                ByteString.copyFromUtf8("a\0b"))))
                        .build()
                        .toByteArray();
        assertProtoRejected(proto, RejectReason.INVALID_TEXT, "U+0000");
        byte[] modelName =
                ModelInferResponse.newBuilder().setModelName("fraud\0").build().toByteArray();
        assertThatThrownBy(
                        () ->
                                payloads.decodeResponse(
                                        modelName, PayloadFormat.PROTOBUF, InputSchema.NONE))
                .hasMessageContaining("'model_name' contains the control character U+0000");
    }

    @Test
    void stringsLongerThan256AreRejected() {
        assertRequestRejected(
                "{\"instances\": [{\"" + LONG + "\": 1}]}",
                RejectReason.INVALID_TEXT,
                "feature name has 257 characters, more than the limit of 256");
        assertRequestRejected(
                "{\"instances\": [{\"a\": \"" + LONG + "\"}]}",
                RejectReason.INVALID_TEXT,
                "value of feature 'a' has 257 characters");
        assertRequestRejected(
                "{\"id\": \"" + LONG + "\", \"instances\": []}",
                RejectReason.INVALID_TEXT,
                "'id' has 257 characters");
        byte[] big =
                ModelInferRequest.newBuilder()
                        .addInputs(
                                InferInputTensor.newBuilder()
                                        .setName("s")
                                        .setDatatype("BYTES")
                                        .addShape(1)
                                        .setContents(
                                                InferTensorContents.newBuilder()
                                                        .addBytesContents(
                                                                ByteString.copyFromUtf8(
                                                                        "y".repeat(5000)))))
                        .build()
                        .toByteArray();
        assertProtoRejected(big, RejectReason.INVALID_TEXT, "5000 bytes, beyond the limit of 256");
        assertThatThrownBy(() -> InputSchema.of(List.of(LONG), null))
                .isInstanceOf(IllegalArgumentException.class);
        // exactly 256 characters is within the limit
        assertThat(TextCheckProbe.accepts("z".repeat(256))).isTrue();
    }

    @Test
    void hugeShapesAreRejectedBeforeAnyAllocation() {
        assertRequestRejected(
                "{\"inputs\": [{\"name\": \"x\", \"shape\": [1099511627776, 1099511627776],"
                        + " \"datatype\": \"FP32\", \"data\": [1]}]}",
                RejectReason.LIMIT_EXCEEDED,
                "more than the limit of 1000000 elements");
        assertRequestRejected(
                "{\"inputs\": [{\"name\": \"x\", \"shape\": [9223372036854775807, 2],"
                        + " \"datatype\": \"FP32\", \"data\": [1]}]}",
                RejectReason.LIMIT_EXCEEDED,
                "elements");
        byte[] proto =
                ModelInferRequest.newBuilder()
                        .addInputs(
                                InferInputTensor.newBuilder()
                                        .setName("x")
                                        .setDatatype("FP64")
                                        .addShape(Long.MAX_VALUE)
                                        .addShape(Long.MAX_VALUE))
                        .addRawInputContents(ByteString.copyFrom(new byte[8]))
                        .build()
                        .toByteArray();
        assertProtoRejected(proto, RejectReason.LIMIT_EXCEEDED, "elements");
        byte[] negative =
                ModelInferRequest.newBuilder()
                        .addInputs(
                                InferInputTensor.newBuilder()
                                        .setName("x")
                                        .setDatatype("FP64")
                                        .addShape(-4))
                        .addRawInputContents(ByteString.EMPTY)
                        .build()
                        .toByteArray();
        assertProtoRejected(negative, RejectReason.SHAPE_MISMATCH, "negative dimension");
    }

    @Test
    void countsAreBoundedByTheLimits() {
        InferencePayloads small = new InferencePayloads(new DecodeLimits(4096, 3, 4, 10, 16, 256));
        assertThatThrownBy(
                        () ->
                                small.decodeRequest(
                                        utf8(
                                                "{\"instances\": [{\"a\":1},{\"a\":1},{\"a\":1},{\"a\":1}]}"),
                                        PayloadFormat.JSON,
                                        InputSchema.NONE))
                .hasMessageContaining("more than the limit of 3 rows");
        assertThatThrownBy(
                        () ->
                                small.decodeRequest(
                                        utf8(
                                                "{\"instances\": [{\"a\":1,\"b\":1,\"c\":1,\"d\":1,\"e\":1}]}"),
                                        PayloadFormat.JSON,
                                        InputSchema.NONE))
                .hasMessageContaining("more than the limit of 4 features");
        assertThatThrownBy(
                        () ->
                                small.decodeRequest(
                                        utf8(
                                                "{\"inputs\": [{\"name\": \"x\", \"shape\": [1],"
                                                        + " \"datatype\": \"FP32\", \"data\": [1,2,3,4,5,6,7,8,9,10,11]}]}"),
                                        PayloadFormat.JSON,
                                        InputSchema.NONE))
                .hasMessageContaining("more than the limit of 10 elements");
        assertThatThrownBy(
                        () ->
                                small.decodeRequest(
                                        new byte[4097], PayloadFormat.JSON, InputSchema.NONE))
                .hasMessage("payload of 4097 bytes exceeds the limit of 4096");
        assertThatThrownBy(
                        () ->
                                small.decodeRequest(
                                        utf8(
                                                "{\"inputs\": [{\"name\": \"x\", \"shape\": [5],"
                                                        + " \"datatype\": \"FP32\", \"data\": [1,2,3,4,5]}]}"),
                                        PayloadFormat.JSON,
                                        InputSchema.NONE))
                .hasMessageContaining("the request has 5 rows, more than the limit of 3");
    }

    @Test
    void brokenJsonIsRejected() {
        assertRequestRejected("", RejectReason.MALFORMED, "empty payload");
        assertRequestRejected("null", RejectReason.MALFORMED, "not a JSON object");
        assertRequestRejected("[1, 2]", RejectReason.MALFORMED, "not a JSON object");
        assertRequestRejected("{\"instances\": [", RejectReason.MALFORMED, "malformed JSON");
        assertRequestRejected(
                "{\"instances\": []} {\"x\": 1}", RejectReason.MALFORMED, "trailing content");
        assertRequestRejected(
                "{\"instances\": [{\"a\": 1, \"a\": 2}]}", RejectReason.MALFORMED, "Duplicate");
        assertRequestRejected(
                "{\"instances\": 5}", RejectReason.MALFORMED, "'instances' must be an array");
        assertRequestRejected(
                "{\"instances\": [], \"inputs\": []}", RejectReason.MALFORMED, "both");
        assertRequestRejected("{\"data\": [1]}", RejectReason.MALFORMED, "neither 'instances'");
        assertRequestRejected("{\"inputs\": []}", RejectReason.MALFORMED, "no inputs");
        assertRequestRejected(
                "{\"inputs\": [{\"name\": \"a\", \"shape\": [1], \"datatype\": \"FP32\", \"data\": [1]},"
                        + " {\"name\": \"a\", \"shape\": [1], \"datatype\": \"FP32\", \"data\": [2]}]}",
                RejectReason.MALFORMED,
                "feature 'a' appears twice");
    }

    @Test
    void hugeNumbersPassAsInfinityForTheEventValidationToJudge() throws Exception {
        // numbers are passed on as they are (as for Driftwatch's own JSON events); the event
        // validation that every prediction event goes through decides about non-finite values
        FeatureRows rows =
                payloads.decodeRequest(
                        utf8("{\"instances\": [{\"a\": 1e400, \"b\": -1e400}]}"),
                        PayloadFormat.JSON,
                        InputSchema.NONE);
        assertThat(rows.rows().get(0).numbers())
                .containsExactly(Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY);
    }

    /**
     * Thousands of random mutations of valid payloads (bytes flipped, cut, inserted, repeated):
     * each decodes or is rejected with a {@link PayloadRejectedException}, never anything else.
     */
    @Test
    void mutatedPayloadsDecodeOrAreRejectedNeverThrowAnythingElse() {
        List<byte[]> json =
                List.of(
                        utf8("{\"instances\": [[6.8, 2.8, 4.8, 1.4], [6.0, 3.4, 4.5, 1.6]]}"),
                        utf8("{\"instances\": [{\"a\": 1, \"b\": \"x\", \"c\": null}]}"),
                        utf8("{\"predictions\": [1, 0.5, \"x\", [2], {\"k\": 3}]}"),
                        utf8(
                                "{\"id\": \"r\", \"inputs\": [{\"name\": \"input-0\", \"shape\": [2, 2],"
                                        + " \"datatype\": \"FP32\", \"data\": [[1, 2], [3, 4]]},"
                                        + " {\"name\": \"s\", \"shape\": [2], \"datatype\": \"BYTES\","
                                        + " \"data\": [\"a\", \"b\"]}]}"),
                        utf8(
                                "{\"model_name\": \"m\", \"outputs\": [{\"name\": \"p\", \"shape\": [2, 1],"
                                        + " \"datatype\": \"UINT64\", \"data\": [[1], [2]]}]}"));
        List<byte[]> proto =
                List.of(
                        OipProtobufTest.typedRequest().toByteArray(),
                        OipProtobufTest.concat(
                                new byte[] {0, 0, 0, 0, 1, 0},
                                OipProtobufTest.typedRequest().toByteArray()),
                        rawRequest());
        InputSchema schema = InputSchema.of(List.of("a", "b", "c", "d"), null);
        InputSchema two = InputSchema.of(List.of("p", "q"), null);
        Random random = new Random(20261126L);
        int decoded = 0;
        int rejected = 0;
        for (int i = 0; i < MUTATIONS; i++) {
            boolean useProto = i % 2 == 1;
            List<byte[]> corpus = useProto ? proto : json;
            byte[] mutated = mutate(corpus.get(random.nextInt(corpus.size())), random);
            PayloadFormat format = useProto ? PayloadFormat.PROTOBUF : PayloadFormat.JSON;
            for (InputSchema s : List.of(schema, two, InputSchema.NONE)) {
                try {
                    payloads.decodeRequest(mutated, format, s);
                    decoded++;
                } catch (PayloadRejectedException e) {
                    assertThat(e.getMessage()).isNotBlank();
                    rejected++;
                }
                try {
                    payloads.decodeResponse(mutated, format, s);
                    decoded++;
                } catch (PayloadRejectedException e) {
                    assertThat(e.getMessage()).isNotBlank();
                    rejected++;
                }
            }
        }
        assertThat(decoded + rejected).isEqualTo(MUTATIONS * 6);
        assertThat(rejected).isGreaterThan(decoded); // the corpus is mostly broken by design
        assertThat(decoded).isPositive(); // and some mutations keep it valid
    }

    private static byte[] rawRequest() {
        return ModelInferRequest.newBuilder()
                .addInputs(
                        InferInputTensor.newBuilder()
                                .setName("w")
                                .setDatatype("FP32")
                                .addShape(2)
                                .addShape(2))
                .addInputs(
                        InferInputTensor.newBuilder().setName("s").setDatatype("BYTES").addShape(2))
                .addRawInputContents(ByteString.copyFrom(new byte[16]))
                .addRawInputContents(OipProtobufTest.bytesElements("ab", "c"))
                .build()
                .toByteArray();
    }

    private static byte[] mutate(byte[] original, Random random) {
        List<Byte> b = new ArrayList<>();
        for (byte x : original) {
            b.add(x);
        }
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits && !b.isEmpty(); e++) {
            int at = random.nextInt(b.size());
            switch (random.nextInt(5)) {
                case 0 -> b.set(at, (byte) random.nextInt(256));
                case 1 -> b.subList(at, b.size()).clear();
                case 2 -> b.add(at, (byte) random.nextInt(256));
                case 3 -> {
                    int len = Math.min(b.size() - at, 1 + random.nextInt(8));
                    b.addAll(at, new ArrayList<>(b.subList(at, at + len)));
                }
                default -> b.remove(at);
            }
        }
        byte[] out = new byte[b.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.get(i);
        }
        return out;
    }

    private void assertRequestRejected(String json, RejectReason reason, String message) {
        Rejections.assertRejected(
                () -> payloads.decodeRequest(utf8(json), PayloadFormat.JSON, InputSchema.NONE),
                reason,
                message);
    }

    private void assertProtoRejected(byte[] bytes, RejectReason reason, String message) {
        Rejections.assertRejected(
                () -> payloads.decodeRequest(bytes, PayloadFormat.PROTOBUF, InputSchema.NONE),
                reason,
                message);
    }

    /** Whether a string passes the text rule (a feature name of exactly the limit length). */
    private static final class TextCheckProbe {
        static boolean accepts(String s) {
            try {
                TextCheck.check(s, "probe", 256);
                return true;
            } catch (PayloadRejectedException e) {
                return false;
            }
        }
    }
}
