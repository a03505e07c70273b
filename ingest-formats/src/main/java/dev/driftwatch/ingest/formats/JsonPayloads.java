package dev.driftwatch.ingest.formats;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Decodes JSON inference payloads with Jackson's streaming parser (one pass, no tree): KServe v1
 * ({@code instances} / {@code predictions}) and Open Inference Protocol v2 ({@code inputs} / {@code
 * outputs}), told apart by those fields.
 */
final class JsonPayloads {
    private static final BigInteger TWO_TO_64 = BigInteger.ONE.shiftLeft(64);

    private final JsonFactory json;
    private final DecodeLimits limits;

    JsonPayloads(DecodeLimits limits) {
        this.limits = limits;
        this.json =
                JsonFactory.builder()
                        .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
                        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                        .streamReadConstraints(
                                StreamReadConstraints.builder()
                                        .maxNestingDepth(limits.maxDepth())
                                        .build())
                        .build();
    }

    FeatureRows request(byte[] bytes, int offset, int length, InputSchema schema)
            throws PayloadRejectedException {
        try (JsonParser p = json.createParser(bytes, offset, length)) {
            startObject(p);
            String id = null;
            List<FeatureRow> instances = null;
            List<Tensor> inputs = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                switch (field) {
                    case "id" -> id = optionalText(p, t, "id");
                    case "instances" -> instances = readInstances(p, t, schema);
                    case "inputs" -> inputs = readTensors(p, t, "inputs");
                    default -> p.skipChildren();
                }
            }
            endObject(p);
            if (instances != null && inputs != null) {
                throw malformed("the request has both 'instances' and 'inputs'");
            }
            if (instances != null) {
                return new FeatureRows(id, null, null, instances);
            }
            if (inputs != null) {
                return TensorRows.features(id, null, null, inputs, schema, limits);
            }
            throw malformed(
                    "the request has neither 'instances' (KServe v1) nor 'inputs' (Open Inference"
                            + " Protocol v2)");
        } catch (StreamConstraintsException e) {
            throw new PayloadRejectedException(RejectReason.LIMIT_EXCEEDED, firstLine(e));
        } catch (IOException e) {
            throw malformed("malformed JSON: " + firstLine(e));
        }
    }

    Predictions response(byte[] bytes, int offset, int length, InputSchema schema)
            throws PayloadRejectedException {
        try (JsonParser p = json.createParser(bytes, offset, length)) {
            startObject(p);
            String id = null;
            String modelName = null;
            String modelVersion = null;
            Predictions v1 = null;
            List<Tensor> outputs = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                switch (field) {
                    case "id" -> id = optionalText(p, t, "id");
                    case "model_name" -> modelName = optionalText(p, t, "model_name");
                    case "model_version" -> modelVersion = optionalText(p, t, "model_version");
                    case "predictions" -> v1 = readPredictions(p, t, schema);
                    case "outputs" -> outputs = readTensors(p, t, "outputs");
                    default -> p.skipChildren();
                }
            }
            endObject(p);
            if (v1 != null && outputs != null) {
                throw malformed("the response has both 'predictions' and 'outputs'");
            }
            if (v1 != null) {
                return new Predictions(
                        id, modelName, modelVersion, v1.output(), v1.scores(), v1.labels());
            }
            if (outputs != null) {
                return TensorRows.predictions(id, modelName, modelVersion, outputs, schema, limits);
            }
            throw malformed(
                    "the response has neither 'predictions' (KServe v1) nor 'outputs' (Open"
                            + " Inference Protocol v2)");
        } catch (StreamConstraintsException e) {
            throw new PayloadRejectedException(RejectReason.LIMIT_EXCEEDED, firstLine(e));
        } catch (IOException e) {
            throw malformed("malformed JSON: " + firstLine(e));
        }
    }

    // ---- KServe v1 ----

    private List<FeatureRow> readInstances(JsonParser p, JsonToken t, InputSchema schema)
            throws IOException, PayloadRejectedException {
        if (t != JsonToken.START_ARRAY) {
            throw malformed("'instances' must be an array, was " + describe(t));
        }
        List<FeatureRow> rows = new ArrayList<>();
        String[] previousNames = null;
        long elements = 0;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            int row = rows.size();
            if (row >= limits.maxRows()) {
                throw new PayloadRejectedException(
                        RejectReason.LIMIT_EXCEEDED,
                        "'instances' has more than the limit of " + limits.maxRows() + " rows");
            }
            FeatureRow r =
                    switch (t) {
                        case START_ARRAY -> listRow(p, schema, row);
                        case START_OBJECT -> objectRow(p, row, previousNames);
                        default -> scalarRow(p, t, schema, row);
                    };
            previousNames = r.names();
            elements += r.size();
            if (elements > limits.maxElements()) {
                throw new PayloadRejectedException(
                        RejectReason.LIMIT_EXCEEDED,
                        "'instances' has more than the limit of "
                                + limits.maxElements()
                                + " values");
            }
            rows.add(r);
        }
        return rows;
    }

    private FeatureRow listRow(JsonParser p, InputSchema schema, int row)
            throws IOException, PayloadRejectedException {
        String[] names = schema.namesArray();
        if (names.length == 0) {
            throw new PayloadRejectedException(
                    RejectReason.MISSING_SCHEMA,
                    "instance "
                            + row
                            + " is a list of values; declare the model's input schema (its"
                            + " ordered feature names) to name them");
        }
        double[] numbers = new double[names.length];
        String[] strings = new String[names.length];
        int i = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (i >= names.length) {
                throw new PayloadRejectedException(
                        RejectReason.SHAPE_MISMATCH,
                        "instance "
                                + row
                                + " has more values than the "
                                + names.length
                                + " features of the input schema");
            }
            scalar(p, t, numbers, strings, i, names[i], row);
            i++;
        }
        if (i != names.length) {
            throw new PayloadRejectedException(
                    RejectReason.SHAPE_MISMATCH,
                    "instance "
                            + row
                            + " has "
                            + i
                            + " values but the input schema names "
                            + names.length
                            + " features");
        }
        return new FeatureRow(names, numbers, strings);
    }

    private FeatureRow objectRow(JsonParser p, int row, String[] previousNames)
            throws IOException, PayloadRejectedException {
        int capacity = previousNames == null ? 16 : Math.max(1, previousNames.length);
        String[] names = new String[capacity];
        double[] numbers = new double[capacity];
        String[] strings = new String[capacity];
        int n = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name =
                    TextCheck.check(p.currentName(), "feature name", limits.maxStringLength());
            JsonToken t = p.nextToken();
            if (n == limits.maxColumns()) {
                throw new PayloadRejectedException(
                        RejectReason.LIMIT_EXCEEDED,
                        "instance "
                                + row
                                + " has more than the limit of "
                                + limits.maxColumns()
                                + " features");
            }
            if (n == names.length) {
                int size = Math.min(limits.maxColumns(), names.length * 2);
                names = Arrays.copyOf(names, size);
                numbers = Arrays.copyOf(numbers, size);
                strings = Arrays.copyOf(strings, size);
            }
            names[n] = name;
            scalar(p, t, numbers, strings, n, name, row);
            n++;
        }
        if (n != names.length) {
            names = Arrays.copyOf(names, n);
            numbers = Arrays.copyOf(numbers, n);
            strings = Arrays.copyOf(strings, n);
        }
        if (previousNames != null && Arrays.equals(previousNames, names)) {
            names = previousNames; // rows of one payload usually share their keys: share the array
        }
        return new FeatureRow(names, numbers, strings);
    }

    private FeatureRow scalarRow(JsonParser p, JsonToken t, InputSchema schema, int row)
            throws IOException, PayloadRejectedException {
        String[] names = schema.namesArray();
        if (names.length != 1) {
            throw new PayloadRejectedException(
                    names.length == 0 ? RejectReason.MISSING_SCHEMA : RejectReason.SHAPE_MISMATCH,
                    "instance "
                            + row
                            + " is a single value; the input schema must name exactly one feature"
                            + " (it names "
                            + names.length
                            + ")");
        }
        double[] numbers = new double[1];
        String[] strings = new String[1];
        scalar(p, t, numbers, strings, 0, names[0], row);
        return new FeatureRow(names, numbers, strings);
    }

    private void scalar(
            JsonParser p,
            JsonToken t,
            double[] numbers,
            String[] strings,
            int i,
            String feature,
            int row)
            throws IOException, PayloadRejectedException {
        switch (t) {
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                numbers[i] = p.getDoubleValue();
                strings[i] = null;
            }
            case VALUE_STRING -> {
                numbers[i] = Double.NaN;
                strings[i] =
                        TextCheck.check(
                                p.getText(),
                                "value of feature " + TextCheck.show(feature),
                                limits.maxStringLength());
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                numbers[i] = Double.NaN;
                strings[i] = t == JsonToken.VALUE_TRUE ? "true" : "false";
            }
            case VALUE_NULL -> {
                numbers[i] = Double.NaN;
                strings[i] = null;
            }
            default ->
                    throw new PayloadRejectedException(
                            RejectReason.UNSUPPORTED_SHAPE,
                            "feature "
                                    + TextCheck.show(feature)
                                    + " of instance "
                                    + row
                                    + " is "
                                    + describe(t)
                                    + "; features must be numbers, strings, booleans or null");
        }
    }

    private Predictions readPredictions(JsonParser p, JsonToken t, InputSchema schema)
            throws IOException, PayloadRejectedException {
        if (t != JsonToken.START_ARRAY) {
            throw malformed("'predictions' must be an array, was " + describe(t));
        }
        double[] scores = new double[16];
        String[] labels = new String[16];
        String output = null;
        int n = 0;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (n == limits.maxRows()) {
                throw new PayloadRejectedException(
                        RejectReason.LIMIT_EXCEEDED,
                        "'predictions' has more than the limit of " + limits.maxRows() + " rows");
            }
            if (n == scores.length) {
                int size = Math.min(limits.maxRows(), n * 2);
                scores = Arrays.copyOf(scores, size);
                labels = Arrays.copyOf(labels, size);
            }
            scores[n] = Double.NaN;
            labels[n] = null;
            if (t == JsonToken.START_OBJECT) {
                output = objectPrediction(p, schema, scores, labels, n);
            } else if (t == JsonToken.START_ARRAY) {
                listPrediction(p, scores, labels, n);
            } else {
                prediction(p, t, scores, labels, n);
            }
            n++;
        }
        return new Predictions(
                null, null, null, output, Arrays.copyOf(scores, n), Arrays.copyOf(labels, n));
    }

    /** Reads an object prediction: the schema's output key, else the first key. */
    private String objectPrediction(
            JsonParser p, InputSchema schema, double[] scores, String[] labels, int row)
            throws IOException, PayloadRejectedException {
        String wanted = schema.predictionOutput();
        String used = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken t = p.nextToken();
            if (used == null && (wanted == null || wanted.equals(key))) {
                used = TextCheck.check(key, "prediction key", limits.maxStringLength());
                if (t == JsonToken.START_ARRAY) {
                    listPrediction(p, scores, labels, row);
                } else {
                    prediction(p, t, scores, labels, row);
                }
            } else {
                p.skipChildren();
            }
        }
        if (used == null) {
            throw new PayloadRejectedException(
                    wanted == null ? RejectReason.MALFORMED : RejectReason.MISSING_OUTPUT,
                    wanted == null
                            ? "prediction " + row + " is an empty object"
                            : "prediction "
                                    + row
                                    + " has no key "
                                    + TextCheck.show(wanted)
                                    + " (the input schema's prediction output)");
        }
        return used;
    }

    /** A list prediction is accepted when it holds exactly one value. */
    private void listPrediction(JsonParser p, double[] scores, String[] labels, int row)
            throws IOException, PayloadRejectedException {
        int n = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (n++ > 0) {
                p.skipChildren();
                continue;
            }
            prediction(p, t, scores, labels, row);
        }
        if (n != 1) {
            throw new PayloadRejectedException(
                    RejectReason.UNSUPPORTED_SHAPE,
                    "prediction "
                            + row
                            + " is a list of "
                            + n
                            + " values; a prediction needs one value per row");
        }
    }

    /** Floats are scores; integers, strings and booleans are labels; null is no prediction. */
    private void prediction(JsonParser p, JsonToken t, double[] scores, String[] labels, int row)
            throws IOException, PayloadRejectedException {
        switch (t) {
            case VALUE_NUMBER_FLOAT -> scores[row] = p.getDoubleValue();
            case VALUE_NUMBER_INT ->
                    labels[row] = TextCheck.check(p.getText(), "label", limits.maxStringLength());
            case VALUE_STRING ->
                    labels[row] = TextCheck.check(p.getText(), "label", limits.maxStringLength());
            case VALUE_TRUE -> labels[row] = "true";
            case VALUE_FALSE -> labels[row] = "false";
            case VALUE_NULL -> {}
            default ->
                    throw new PayloadRejectedException(
                            RejectReason.UNSUPPORTED_SHAPE,
                            "prediction "
                                    + row
                                    + " is "
                                    + describe(t)
                                    + "; a prediction is a number, string, boolean or null");
        }
    }

    // ---- Open Inference Protocol v2 ----

    private List<Tensor> readTensors(JsonParser p, JsonToken t, String field)
            throws IOException, PayloadRejectedException {
        if (t != JsonToken.START_ARRAY) {
            throw malformed("'" + field + "' must be an array of tensors, was " + describe(t));
        }
        List<Tensor> tensors = new ArrayList<>();
        long elements = 0;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (tensors.size() == limits.maxColumns()) {
                throw new PayloadRejectedException(
                        RejectReason.LIMIT_EXCEEDED,
                        "'"
                                + field
                                + "' has more than the limit of "
                                + limits.maxColumns()
                                + " tensors");
            }
            if (t != JsonToken.START_OBJECT) {
                throw malformed(
                        "'"
                                + field
                                + "' element "
                                + tensors.size()
                                + " must be a tensor object, was "
                                + describe(t));
            }
            Tensor tensor = readTensor(p, field, tensors.size(), limits.maxElements() - elements);
            elements += tensor.count;
            tensors.add(tensor);
        }
        return tensors;
    }

    private Tensor readTensor(JsonParser p, String field, int index, long budget)
            throws IOException, PayloadRejectedException {
        String name = null;
        String datatype = null;
        long[] shape = null;
        Values data = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken t = p.nextToken();
            switch (key) {
                case "name" -> name = requiredText(p, t, field + "[" + index + "].name");
                case "datatype" ->
                        datatype = requiredText(p, t, field + "[" + index + "].datatype");
                case "shape" -> shape = readShape(p, t, field, index);
                case "data" -> {
                    if (t != JsonToken.START_ARRAY) {
                        throw malformed(
                                field
                                        + "["
                                        + index
                                        + "].data must be an array, was "
                                        + describe(t));
                    }
                    data = new Values((int) Math.min(budget, limits.maxElements()));
                    readData(p, data, 1);
                }
                default -> p.skipChildren();
            }
        }
        String where = field + "[" + index + "]";
        if (name == null) {
            throw malformed(where + " has no 'name'");
        }
        name = TextCheck.check(name, "tensor name", limits.maxStringLength());
        if (datatype == null) {
            throw malformed("tensor " + TextCheck.show(name) + " has no 'datatype'");
        }
        if (shape == null) {
            throw malformed("tensor " + TextCheck.show(name) + " has no 'shape'");
        }
        if (data == null) {
            throw malformed(
                    "tensor "
                            + TextCheck.show(name)
                            + " has no 'data' (the binary tensor data extension is not supported)");
        }
        Datatype type = Datatype.parse(datatype, name);
        int count = Tensor.elementCount(shape, name, limits.maxElements());
        data.checkShape(name, shape, count);
        return data.toTensor(name, type, shape);
    }

    private long[] readShape(JsonParser p, JsonToken t, String field, int index)
            throws IOException, PayloadRejectedException {
        if (t != JsonToken.START_ARRAY) {
            throw malformed(field + "[" + index + "].shape must be an array, was " + describe(t));
        }
        long[] dims = new long[4];
        int n = 0;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.VALUE_NUMBER_INT) {
                throw malformed(
                        field + "[" + index + "].shape holds " + describe(t) + ", not integers");
            }
            if (n == limits.maxDepth()) {
                throw new PayloadRejectedException(
                        RejectReason.LIMIT_EXCEEDED,
                        field
                                + "["
                                + index
                                + "].shape has more than "
                                + limits.maxDepth()
                                + " dimensions");
            }
            if (n == dims.length) {
                dims = Arrays.copyOf(dims, n * 2);
            }
            dims[n++] = p.getLongValue();
        }
        return Arrays.copyOf(dims, n);
    }

    /**
     * Reads the elements of the array just opened at nesting {@code depth} (1 = the data array).
     */
    private void readData(JsonParser p, Values v, int depth)
            throws IOException, PayloadRejectedException {
        int length = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            length++;
            if (t == JsonToken.START_ARRAY) {
                v.arrayAt(depth + 1);
                readData(p, v, depth + 1);
            } else {
                v.scalarAt(depth);
                v.add(p, t);
            }
        }
        v.lengthAt(depth, length);
    }

    /**
     * Tensor elements as they come, before the datatype is known (JSON fields come in any order),
     * plus the nesting structure seen, to check it against the shape.
     */
    private final class Values {
        private static final byte NULL = 0;
        private static final byte INT = 1;
        private static final byte FLOAT = 2;
        private static final byte STRING = 3;
        private static final byte BOOL = 4;

        /** an integer outside [-2^63, 2^64): only acceptable as a float */
        private static final byte BIG = 5;

        /** an integer in [2^63, 2^64): a UINT64 or a float */
        private static final byte BIG_UNSIGNED = 6;

        private final int max;
        private int count;
        private byte[] kinds = new byte[16];
        private double[] numbers = new double[16];
        private long[] ints;
        private String[] strings;
        private int leafDepth = -1;
        private int deepest = 1;
        private final int[] lengths;
        private boolean ragged;

        Values(int max) {
            this.max = max;
            this.lengths = new int[limits.maxDepth() + 2];
            Arrays.fill(lengths, -1);
        }

        /** An array opened at {@code depth}: leaves must all sit at the deepest level. */
        void arrayAt(int depth) {
            if (leafDepth != -1 && depth > leafDepth) {
                ragged = true;
            }
            deepest = Math.max(deepest, depth);
        }

        /** A scalar inside the array at {@code depth}. */
        void scalarAt(int depth) {
            if (leafDepth == -1) {
                leafDepth = depth;
            } else if (leafDepth != depth) {
                ragged = true;
            }
            if (depth < deepest) {
                ragged = true;
            }
        }

        void lengthAt(int depth, int length) {
            if (lengths[depth] == -1) {
                lengths[depth] = length;
            } else if (lengths[depth] != length) {
                ragged = true;
            }
        }

        void add(JsonParser p, JsonToken t) throws IOException, PayloadRejectedException {
            if (count == max) {
                throw new PayloadRejectedException(
                        RejectReason.LIMIT_EXCEEDED,
                        "tensor data has more than the limit of "
                                + limits.maxElements()
                                + " elements");
            }
            if (count == kinds.length) {
                int size = (int) Math.min(max, (long) count * 2);
                kinds = Arrays.copyOf(kinds, size);
                numbers = Arrays.copyOf(numbers, size);
                if (ints != null) {
                    ints = Arrays.copyOf(ints, size);
                }
                if (strings != null) {
                    strings = Arrays.copyOf(strings, size);
                }
            }
            int i = count++;
            switch (t) {
                case VALUE_NUMBER_INT -> {
                    if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                        BigInteger b = p.getBigIntegerValue();
                        numbers[i] = b.doubleValue();
                        if (b.signum() >= 0 && b.compareTo(TWO_TO_64) < 0) {
                            // [2^63, 2^64): only a UINT64 (held as its bit pattern) or a float
                            kinds[i] = BIG_UNSIGNED;
                            ints()[i] = b.longValue();
                        } else {
                            kinds[i] = BIG;
                        }
                    } else {
                        kinds[i] = INT;
                        long l = p.getLongValue();
                        ints()[i] = l;
                        numbers[i] = l;
                    }
                }
                case VALUE_NUMBER_FLOAT -> {
                    kinds[i] = FLOAT;
                    numbers[i] = p.getDoubleValue();
                }
                case VALUE_STRING -> {
                    kinds[i] = STRING;
                    strings()[i] =
                            TextCheck.check(p.getText(), "tensor string", limits.maxStringLength());
                }
                case VALUE_TRUE, VALUE_FALSE -> {
                    kinds[i] = BOOL;
                    strings()[i] = t == JsonToken.VALUE_TRUE ? "true" : "false";
                }
                case VALUE_NULL -> kinds[i] = NULL;
                default -> throw malformed("tensor data holds " + describe(t));
            }
        }

        private long[] ints() {
            if (ints == null) {
                ints = new long[kinds.length];
            }
            return ints;
        }

        private String[] strings() {
            if (strings == null) {
                strings = new String[kinds.length];
            }
            return strings;
        }

        /** Flat data must hold exactly the shape's element count; nested data must be the shape. */
        void checkShape(String name, long[] shape, int expected) throws PayloadRejectedException {
            boolean nested = deepest > 1;
            if (ragged) {
                throw new PayloadRejectedException(
                        RejectReason.SHAPE_MISMATCH,
                        "tensor " + TextCheck.show(name) + " has ragged nested data");
            }
            if (nested && count > 0) {
                boolean same = leafDepth == shape.length;
                for (int d = 1; same && d <= leafDepth; d++) {
                    same = lengths[d] == shape[d - 1];
                }
                if (!same) {
                    throw new PayloadRejectedException(
                            RejectReason.SHAPE_MISMATCH,
                            "tensor "
                                    + TextCheck.show(name)
                                    + " has nested data of another shape than "
                                    + Arrays.toString(shape));
                }
            }
            if (count != expected) {
                throw new PayloadRejectedException(
                        RejectReason.SHAPE_MISMATCH,
                        "tensor "
                                + TextCheck.show(name)
                                + " has shape "
                                + Arrays.toString(shape)
                                + " ("
                                + expected
                                + " elements) but "
                                + count
                                + " data elements");
            }
        }

        Tensor toTensor(String name, Datatype type, long[] shape) throws PayloadRejectedException {
            switch (type.kind) {
                case FLOAT -> {
                    double[] out = new double[count];
                    for (int i = 0; i < count; i++) {
                        byte k = kinds[i];
                        if (k == NULL) {
                            out[i] = Double.NaN;
                        } else if (k == INT || k == FLOAT || k == BIG || k == BIG_UNSIGNED) {
                            out[i] = numbers[i];
                        } else {
                            throw wrongElement(name, type, i, k);
                        }
                    }
                    return Tensor.ofFloats(name, type, shape, out);
                }
                case INTEGER -> {
                    long[] out = new long[count];
                    for (int i = 0; i < count; i++) {
                        byte k = kinds[i];
                        boolean ok =
                                (k == INT && type.inRange(ints[i]))
                                        || (k == BIG_UNSIGNED && type == Datatype.UINT64);
                        if (k == INT && type == Datatype.UINT64 && ints[i] < 0) {
                            ok = false;
                        }
                        if (!ok) {
                            throw wrongElement(name, type, i, k);
                        }
                        out[i] = ints[i];
                    }
                    return Tensor.ofInts(name, type, shape, out);
                }
                case BOOL, BYTES -> {
                    byte want = type.kind == Datatype.Kind.BOOL ? BOOL : STRING;
                    String[] out = new String[count];
                    for (int i = 0; i < count; i++) {
                        byte k = kinds[i];
                        if (k != want && !(k == NULL && want == STRING)) {
                            throw wrongElement(name, type, i, k);
                        }
                        out[i] = k == NULL ? null : strings[i];
                    }
                    return Tensor.ofStrings(name, type, shape, out);
                }
                default -> throw new IllegalStateException(type.kind.name());
            }
        }

        private PayloadRejectedException wrongElement(String name, Datatype type, int i, byte k) {
            String what =
                    switch (k) {
                        case NULL -> "null";
                        case INT -> "the integer " + (ints == null ? "" : ints[i]);
                        case FLOAT -> "the number " + numbers[i];
                        case STRING -> "a string";
                        case BOOL -> "a boolean";
                        default -> "the integer " + numbers[i];
                    };
            return new PayloadRejectedException(
                    RejectReason.SHAPE_MISMATCH,
                    "tensor "
                            + TextCheck.show(name)
                            + " of datatype "
                            + type
                            + " holds "
                            + what
                            + " at element "
                            + i);
        }
    }

    // ---- shared ----

    private static void startObject(JsonParser p) throws IOException, PayloadRejectedException {
        JsonToken t = p.nextToken();
        if (t != JsonToken.START_OBJECT) {
            throw malformed("the payload is not a JSON object" + (t == null ? " (empty)" : ""));
        }
    }

    private static void endObject(JsonParser p) throws IOException, PayloadRejectedException {
        if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
            throw malformed("trailing content after the JSON object");
        }
    }

    private String optionalText(JsonParser p, JsonToken t, String field)
            throws IOException, PayloadRejectedException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.VALUE_STRING && t != JsonToken.VALUE_NUMBER_INT) {
            throw malformed("'" + field + "' must be a string, was " + describe(t));
        }
        return TextCheck.optional(p.getText(), "'" + field + "'", limits.maxStringLength());
    }

    private static String requiredText(JsonParser p, JsonToken t, String field)
            throws IOException, PayloadRejectedException {
        if (t != JsonToken.VALUE_STRING) {
            throw malformed(field + " must be a string, was " + describe(t));
        }
        return p.getText();
    }

    private static PayloadRejectedException malformed(String message) {
        return new PayloadRejectedException(RejectReason.MALFORMED, message);
    }

    private static String describe(JsonToken t) {
        if (t == null) {
            return "missing";
        }
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> t.name();
        };
    }

    private static String firstLine(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
