package dev.driftwatch.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The samples of fixtures/streamed.json, regenerated bit for bit from their generator specs (the
 * same SplitMix64 streams and transforms as tools/make_fixtures.py), checked against the size, sum
 * and number of distinct values the fixture recorded.
 */
public final class StreamedSamples {
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;
    private static JsonNode root;

    private StreamedSamples() {}

    /** The fixture's cases. */
    public static synchronized List<JsonNode> cases() {
        if (root == null) {
            try (InputStream in =
                    StreamedSamples.class.getResourceAsStream("/fixtures/streamed.json")) {
                root = new ObjectMapper().readTree(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        List<JsonNode> list = new ArrayList<>();
        root.get("cases").forEach(list::add);
        return list;
    }

    /** The sample a case side ({@code reference} or {@code current}) describes, checked. */
    public static double[] sample(JsonNode side) {
        int n = side.get("size").asInt();
        double[] values = generate(side.get("generator"), n);
        double sum = exactSum(values);
        double expected = side.get("sum").asDouble();
        assertThat(Math.abs(sum - expected))
                .as("regenerated sample sum %s vs fixture %s", sum, expected)
                .isLessThanOrEqualTo(1e-12 * Math.max(1.0, Math.abs(expected)));
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        long distinct = sorted.length == 0 ? 0 : 1;
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i] != sorted[i - 1]) {
                distinct++;
            }
        }
        assertThat(distinct).as("distinct values").isEqualTo(side.get("distinct").asLong());
        return values;
    }

    static double[] uniforms(long seed, int n) {
        double[] u = new double[n];
        for (int i = 0; i < n; i++) {
            long z = seed + (i + 1L) * GOLDEN_GAMMA;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            z = z ^ (z >>> 31);
            u[i] = (z >>> 11) * 0x1.0p-53;
        }
        return u;
    }

    static double[] generate(JsonNode spec, int n) {
        String kind = spec.get("dist").asText();
        long seed = spec.path("seed").asLong(0);
        double loc = spec.path("loc").asDouble(0.0);
        double scale = spec.path("scale").asDouble(1.0);
        double[] x = new double[n];
        switch (kind) {
            case "normal", "lognormal" -> {
                double[] u = uniforms(seed, 2 * n);
                for (int i = 0; i < n; i++) {
                    double z =
                            Math.sqrt(-2.0 * Math.log(1.0 - u[2 * i]))
                                    * Math.cos(2.0 * Math.PI * u[2 * i + 1]);
                    x[i] = loc + scale * z;
                    if (kind.equals("lognormal")) {
                        x[i] = Math.exp(x[i]);
                    }
                }
            }
            case "pareto" -> {
                double[] u = uniforms(seed, n);
                double exponent = -1.0 / spec.get("alpha").asDouble();
                for (int i = 0; i < n; i++) {
                    x[i] = loc + scale * Math.pow(1.0 - u[i], exponent);
                }
            }
            case "cauchy" -> {
                double[] u = uniforms(seed, n);
                for (int i = 0; i < n; i++) {
                    x[i] = loc + scale * Math.tan(Math.PI * (u[i] - 0.5));
                }
            }
            case "choice" -> {
                double[] values = Fixtures.doubles(spec.get("values"));
                double[] u = uniforms(seed, n);
                for (int i = 0; i < n; i++) {
                    x[i] = values[(int) Math.floor(u[i] * values.length)];
                }
            }
            case "rounded" -> {
                double step = spec.get("step").asDouble();
                double offset = spec.path("offset").asDouble(0.0);
                double[] of = generate(spec.get("of"), n);
                for (int i = 0; i < n; i++) {
                    x[i] = Math.floor(of[i] / step + 0.5) * step + offset;
                }
            }
            case "atoms" -> {
                double[] of = generate(spec.get("of"), n);
                double[] u = uniforms(seed, n);
                double p = spec.get("p").asDouble();
                double atom = spec.get("atom").asDouble();
                for (int i = 0; i < n; i++) {
                    x[i] = u[i] < p ? atom : of[i];
                }
            }
            default -> throw new IllegalArgumentException("unknown generator " + kind);
        }
        for (int i = 0; i < n; i++) {
            x[i] += 0.0;
        }
        return x;
    }

    /** Neumaier-compensated sum: within 1e-12 relative of Python's math.fsum here. */
    private static double exactSum(double[] values) {
        double sum = 0.0;
        double compensation = 0.0;
        for (double v : values) {
            double t = sum + v;
            compensation += Math.abs(sum) >= Math.abs(v) ? (sum - t) + v : (v - t) + sum;
            sum = t;
        }
        return sum + compensation;
    }
}
