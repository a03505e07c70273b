package dev.driftwatch.ingest.formats;

/**
 * A decoded tensor: name, datatype, shape and its elements, flattened row-major, in the one array
 * its datatype's kind uses ({@code floats}, {@code ints} or {@code strings}).
 */
final class Tensor {
    final String name;
    final Datatype type;
    final long[] shape;
    final int count;
    final double[] floats;
    final long[] ints;
    final String[] strings;

    private Tensor(
            String name,
            Datatype type,
            long[] shape,
            int count,
            double[] floats,
            long[] ints,
            String[] strings) {
        this.name = name;
        this.type = type;
        this.shape = shape;
        this.count = count;
        this.floats = floats;
        this.ints = ints;
        this.strings = strings;
    }

    static Tensor ofFloats(String name, Datatype type, long[] shape, double[] values) {
        return new Tensor(name, type, shape, values.length, values, null, null);
    }

    static Tensor ofInts(String name, Datatype type, long[] shape, long[] values) {
        return new Tensor(name, type, shape, values.length, null, values, null);
    }

    /** BYTES elements, or BOOL elements as "true"/"false" (null: missing). */
    static Tensor ofStrings(String name, Datatype type, long[] shape, String[] values) {
        return new Tensor(name, type, shape, values.length, null, null, values);
    }

    int rank() {
        return shape.length;
    }

    /** Element {@code i} as a number: NaN for strings and booleans. */
    double number(int i) {
        return switch (type.kind) {
            case FLOAT -> floats[i];
            case INTEGER -> type == Datatype.UINT64 ? unsignedToDouble(ints[i]) : (double) ints[i];
            case BOOL, BYTES -> Double.NaN;
        };
    }

    /** Element {@code i} as a categorical value: null for numbers. */
    String text(int i) {
        return strings == null ? null : strings[i];
    }

    /** Element {@code i} as a prediction label: integers in decimal, strings as they are. */
    String label(int i) {
        return switch (type.kind) {
            case INTEGER ->
                    type == Datatype.UINT64
                            ? Long.toUnsignedString(ints[i])
                            : Long.toString(ints[i]);
            case BOOL, BYTES -> strings[i];
            case FLOAT -> null;
        };
    }

    /** An unsigned 64-bit value as the nearest double (rounding to nearest, as a cast would). */
    static double unsignedToDouble(long bits) {
        if (bits >= 0) {
            return (double) bits;
        }
        // halve keeping the lowest bit as a sticky bit, so the rounding stays correct
        return (double) ((bits >>> 1) | (bits & 1L)) * 2.0;
    }

    /**
     * The number of elements a shape holds, rejecting negative dimensions and products beyond
     * {@code maxElements} (overflow included).
     */
    static int elementCount(long[] shape, String tensor, int maxElements)
            throws PayloadRejectedException {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new PayloadRejectedException(
                        RejectReason.SHAPE_MISMATCH,
                        "tensor " + TextCheck.show(tensor) + " has a negative dimension " + d);
            }
            if (d != 0 && n > maxElements / d) {
                throw new PayloadRejectedException(
                        RejectReason.LIMIT_EXCEEDED,
                        "tensor "
                                + TextCheck.show(tensor)
                                + " has shape "
                                + java.util.Arrays.toString(shape)
                                + ", more than the limit of "
                                + maxElements
                                + " elements");
            }
            n *= d;
        }
        return (int) n;
    }
}
