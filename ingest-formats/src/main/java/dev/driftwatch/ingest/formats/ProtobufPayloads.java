package dev.driftwatch.ingest.formats;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import dev.driftwatch.ingest.formats.oip.InferTensorContents;
import dev.driftwatch.ingest.formats.oip.ModelInferRequest;
import dev.driftwatch.ingest.formats.oip.ModelInferResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes Open Inference Protocol protobuf messages ({@code ModelInferRequest} / {@code
 * ModelInferResponse}, as Seldon Core 2 writes them to Kafka), with typed {@code *_contents} or
 * little-endian {@code raw_*_contents}, behind an optional Confluent framing.
 */
final class ProtobufPayloads {
    private static final int RECURSION_LIMIT = 16;

    private final DecodeLimits limits;

    ProtobufPayloads(DecodeLimits limits) {
        this.limits = limits;
    }

    FeatureRows request(byte[] bytes, int offset, int length, InputSchema schema)
            throws PayloadRejectedException {
        int start = ConfluentFraming.protobufPayload(bytes, offset, length);
        ModelInferRequest m;
        try {
            m = ModelInferRequest.parseFrom(input(bytes, start, offset + length - start));
        } catch (IOException e) {
            throw malformed("not an Open Inference Protocol ModelInferRequest: " + e.getMessage());
        }
        List<TensorFields> inputs = new ArrayList<>(m.getInputsCount());
        for (ModelInferRequest.InferInputTensor t : m.getInputsList()) {
            inputs.add(
                    new TensorFields(
                            t.getName(),
                            t.getDatatype(),
                            t.getShapeList(),
                            t.hasContents() ? t.getContents() : null));
        }
        return TensorRows.features(
                text(m.getId(), "'id'"),
                text(m.getModelName(), "'model_name'"),
                text(m.getModelVersion(), "'model_version'"),
                tensors(inputs, m.getRawInputContentsList(), "input"),
                schema,
                limits);
    }

    Predictions response(byte[] bytes, int offset, int length, InputSchema schema)
            throws PayloadRejectedException {
        int start = ConfluentFraming.protobufPayload(bytes, offset, length);
        ModelInferResponse m;
        try {
            m = ModelInferResponse.parseFrom(input(bytes, start, offset + length - start));
        } catch (IOException e) {
            throw malformed("not an Open Inference Protocol ModelInferResponse: " + e.getMessage());
        }
        List<TensorFields> outputs = new ArrayList<>(m.getOutputsCount());
        for (ModelInferResponse.InferOutputTensor t : m.getOutputsList()) {
            outputs.add(
                    new TensorFields(
                            t.getName(),
                            t.getDatatype(),
                            t.getShapeList(),
                            t.hasContents() ? t.getContents() : null));
        }
        return TensorRows.predictions(
                text(m.getId(), "'id'"),
                text(m.getModelName(), "'model_name'"),
                text(m.getModelVersion(), "'model_version'"),
                tensors(outputs, m.getRawOutputContentsList(), "output"),
                schema,
                limits);
    }

    /** The fields input and output tensors share (the generated classes have no common type). */
    private record TensorFields(
            String name, String datatype, List<Long> shape, InferTensorContents contents) {}

    /** Decodes the tensors of a message, from their typed contents or the raw contents list. */
    private List<Tensor> tensors(List<TensorFields> fields, List<ByteString> raw, String kind)
            throws PayloadRejectedException {
        if (!raw.isEmpty() && raw.size() != fields.size()) {
            throw malformed(
                    "raw_"
                            + kind
                            + "_contents has "
                            + raw.size()
                            + " entries for "
                            + fields.size()
                            + " "
                            + kind
                            + "s");
        }
        if (fields.size() > limits.maxColumns()) {
            throw new PayloadRejectedException(
                    RejectReason.LIMIT_EXCEEDED,
                    "more than the limit of " + limits.maxColumns() + " " + kind + "s");
        }
        List<Tensor> tensors = new ArrayList<>(fields.size());
        int[] budget = {limits.maxElements()};
        for (int i = 0; i < fields.size(); i++) {
            TensorFields f = fields.get(i);
            tensors.add(
                    tensor(
                            f.name(),
                            f.datatype(),
                            f.shape(),
                            f.contents(),
                            raw.isEmpty() ? null : raw.get(i),
                            budget));
        }
        return tensors;
    }

    private String text(String value, String what) throws PayloadRejectedException {
        return TextCheck.optional(value, what, limits.maxStringLength());
    }

    private static CodedInputStream input(byte[] bytes, int offset, int length) {
        CodedInputStream in = CodedInputStream.newInstance(bytes, offset, length);
        in.setRecursionLimit(RECURSION_LIMIT);
        return in;
    }

    private Tensor tensor(
            String rawName,
            String datatype,
            List<Long> shapeList,
            InferTensorContents contents,
            ByteString raw,
            int[] budget)
            throws PayloadRejectedException {
        if (rawName.isEmpty()) {
            throw malformed("a tensor has no name");
        }
        String name = TextCheck.check(rawName, "tensor name", limits.maxStringLength());
        Datatype type = Datatype.parse(datatype, name);
        if (shapeList.size() > limits.maxDepth()) {
            throw new PayloadRejectedException(
                    RejectReason.LIMIT_EXCEEDED,
                    "tensor " + TextCheck.show(name) + " has " + shapeList.size() + " dimensions");
        }
        long[] shape = new long[shapeList.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = shapeList.get(i);
        }
        int count = Tensor.elementCount(shape, name, budget[0]);
        budget[0] -= count;
        if (raw != null) {
            if (contents != null && hasAny(contents)) {
                throw malformed(
                        "tensor "
                                + TextCheck.show(name)
                                + " has both typed contents and raw contents");
            }
            return RawTensors.decode(name, type, shape, count, raw, limits);
        }
        return typed(name, type, shape, count, contents);
    }

    private Tensor typed(String name, Datatype type, long[] shape, int count, InferTensorContents c)
            throws PayloadRejectedException {
        if (c == null) {
            c = InferTensorContents.getDefaultInstance();
        }
        int present = typedCount(c, type);
        if (present < 0) {
            throw new PayloadRejectedException(
                    RejectReason.MALFORMED,
                    "tensor "
                            + TextCheck.show(name)
                            + " of datatype "
                            + type
                            + " needs raw contents (there is no typed field for it)");
        }
        if (totalCount(c) != present) {
            throw malformed(
                    "tensor "
                            + TextCheck.show(name)
                            + " has contents in a field that does not match its datatype "
                            + type);
        }
        if (present != count) {
            throw new PayloadRejectedException(
                    RejectReason.SHAPE_MISMATCH,
                    "tensor "
                            + TextCheck.show(name)
                            + " has shape "
                            + java.util.Arrays.toString(shape)
                            + " ("
                            + count
                            + " elements) but "
                            + present
                            + " elements in its contents");
        }
        switch (type) {
            case BOOL -> {
                String[] out = new String[count];
                for (int i = 0; i < count; i++) {
                    out[i] = c.getBoolContents(i) ? "true" : "false";
                }
                return Tensor.ofStrings(name, type, shape, out);
            }
            case INT8, INT16, INT32 -> {
                long[] out = new long[count];
                for (int i = 0; i < count; i++) {
                    long v = c.getIntContents(i);
                    if (!type.inRange(v)) {
                        throw outOfRange(name, type, v);
                    }
                    out[i] = v;
                }
                return Tensor.ofInts(name, type, shape, out);
            }
            case INT64 -> {
                long[] out = new long[count];
                for (int i = 0; i < count; i++) {
                    out[i] = c.getInt64Contents(i);
                }
                return Tensor.ofInts(name, type, shape, out);
            }
            case UINT8, UINT16, UINT32 -> {
                long[] out = new long[count];
                for (int i = 0; i < count; i++) {
                    long v = Integer.toUnsignedLong(c.getUintContents(i));
                    if (!type.inRange(v)) {
                        throw outOfRange(name, type, v);
                    }
                    out[i] = v;
                }
                return Tensor.ofInts(name, type, shape, out);
            }
            case UINT64 -> {
                long[] out = new long[count];
                for (int i = 0; i < count; i++) {
                    out[i] = c.getUint64Contents(i);
                }
                return Tensor.ofInts(name, type, shape, out);
            }
            case FP32 -> {
                double[] out = new double[count];
                for (int i = 0; i < count; i++) {
                    out[i] = c.getFp32Contents(i);
                }
                return Tensor.ofFloats(name, type, shape, out);
            }
            case FP64 -> {
                double[] out = new double[count];
                for (int i = 0; i < count; i++) {
                    out[i] = c.getFp64Contents(i);
                }
                return Tensor.ofFloats(name, type, shape, out);
            }
            case BYTES -> {
                String[] out = new String[count];
                for (int i = 0; i < count; i++) {
                    out[i] = RawTensors.utf8(c.getBytesContents(i), name, limits);
                }
                return Tensor.ofStrings(name, type, shape, out);
            }
            default -> throw new IllegalStateException(type.name());
        }
    }

    /** Elements in the typed field of {@code type}; -1 when the type has no typed field. */
    private static int typedCount(InferTensorContents c, Datatype type) {
        return switch (type) {
            case BOOL -> c.getBoolContentsCount();
            case INT8, INT16, INT32 -> c.getIntContentsCount();
            case INT64 -> c.getInt64ContentsCount();
            case UINT8, UINT16, UINT32 -> c.getUintContentsCount();
            case UINT64 -> c.getUint64ContentsCount();
            case FP32 -> c.getFp32ContentsCount();
            case FP64 -> c.getFp64ContentsCount();
            case BYTES -> c.getBytesContentsCount();
            case FP16, BF16 -> -1;
        };
    }

    private static int totalCount(InferTensorContents c) {
        return c.getBoolContentsCount()
                + c.getIntContentsCount()
                + c.getInt64ContentsCount()
                + c.getUintContentsCount()
                + c.getUint64ContentsCount()
                + c.getFp32ContentsCount()
                + c.getFp64ContentsCount()
                + c.getBytesContentsCount();
    }

    private static boolean hasAny(InferTensorContents c) {
        return totalCount(c) > 0;
    }

    private static PayloadRejectedException outOfRange(String name, Datatype type, long v) {
        return new PayloadRejectedException(
                RejectReason.SHAPE_MISMATCH,
                "tensor " + TextCheck.show(name) + " of datatype " + type + " holds " + v);
    }

    private static PayloadRejectedException malformed(String message) {
        return new PayloadRejectedException(RejectReason.MALFORMED, message);
    }

    /** Raw (little-endian, row-major, unpadded) tensor contents. */
    static final class RawTensors {
        private RawTensors() {}

        static Tensor decode(
                String name,
                Datatype type,
                long[] shape,
                int count,
                ByteString raw,
                DecodeLimits limits)
                throws PayloadRejectedException {
            ByteBuffer b = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            if (type == Datatype.BYTES) {
                return Tensor.ofStrings(name, type, shape, bytesElements(name, count, b, limits));
            }
            long expected = (long) count * type.size;
            if (b.remaining() != expected) {
                throw new PayloadRejectedException(
                        RejectReason.SHAPE_MISMATCH,
                        "raw contents of tensor "
                                + TextCheck.show(name)
                                + " have "
                                + b.remaining()
                                + " bytes; shape "
                                + java.util.Arrays.toString(shape)
                                + " of "
                                + type
                                + " needs "
                                + expected);
            }
            switch (type.kind) {
                case BOOL -> {
                    String[] out = new String[count];
                    for (int i = 0; i < count; i++) {
                        out[i] = b.get() != 0 ? "true" : "false";
                    }
                    return Tensor.ofStrings(name, type, shape, out);
                }
                case INTEGER -> {
                    long[] out = new long[count];
                    for (int i = 0; i < count; i++) {
                        out[i] =
                                switch (type) {
                                    case INT8 -> b.get();
                                    case INT16 -> b.getShort();
                                    case INT32 -> b.getInt();
                                    case INT64, UINT64 -> b.getLong();
                                    case UINT8 -> b.get() & 0xFFL;
                                    case UINT16 -> b.getShort() & 0xFFFFL;
                                    case UINT32 -> b.getInt() & 0xFFFF_FFFFL;
                                    default -> throw new IllegalStateException(type.name());
                                };
                    }
                    return Tensor.ofInts(name, type, shape, out);
                }
                case FLOAT -> {
                    double[] out = new double[count];
                    for (int i = 0; i < count; i++) {
                        out[i] =
                                switch (type) {
                                    case FP16 -> halfToFloat(b.getShort());
                                    case BF16 ->
                                            Float.intBitsToFloat((b.getShort() & 0xFFFF) << 16);
                                    case FP32 -> b.getFloat();
                                    case FP64 -> b.getDouble();
                                    default -> throw new IllegalStateException(type.name());
                                };
                    }
                    return Tensor.ofFloats(name, type, shape, out);
                }
                default -> throw new IllegalStateException(type.name());
            }
        }

        /** BYTES elements: each a 4-byte little-endian length, then that many bytes of UTF-8. */
        private static String[] bytesElements(
                String name, int count, ByteBuffer b, DecodeLimits limits)
                throws PayloadRejectedException {
            String[] out = new String[count];
            for (int i = 0; i < count; i++) {
                if (b.remaining() < 4) {
                    throw rawBytes(name, "ends before element " + i + " of " + count);
                }
                long len = b.getInt() & 0xFFFF_FFFFL;
                if (len > b.remaining()) {
                    throw rawBytes(
                            name,
                            "element "
                                    + i
                                    + " claims "
                                    + len
                                    + " bytes but "
                                    + b.remaining()
                                    + " remain");
                }
                ByteString element = ByteString.copyFrom(b, (int) len);
                out[i] = utf8(element, name, limits);
            }
            if (b.hasRemaining()) {
                throw rawBytes(
                        name, "has " + b.remaining() + " bytes after its " + count + " elements");
            }
            return out;
        }

        private static PayloadRejectedException rawBytes(String name, String what) {
            return new PayloadRejectedException(
                    RejectReason.SHAPE_MISMATCH,
                    "raw BYTES contents of tensor " + TextCheck.show(name) + " " + what);
        }

        /** A BYTES element as a string: valid UTF-8, bounded, no control characters. */
        static String utf8(ByteString bytes, String tensor, DecodeLimits limits)
                throws PayloadRejectedException {
            // 4 bytes per character at most: a longer element cannot be within the limit
            if (bytes.size() > 4L * limits.maxStringLength()) {
                throw new PayloadRejectedException(
                        RejectReason.INVALID_TEXT,
                        "an element of tensor "
                                + TextCheck.show(tensor)
                                + " has "
                                + bytes.size()
                                + " bytes, beyond the limit of "
                                + limits.maxStringLength()
                                + " characters");
            }
            if (!bytes.isValidUtf8()) {
                throw new PayloadRejectedException(
                        RejectReason.INVALID_TEXT,
                        "an element of tensor " + TextCheck.show(tensor) + " is not valid UTF-8");
            }
            return TextCheck.check(
                    bytes.toStringUtf8(),
                    "an element of tensor " + TextCheck.show(tensor),
                    limits.maxStringLength());
        }

        /** IEEE 754 binary16 to float (exact: every half is a float). */
        static float halfToFloat(short bits) {
            int h = bits & 0xFFFF;
            int sign = h >>> 15;
            int exponent = (h >>> 10) & 0x1F;
            int mantissa = h & 0x3FF;
            float magnitude;
            if (exponent == 0) {
                magnitude = Math.scalb((float) mantissa, -24); // zero and subnormals
            } else if (exponent == 31) {
                magnitude = mantissa == 0 ? Float.POSITIVE_INFINITY : Float.NaN;
            } else {
                magnitude = Math.scalb((float) (mantissa | 0x400), exponent - 25);
            }
            return sign == 0 ? magnitude : -magnitude;
        }
    }
}
