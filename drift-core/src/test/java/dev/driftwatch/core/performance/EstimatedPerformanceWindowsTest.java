package dev.driftwatch.core.performance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.driftwatch.core.DriftCoreException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Estimated performance windows merge associatively and commutatively (any split of a stream,
 * merged in any order and grouping, gives the single-pass estimates: counts exactly, sums to 1e-12
 * relative), retract exactly, stay bounded, and keep a versioned binary form matching the golden
 * files.
 *
 * <p>To rewrite the golden files after a deliberate format change (bump the format version!), run
 * with {@code -Ddriftwatch.writeGolden=drift-core/src/test/resources}.
 */
class EstimatedPerformanceWindowsTest {
    private static final List<String> CLASSES = List.of("cat", "dog", "fish");

    /** One prediction: the probabilities and the predicted class (binary: index 1 = positive). */
    private record Prediction(double[] p, int predicted) {}

    private static List<Prediction> stream(Random random, int n, boolean binary) {
        List<Prediction> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (binary) {
                double p = random.nextInt(30) == 0 ? random.nextInt(2) : random.nextDouble();
                out.add(new Prediction(new double[] {p}, random.nextDouble() < p ? 1 : 0));
            } else {
                double[] p = new double[3];
                double sum = 0;
                for (int k = 0; k < 3; k++) {
                    p[k] = random.nextInt(20) == 0 ? 0 : -Math.log(random.nextDouble());
                    sum += p[k];
                }
                for (int k = 0; k < 3; k++) {
                    p[k] = sum > 0 ? p[k] / sum : 1.0 / 3;
                }
                out.add(new Prediction(p, random.nextInt(10) == 0 ? -1 : random.nextInt(3)));
            }
        }
        return out;
    }

    private static void add(EstimatedPerformance e, Prediction x, int sign) {
        if (e instanceof EstimatedBinaryPerformance b) {
            b.add(x.p[0], x.predicted == 1, sign);
        } else {
            ((EstimatedMulticlassPerformance) e).add(x.p, x.predicted, sign);
        }
    }

    @Property(tries = 150)
    void mergeMatchesSinglePassInAnyOrderAndGrouping(
            @ForAll long seed,
            @ForAll @IntRange(min = 1, max = 8) int parts,
            @ForAll boolean binary) {
        Random random = new Random(seed);
        List<Prediction> stream = stream(random, random.nextInt(2000), binary);
        Supplier<EstimatedPerformance> empty =
                binary
                        ? () -> new EstimatedBinaryPerformance(200)
                        : () -> new EstimatedMulticlassPerformance(CLASSES, 50);
        EstimatedPerformance whole = empty.get();
        stream.forEach(x -> add(whole, x, 1));

        List<EstimatedPerformance> pieces = new ArrayList<>();
        int start = 0;
        for (int p = 0; p < parts; p++) {
            int end =
                    p == parts - 1
                            ? stream.size()
                            : start + random.nextInt(stream.size() - start + 1);
            EstimatedPerformance piece = empty.get();
            stream.subList(start, end).forEach(x -> add(piece, x, 1));
            pieces.add(piece);
            start = end;
        }
        Collections.shuffle(pieces, random);
        // a random binary tree of merges, operands in random order
        List<EstimatedPerformance> level = new ArrayList<>(pieces);
        while (level.size() > 1) {
            int i = random.nextInt(level.size() - 1);
            EstimatedPerformance a = level.remove(i);
            EstimatedPerformance b = level.remove(i);
            if (random.nextBoolean()) {
                b.merge(a);
                level.add(i, b);
            } else {
                a.merge(b);
                level.add(i, a);
            }
        }
        EstimatedPerformance merged = level.get(0);
        assertThat(merged.predictions()).isEqualTo(stream.size());
        assertClose(merged.estimates(), whole.estimates());
    }

    private static void assertClose(Map<String, Estimate> a, Map<String, Estimate> b) {
        assertThat(a.keySet()).containsExactlyElementsOf(b.keySet());
        for (String k : b.keySet()) {
            if (b.get(k) == null) {
                assertThat(a.get(k)).as(k).isNull();
                continue;
            }
            assertThat(a.get(k)).as(k).isNotNull();
            close(k, a.get(k).value(), b.get(k).value());
            // variances add up, so they agree to rounding; their square roots amplify rounding
            // near zero (a variance of 1e-18 has a standard error of 1e-9)
            close(
                    k,
                    a.get(k).standardError() * a.get(k).standardError(),
                    b.get(k).standardError() * b.get(k).standardError());
            close(k, a.get(k).errorBound(), b.get(k).errorBound());
        }
    }

    private static void close(String what, double a, double b) {
        assertThat(Math.abs(a - b))
                .as("%s: %s vs %s", what, a, b)
                .isLessThanOrEqualTo(1e-12 * Math.max(1.0, Math.abs(b)));
    }

    @Property(tries = 50)
    void retractingUndoesAnAddAndBytesRoundTrip(@ForAll long seed, @ForAll boolean binary) {
        Random random = new Random(seed);
        List<Prediction> stream = stream(random, 1 + random.nextInt(500), binary);
        EstimatedPerformance e =
                binary
                        ? new EstimatedBinaryPerformance(100)
                        : new EstimatedMulticlassPerformance(CLASSES, 20);
        EstimatedPerformance f =
                binary
                        ? new EstimatedBinaryPerformance(100)
                        : new EstimatedMulticlassPerformance(CLASSES, 20);
        stream.forEach(x -> add(e, x, 1));
        stream.forEach(x -> add(f, x, 1));
        Prediction extra = stream(random, 1, binary).get(0);
        add(e, extra, 1);
        add(e, extra, -1);
        assertClose(e.estimates(), f.estimates());
        assertThat(e.predictions()).isEqualTo(f.predictions());

        byte[] bytes = EstimatedPerformanceWindows.toByteArray(e);
        EstimatedPerformance back = EstimatedPerformanceWindows.heapify(bytes);
        assertThat(EstimatedPerformanceWindows.toByteArray(back)).isEqualTo(bytes);
        assertThat(back.estimates()).isEqualTo(e.estimates());
        // a heapified window keeps accepting updates and merges
        back.merge(f);
        assertThat(back.predictions()).isEqualTo(2 * f.predictions());
    }

    @Test
    void stateIsBoundedWhateverThePredictionCount() {
        Random random = new Random(8);
        for (boolean binary : new boolean[] {true, false}) {
            int previous = -1;
            for (int n : new int[] {10, 10_000, 200_000}) {
                EstimatedPerformance e =
                        binary
                                ? new EstimatedBinaryPerformance(
                                        EstimatedBinaryPerformance.DEFAULT_BINS)
                                : new EstimatedMulticlassPerformance(
                                        CLASSES, EstimatedMulticlassPerformance.DEFAULT_BINS);
                for (Prediction x : stream(random, n, binary)) {
                    add(e, x, 1);
                }
                int size = EstimatedPerformanceWindows.toByteArray(e).length;
                if (previous >= 0) {
                    assertThat(size).as("bytes do not grow with the count").isEqualTo(previous);
                }
                previous = size;
            }
            assertThat(previous).isLessThanOrEqualTo(binary ? 25 * 1024 : 8 * 1024);
        }
        // the most classes at the default bins: O(classes * bins + classes^2)
        List<String> many = new ArrayList<>();
        for (int c = 0; c < EstimatedMulticlassPerformance.MAX_CLASSES; c++) {
            many.add("c" + c);
        }
        EstimatedMulticlassPerformance big =
                new EstimatedMulticlassPerformance(
                        many, EstimatedMulticlassPerformance.DEFAULT_BINS);
        assertThat(EstimatedPerformanceWindows.toByteArray(big).length)
                .isLessThanOrEqualTo(160 * 1024);
        List<String> tooMany = new ArrayList<>(many);
        tooMany.add("one more");
        assertThatThrownBy(() -> new EstimatedMulticlassPerformance(tooMany, 100))
                .isInstanceOf(DriftCoreException.class)
                .hasMessageContaining("2 to 50 classes");
    }

    static EstimatedBinaryPerformance goldenBinary() {
        EstimatedBinaryPerformance e = new EstimatedBinaryPerformance(10);
        double[] p = {0.05, 0.2, 0.35, 0.5, 0.65, 0.8, 0.95, 1.0, 0.0, 0.5};
        for (int i = 0; i < p.length; i++) {
            e.add(p[i], p[i] >= 0.5, 1);
        }
        return e;
    }

    static EstimatedMulticlassPerformance goldenMulticlass() {
        EstimatedMulticlassPerformance e = new EstimatedMulticlassPerformance(CLASSES, 4);
        e.add(new double[] {0.5, 0.25, 0.25}, 0, 1);
        e.add(new double[] {0.125, 0.75, 0.125}, 1, 1);
        e.add(new double[] {0.25, 0.25, 0.5}, 2, 1);
        e.add(new double[] {1.0, 0.0, 0.0}, -1, 1);
        return e;
    }

    @Test
    void binaryFormMatchesGoldenBytes() throws IOException {
        checkGolden("golden/estimated-binary-v1.bin", goldenBinary());
        EstimatedPerformance back =
                EstimatedPerformanceWindows.heapify(resource("golden/estimated-binary-v1.bin"));
        assertThat(back.predictions()).isEqualTo(10);
        // expected TP = 0.5 + 0.65 + 0.8 + 0.95 + 1.0 + 0.5 over 6 predicted positives
        assertThat(back.estimates().get("precision").value())
                .isCloseTo(4.4 / 6, org.assertj.core.data.Offset.offset(1e-15));
    }

    @Test
    void multiclassFormMatchesGoldenBytes() throws IOException {
        checkGolden("golden/estimated-multiclass-v1.bin", goldenMulticlass());
        EstimatedMulticlassPerformance back =
                (EstimatedMulticlassPerformance)
                        EstimatedPerformanceWindows.heapify(
                                resource("golden/estimated-multiclass-v1.bin"));
        assertThat(back.classes()).isEqualTo(CLASSES);
        // expected correct = 0.5 + 0.75 + 0.5 of 4 predictions (the 4th predicted none of them)
        assertThat(back.estimates().get("accuracy").value()).isEqualTo(1.75 / 4);
    }

    @Test
    void corruptBytesAreRejectedWithAClearMessage() {
        byte[] bytes = EstimatedPerformanceWindows.toByteArray(goldenMulticlass());
        assertThatThrownBy(
                        () ->
                                EstimatedPerformanceWindows.heapify(
                                        Arrays.copyOf(bytes, bytes.length - 3)))
                .isInstanceOf(DriftCoreException.class)
                .hasMessageContaining("truncated");
        byte[] version = bytes.clone();
        version[4] = 9;
        assertThatThrownBy(() -> EstimatedPerformanceWindows.heapify(version))
                .hasMessageContaining("unsupported format version 9");
        byte[] magic = bytes.clone();
        magic[0] = 'X';
        assertThatThrownBy(() -> EstimatedPerformanceWindows.heapify(magic))
                .hasMessageContaining("not a Driftwatch estimated performance window");
        byte[] task = bytes.clone();
        task[5] = (byte) TaskType.REGRESSION.ordinal();
        assertThatThrownBy(() -> EstimatedPerformanceWindows.heapify(task))
                .hasMessageContaining("unknown task");
        byte[] classes = bytes.clone();
        classes[9] = 120; // class count 120
        assertThatThrownBy(() -> EstimatedPerformanceWindows.heapify(classes))
                .hasMessageContaining("bad class count 120");
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
        assertThatThrownBy(() -> EstimatedPerformanceWindows.heapify(longer))
                .hasMessageContaining("trailing");
    }

    @Test
    void invalidInputIsRejectedAndMismatchedWindowsDoNotMerge() {
        EstimatedBinaryPerformance b = new EstimatedBinaryPerformance(10);
        assertThatThrownBy(() -> b.add(Double.NaN, true, 1))
                .isInstanceOf(DriftCoreException.class)
                .hasMessageContaining("[0, 1]");
        assertThatThrownBy(() -> b.add(1.5, true, 1)).hasMessageContaining("[0, 1]");
        assertThat(b.predictions()).isZero();
        assertThat(b.estimates().values()).containsOnlyNulls();
        assertThatThrownBy(() -> b.merge(new EstimatedBinaryPerformance(20)))
                .hasMessageContaining("different bins");
        EstimatedMulticlassPerformance m = new EstimatedMulticlassPerformance(CLASSES, 10);
        assertThatThrownBy(() -> m.add(new double[] {0.5, 0.5}, 0, 1))
                .hasMessageContaining("expected 3 class probabilities");
        assertThatThrownBy(() -> m.add(new double[] {0.5, 0.6, -0.1}, 0, 1))
                .hasMessageContaining("[0, 1]");
        assertThatThrownBy(() -> m.add(new double[] {0.5, 0.5, 0}, 3, 1))
                .hasMessageContaining("class index");
        assertThat(m.predictions()).isZero();
        assertThatThrownBy(() -> m.merge(b)).hasMessageContaining("different classes");
        assertThatThrownBy(
                        () ->
                                m.merge(
                                        new EstimatedMulticlassPerformance(
                                                List.of("cat", "dog", "bird"), 10)))
                .hasMessageContaining("different classes");
    }

    private static void checkGolden(String name, EstimatedPerformance e) throws IOException {
        byte[] bytes = EstimatedPerformanceWindows.toByteArray(e);
        String dir = System.getProperty("driftwatch.writeGolden");
        if (dir != null) {
            Path p = Path.of(dir, name);
            Files.createDirectories(p.getParent());
            Files.write(p, bytes);
        }
        assertThat(bytes).isEqualTo(resource(name));
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in =
                EstimatedPerformanceWindowsTest.class.getResourceAsStream("/" + name)) {
            assertThat(in).as("test resource %s", name).isNotNull();
            return in.readAllBytes();
        }
    }
}
