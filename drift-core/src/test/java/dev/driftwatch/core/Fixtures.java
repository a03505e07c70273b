package dev.driftwatch.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Loads the numpy/scipy fixtures written by tools/make_fixtures.py and the numpy/scikit-learn ones
 * of tools/make_cbpe_fixtures.py.
 */
public final class Fixtures {
    private static JsonNode root;
    private static JsonNode cbpe;

    private Fixtures() {}

    public static synchronized JsonNode statistics() {
        if (root == null) {
            try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/statistics.json")) {
                root = new ObjectMapper().readTree(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return root;
    }

    /** Estimated performance and calibration fixtures (fixtures/cbpe.json). */
    public static synchronized JsonNode cbpe() {
        if (cbpe == null) {
            try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/cbpe.json")) {
                cbpe = new ObjectMapper().readTree(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return cbpe;
    }

    /** (name, index) of each case of one kind in fixtures/cbpe.json, for parameterized tests. */
    public static Stream<Arguments> cbpeCases(String kind) {
        List<Arguments> out = new ArrayList<>();
        JsonNode list = cbpe().get(kind);
        for (int i = 0; i < list.size(); i++) {
            out.add(Arguments.of(list.get(i).get("name").asText(), i));
        }
        return out.stream();
    }

    public static List<JsonNode> cases(String kind) {
        List<JsonNode> list = new ArrayList<>();
        statistics().get(kind).forEach(list::add);
        return list;
    }

    /** Numbers as doubles: null is NaN (missing), "inf"/"-inf" are infinities. */
    public static double[] doubles(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = array.get(i);
            if (v.isNull()) {
                out[i] = Double.NaN;
            } else if (v.isTextual()) {
                out[i] =
                        v.asText().startsWith("-")
                                ? Double.NEGATIVE_INFINITY
                                : Double.POSITIVE_INFINITY;
            } else {
                out[i] = v.asDouble();
            }
        }
        return out;
    }

    public static long[] longs(JsonNode array) {
        long[] out = new long[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asLong();
        }
        return out;
    }

    /** Strings; JSON null stays null (missing). */
    public static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.isNull() ? null : v.asText()));
        return out;
    }

    /** |actual - expected| <= tol * max(1, |expected|). */
    public static boolean close(double actual, double expected, double tol) {
        return Math.abs(actual - expected) <= tol * Math.max(1.0, Math.abs(expected));
    }

    /** Relative closeness for p-values (which may be 1e-170). */
    public static boolean relativelyClose(double actual, double expected, double rel) {
        if (expected == 0.0) {
            return Math.abs(actual) < 1e-300;
        }
        return Math.abs(actual - expected) <= rel * Math.abs(expected);
    }
}
