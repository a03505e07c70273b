package dev.driftwatch.jobs.ingest;

import com.google.protobuf.ByteString;
import dev.driftwatch.ingest.formats.InputSchema;
import dev.driftwatch.ingest.formats.InputSchemaUpdate;
import dev.driftwatch.ingest.formats.oip.InferTensorContents;
import dev.driftwatch.ingest.formats.oip.ModelInferRequest;
import dev.driftwatch.ingest.formats.oip.ModelInferResponse;
import dev.driftwatch.jobs.records.InferenceLogPart;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Rows of one model (a numeric {@code amount}, a categorical {@code country}, a score) written in
 * every shape a model server logs them: KServe v1 and Open Inference Protocol JSON, OIP protobuf as
 * Seldon Core 2 writes it (typed or raw contents, with or without Confluent framing), and
 * Driftwatch's own event JSON.
 */
public final class TestInferences {
    private TestInferences() {}

    /** One row: its features and its score (null: no prediction). */
    public record Row(double amount, String country, Double score) {}

    /** KServe v1: {@code {"instances": [{"amount": .., "country": ..}, ...]}}. */
    public static byte[] kserveV1Request(List<Row> rows) {
        return utf8(
                "{\"instances\": ["
                        + rows.stream()
                                .map(
                                        r ->
                                                "{\"amount\": "
                                                        + num(r.amount())
                                                        + ", \"country\": \""
                                                        + r.country()
                                                        + "\"}")
                                .collect(Collectors.joining(", "))
                        + "]}");
    }

    /** KServe v1 list rows (named by the input schema amount, country). */
    public static byte[] kserveV1ListRequest(List<Row> rows) {
        return utf8(
                "{\"instances\": ["
                        + rows.stream()
                                .map(r -> "[" + num(r.amount()) + ", \"" + r.country() + "\"]")
                                .collect(Collectors.joining(", "))
                        + "]}");
    }

    /** KServe v1: {@code {"predictions": [score, ...]}}. */
    public static byte[] kserveV1Response(List<Row> rows) {
        return utf8(
                "{\"predictions\": ["
                        + rows.stream().map(r -> num(r.score())).collect(Collectors.joining(", "))
                        + "]}");
    }

    /** OIP JSON: a named FP64 tensor [N, 1] and a BYTES tensor [N]. */
    public static byte[] oipRequest(String id, List<Row> rows) {
        int n = rows.size();
        return utf8(
                "{\"id\": \""
                        + id
                        + "\", \"inputs\": [{\"name\": \"amount\", \"shape\": ["
                        + n
                        + ", 1], \"datatype\": \"FP64\", \"data\": ["
                        + rows.stream()
                                .map(r -> "[" + num(r.amount()) + "]")
                                .collect(Collectors.joining(", "))
                        + "]}, {\"name\": \"country\", \"shape\": ["
                        + n
                        + "], \"datatype\": \"BYTES\", \"data\": ["
                        + rows.stream()
                                .map(r -> "\"" + r.country() + "\"")
                                .collect(Collectors.joining(", "))
                        + "]}]}");
    }

    /** OIP JSON: an FP64 output [N] named {@code score}, with {@code model_version}. */
    public static byte[] oipResponse(String id, String model, String version, List<Row> rows) {
        return utf8(
                "{\"model_name\": \""
                        + model
                        + "\", \"model_version\": \""
                        + version
                        + "\", \"id\": \""
                        + id
                        + "\", \"outputs\": [{\"name\": \"score\", \"shape\": ["
                        + rows.size()
                        + "], \"datatype\": \"FP64\", \"data\": ["
                        + rows.stream().map(r -> num(r.score())).collect(Collectors.joining(", "))
                        + "]}]}");
    }

    /** OIP protobuf request with typed contents, as Seldon Core 2 writes it. */
    public static byte[] seldonRequest(String model, List<Row> rows) {
        InferTensorContents.Builder amounts = InferTensorContents.newBuilder();
        InferTensorContents.Builder countries = InferTensorContents.newBuilder();
        for (Row r : rows) {
            amounts.addFp64Contents(r.amount());
            countries.addBytesContents(ByteString.copyFromUtf8(r.country()));
        }
        return ModelInferRequest.newBuilder()
                .setModelName(model)
                .addInputs(
                        ModelInferRequest.InferInputTensor.newBuilder()
                                .setName("amount")
                                .setDatatype("FP64")
                                .addShape(rows.size())
                                .addShape(1)
                                .setContents(amounts))
                .addInputs(
                        ModelInferRequest.InferInputTensor.newBuilder()
                                .setName("country")
                                .setDatatype("BYTES")
                                .addShape(rows.size())
                                .setContents(countries))
                .build()
                .toByteArray();
    }

    /** OIP protobuf request with raw contents (little-endian FP64, length-prefixed BYTES). */
    public static byte[] seldonRawRequest(String model, List<Row> rows) {
        ByteBuffer amounts = ByteBuffer.allocate(8 * rows.size()).order(ByteOrder.LITTLE_ENDIAN);
        int bytes = 0;
        for (Row r : rows) {
            amounts.putDouble(r.amount());
            bytes += 4 + r.country().getBytes(StandardCharsets.UTF_8).length;
        }
        ByteBuffer countries = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (Row r : rows) {
            byte[] c = r.country().getBytes(StandardCharsets.UTF_8);
            countries.putInt(c.length).put(c);
        }
        return ModelInferRequest.newBuilder()
                .setModelName(model)
                .addInputs(
                        ModelInferRequest.InferInputTensor.newBuilder()
                                .setName("amount")
                                .setDatatype("FP64")
                                .addShape(rows.size())
                                .addShape(1))
                .addInputs(
                        ModelInferRequest.InferInputTensor.newBuilder()
                                .setName("country")
                                .setDatatype("BYTES")
                                .addShape(rows.size()))
                .addRawInputContents(ByteString.copyFrom(amounts.array()))
                .addRawInputContents(ByteString.copyFrom(countries.array()))
                .build()
                .toByteArray();
    }

    /** OIP protobuf response: an FP64 output named {@code score}; no version when null. */
    public static byte[] seldonResponse(String model, String version, List<Row> rows) {
        InferTensorContents.Builder scores = InferTensorContents.newBuilder();
        for (Row r : rows) {
            scores.addFp64Contents(r.score());
        }
        ModelInferResponse.Builder b =
                ModelInferResponse.newBuilder()
                        .setModelName(model)
                        .addOutputs(
                                ModelInferResponse.InferOutputTensor.newBuilder()
                                        .setName("score")
                                        .setDatatype("FP64")
                                        .addShape(rows.size())
                                        .setContents(scores));
        if (version != null) {
            b.setModelVersion(version);
        }
        return b.build().toByteArray();
    }

    /**
     * The Confluent schema-registry framing in front of a protobuf message: magic byte 0, schema
     * id, and the message index list of the first message (a single 0).
     */
    public static byte[] confluentFramed(int schemaId, byte[] message) {
        ByteBuffer b = ByteBuffer.allocate(6 + message.length);
        b.put((byte) 0).putInt(schemaId).put((byte) 0).put(message);
        return b.array();
    }

    /** The same row as Driftwatch's own prediction event. */
    public static byte[] nativeEvent(
            String predictionId, String model, String version, long timestamp, Row r) {
        return utf8(
                "{\"prediction_id\": \""
                        + predictionId
                        + "\", \"model_name\": \""
                        + model
                        + "\", \"model_version\": \""
                        + version
                        + "\", \"timestamp\": "
                        + timestamp
                        + ", \"features\": {\"amount\": "
                        + num(r.amount())
                        + ", \"country\": \""
                        + r.country()
                        + "\"}"
                        + (r.score() == null
                                ? ""
                                : ", \"prediction\": {\"score\": " + num(r.score()) + "}")
                        + "}");
    }

    /** The input-schema record of {@code model}: schema amount, country; the aliases given. */
    public static byte[] inputSchema(String model, Map<String, String> aliases) {
        return new InputSchemaUpdate(
                        model, InputSchema.of(List.of("amount", "country"), null), aliases)
                .toJson();
    }

    /** A request or response part as the envelope reader makes it. */
    public static InferenceLogPart part(
            String model, String id, boolean response, long time, byte[] value) {
        InferenceLogPart p = new InferenceLogPart();
        p.pairKey = "kserve\n\n" + model + "\n" + id;
        p.modelName = model;
        p.requestId = id;
        p.response = response;
        p.timestamp = time;
        p.value = value;
        p.topic = "driftwatch.inference-logs";
        return p;
    }

    static String num(Double d) {
        return String.format(Locale.ROOT, "%s", d);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
