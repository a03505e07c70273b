package dev.driftwatch.ingest.formats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The mapping from Open Inference Protocol tensors to rows, shared by the JSON and protobuf forms.
 *
 * <p>Inputs: every tensor has the batch size as {@code shape[0]} (the same for all). A tensor of
 * shape {@code [N]} or {@code [N, 1]} is one feature named by the tensor; one tensor of shape
 * {@code [N, F]} gives F features named by the input schema (which must list exactly F names).
 * Other ranks, and several {@code [N, F]} tensors, are rejected.
 *
 * <p>Outputs: the prediction is the output the schema names, else the first; it must have shape
 * {@code [N]} or {@code [N, 1]}. Floating-point outputs give scores; integer, boolean and BYTES
 * outputs give labels.
 */
final class TensorRows {
    private TensorRows() {}

    static FeatureRows features(
            String id,
            String modelName,
            String modelVersion,
            List<Tensor> tensors,
            InputSchema schema,
            DecodeLimits limits)
            throws PayloadRejectedException {
        if (tensors.isEmpty()) {
            throw new PayloadRejectedException(RejectReason.MALFORMED, "the request has no inputs");
        }
        long rows = -1;
        String firstName = null;
        int columns = 0;
        Tensor wide = null;
        int[] widths = new int[tensors.size()];
        for (int k = 0; k < tensors.size(); k++) {
            Tensor t = tensors.get(k);
            if (t.rank() < 1 || t.rank() > 2) {
                throw new PayloadRejectedException(
                        RejectReason.UNSUPPORTED_SHAPE,
                        "input "
                                + TextCheck.show(t.name)
                                + " has shape "
                                + Arrays.toString(t.shape)
                                + "; inputs must be [N] or [N, F] (N rows of scalar features)");
            }
            if (rows < 0) {
                rows = t.shape[0];
                firstName = t.name;
            } else if (t.shape[0] != rows) {
                throw new PayloadRejectedException(
                        RejectReason.SHAPE_MISMATCH,
                        "input "
                                + TextCheck.show(t.name)
                                + " has "
                                + t.shape[0]
                                + " rows but input "
                                + TextCheck.show(firstName)
                                + " has "
                                + rows);
            }
            int width = t.rank() == 1 ? 1 : (int) t.shape[1];
            if (t.rank() == 2 && t.shape[1] != 1) {
                if (wide != null) {
                    throw new PayloadRejectedException(
                            RejectReason.UNSUPPORTED_SHAPE,
                            "inputs "
                                    + TextCheck.show(wide.name)
                                    + " and "
                                    + TextCheck.show(t.name)
                                    + " are both [N, F] tensors; at most one can be named by the"
                                    + " input schema");
                }
                wide = t;
            }
            widths[k] = width;
            columns += width;
        }
        if (rows > limits.maxRows()) {
            throw new PayloadRejectedException(
                    RejectReason.LIMIT_EXCEEDED,
                    "the request has "
                            + rows
                            + " rows, more than the limit of "
                            + limits.maxRows());
        }
        if (columns > limits.maxColumns()) {
            throw new PayloadRejectedException(
                    RejectReason.LIMIT_EXCEEDED,
                    "the request has "
                            + columns
                            + " features, more than the limit of "
                            + limits.maxColumns());
        }
        if (wide != null) {
            requireSchemaWidth(schema, wide.shape[1], "input " + TextCheck.show(wide.name));
        }
        String[] names = new String[columns];
        int c = 0;
        for (int k = 0; k < tensors.size(); k++) {
            Tensor t = tensors.get(k);
            if (t == wide) {
                String[] schemaNames = schema.namesArray();
                System.arraycopy(schemaNames, 0, names, c, schemaNames.length);
                c += schemaNames.length;
            } else {
                names[c++] = t.name;
            }
        }
        requireUnique(names);
        int n = (int) rows;
        List<FeatureRow> out = new ArrayList<>(n);
        for (int r = 0; r < n; r++) {
            double[] numbers = new double[columns];
            String[] strings = new String[columns];
            int col = 0;
            for (int k = 0; k < tensors.size(); k++) {
                Tensor t = tensors.get(k);
                int w = widths[k];
                int base = r * w;
                for (int j = 0; j < w; j++) {
                    numbers[col] = t.number(base + j);
                    strings[col] = t.text(base + j);
                    col++;
                }
            }
            out.add(new FeatureRow(names, numbers, strings));
        }
        return new FeatureRows(id, modelName, modelVersion, out);
    }

    static Predictions predictions(
            String id,
            String modelName,
            String modelVersion,
            List<Tensor> outputs,
            InputSchema schema,
            DecodeLimits limits)
            throws PayloadRejectedException {
        if (outputs.isEmpty()) {
            throw new PayloadRejectedException(
                    RejectReason.MALFORMED, "the response has no outputs");
        }
        Tensor t = outputs.get(0);
        if (schema.predictionOutput() != null) {
            t = null;
            for (Tensor o : outputs) {
                if (o.name.equals(schema.predictionOutput())) {
                    t = o;
                    break;
                }
            }
            if (t == null) {
                throw new PayloadRejectedException(
                        RejectReason.MISSING_OUTPUT,
                        "the response has no output "
                                + TextCheck.show(schema.predictionOutput())
                                + " (the input schema's prediction output)");
            }
        }
        if (!(t.rank() == 1 || (t.rank() == 2 && t.shape[1] == 1))) {
            throw new PayloadRejectedException(
                    RejectReason.UNSUPPORTED_SHAPE,
                    "output "
                            + TextCheck.show(t.name)
                            + " has shape "
                            + Arrays.toString(t.shape)
                            + "; a prediction needs one value per row ([N] or [N, 1]); name"
                            + " another output in the input schema");
        }
        int n = (int) t.shape[0];
        if (n > limits.maxRows()) {
            throw new PayloadRejectedException(
                    RejectReason.LIMIT_EXCEEDED,
                    "the response has " + n + " rows, more than the limit of " + limits.maxRows());
        }
        double[] scores = new double[n];
        String[] labels = new String[n];
        boolean score = t.type.kind == Datatype.Kind.FLOAT;
        for (int r = 0; r < n; r++) {
            scores[r] = score ? t.floats[r] : Double.NaN;
            labels[r] = score ? null : t.label(r);
        }
        return new Predictions(id, modelName, modelVersion, t.name, scores, labels);
    }

    static void requireSchemaWidth(InputSchema schema, long width, String what)
            throws PayloadRejectedException {
        int declared = schema.featureNames().size();
        if (declared == 0) {
            throw new PayloadRejectedException(
                    RejectReason.MISSING_SCHEMA,
                    what
                            + " holds "
                            + width
                            + " positional features; declare the model's input schema (its"
                            + " ordered feature names) to name them");
        }
        if (declared != width) {
            throw new PayloadRejectedException(
                    RejectReason.SHAPE_MISMATCH,
                    what + " holds " + width + " features but the input schema names " + declared);
        }
    }

    static void requireUnique(String[] names) throws PayloadRejectedException {
        if (names.length < 2) {
            return;
        }
        Set<String> seen = new HashSet<>(names.length * 2);
        for (String n : names) {
            if (!seen.add(n)) {
                throw new PayloadRejectedException(
                        RejectReason.MALFORMED, "feature " + TextCheck.show(n) + " appears twice");
            }
        }
    }
}
