package dev.driftwatch.ingest.formats;

/**
 * Decodes model-server payloads into feature rows (requests) and predictions (responses): KServe v1
 * JSON, Open Inference Protocol v2 JSON and OIP protobuf, with or without a Confluent
 * schema-registry framing. Thread-safe; holds no state between calls.
 *
 * <p>What each shape becomes:
 *
 * <ul>
 *   <li>KServe v1 {@code {"instances": [...]}}: an object row names its features by its keys; a
 *       list row (and a single value) is named by the input schema, in order.
 *   <li>KServe v1 {@code {"predictions": [...]}}: one value per row (a one-element list, or the
 *       schema's output key / the first key of an object).
 *   <li>OIP {@code inputs}: {@code [N]} / {@code [N, 1]} tensors are features named by the tensor;
 *       one {@code [N, F]} tensor is F features named by the input schema.
 *   <li>OIP {@code outputs}: the schema's prediction output, else the first output, of shape {@code
 *       [N]} or {@code [N, 1]}.
 *   <li>Floating-point predictions are scores; integer, boolean and string predictions are labels.
 * </ul>
 *
 * <pre>{@code
 * InferencePayloads payloads = new InferencePayloads(DecodeLimits.DEFAULTS);
 * FeatureRows request = payloads.decodeRequest(bytes, PayloadFormat.JSON, schema);
 * Predictions response = payloads.decodeResponse(other, PayloadFormat.PROTOBUF, schema);
 * List<PredictionRow> rows = PredictionRows.join(ceId, request, response);
 * }</pre>
 *
 * Everything it cannot decode is a {@link PayloadRejectedException} with a reason.
 */
public final class InferencePayloads {
    private final DecodeLimits limits;
    private final JsonPayloads json;
    private final ProtobufPayloads protobuf;

    public InferencePayloads(DecodeLimits limits) {
        this.limits = limits;
        this.json = new JsonPayloads(limits);
        this.protobuf = new ProtobufPayloads(limits);
    }

    public DecodeLimits limits() {
        return limits;
    }

    /** Decodes an inference request into its feature rows. */
    public FeatureRows decodeRequest(byte[] payload, PayloadFormat format, InputSchema schema)
            throws PayloadRejectedException {
        checkSize(payload);
        if (format == PayloadFormat.PROTOBUF) {
            return protobuf.request(payload, 0, payload.length, schema);
        }
        int start = ConfluentFraming.jsonPayload(payload, 0, payload.length);
        return json.request(payload, start, payload.length - start, schema);
    }

    /** Decodes an inference response into one prediction per row. */
    public Predictions decodeResponse(byte[] payload, PayloadFormat format, InputSchema schema)
            throws PayloadRejectedException {
        checkSize(payload);
        if (format == PayloadFormat.PROTOBUF) {
            return protobuf.response(payload, 0, payload.length, schema);
        }
        int start = ConfluentFraming.jsonPayload(payload, 0, payload.length);
        return json.response(payload, start, payload.length - start, schema);
    }

    private void checkSize(byte[] payload) throws PayloadRejectedException {
        if (payload == null || payload.length == 0) {
            throw new PayloadRejectedException(RejectReason.MALFORMED, "empty payload");
        }
        if (payload.length > limits.maxPayloadBytes()) {
            throw new PayloadRejectedException(
                    RejectReason.LIMIT_EXCEEDED,
                    "payload of "
                            + payload.length
                            + " bytes exceeds the limit of "
                            + limits.maxPayloadBytes());
        }
    }
}
