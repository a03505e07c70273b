package dev.driftwatch.ingest.formats;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A model's declared input schema: the ordered feature names that name positional values (KServe v1
 * list rows, columns of an {@code [N, F]} tensor), and optionally the output that carries the
 * prediction (else the first output).
 *
 * <pre>{@code
 * InputSchema schema = InputSchema.of(List.of("amount", "country", "age"), "probability");
 * }</pre>
 */
public final class InputSchema {
    /** No declared schema: only named tensors and object rows can be decoded. */
    public static final InputSchema NONE = new InputSchema(List.of(), null);

    private static final int MAX_NAME = 256;

    private final List<String> featureNames;
    private final String[] names;
    private final String predictionOutput;

    private InputSchema(List<String> featureNames, String predictionOutput) {
        this.featureNames = List.copyOf(featureNames);
        this.names = this.featureNames.toArray(new String[0]);
        this.predictionOutput = predictionOutput;
    }

    /**
     * @param featureNames ordered, unique, non-empty names of at most 256 characters without
     *     control characters
     * @param predictionOutput the output tensor (OIP) or object key (KServe v1) holding the
     *     prediction; null for the first
     * @throws IllegalArgumentException when a name breaks those rules
     */
    public static InputSchema of(List<String> featureNames, String predictionOutput) {
        Objects.requireNonNull(featureNames, "featureNames");
        Set<String> seen = new HashSet<>();
        for (String n : featureNames) {
            checkName(n, "feature name");
            if (!seen.add(n)) {
                throw new IllegalArgumentException("duplicate feature name '" + n + "'");
            }
        }
        if (predictionOutput != null) {
            checkName(predictionOutput, "prediction output");
        }
        return new InputSchema(featureNames, predictionOutput);
    }

    private static void checkName(String n, String what) {
        if (n == null || n.isEmpty()) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
        try {
            TextCheck.check(n, what, MAX_NAME);
        } catch (PayloadRejectedException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    public List<String> featureNames() {
        return featureNames;
    }

    /** The output holding the prediction, or null for the first output. */
    public String predictionOutput() {
        return predictionOutput;
    }

    /** The names as one array, shared by every row named from it: do not modify. */
    String[] namesArray() {
        return names;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InputSchema s
                && s.featureNames.equals(featureNames)
                && Objects.equals(s.predictionOutput, predictionOutput);
    }

    @Override
    public int hashCode() {
        return Objects.hash(featureNames, predictionOutput);
    }

    @Override
    public String toString() {
        return "InputSchema"
                + featureNames
                + (predictionOutput == null ? "" : " -> " + predictionOutput);
    }
}
