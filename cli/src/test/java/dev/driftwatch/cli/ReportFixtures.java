package dev.driftwatch.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * A reference and a current CSV with {@code n} numeric features (every fifth one shifted by one
 * standard deviation, so drifted) and one categorical feature, {@code country}, whose current data
 * has a new category, {@code XX}.
 */
record ReportFixtures(Path reference, Path current, int numericFeatures) {
    static final String NEW_CATEGORY = "XX";
    private static final NormalDistribution NORMAL = new NormalDistribution(0, 1);

    static ReportFixtures write(Path dir, int numericFeatures) throws IOException {
        Files.createDirectories(dir);
        ReportFixtures f =
                new ReportFixtures(
                        dir.resolve("reference.csv"), dir.resolve("current.csv"), numericFeatures);
        write(f.reference, numericFeatures, 300, false, 1);
        write(f.current, numericFeatures, 200, true, 2);
        return f;
    }

    /** The name of numeric feature {@code i}. */
    static String name(int i) {
        return String.format(java.util.Locale.ROOT, "feature_%03d", i);
    }

    /** Whether numeric feature {@code i} is shifted in the current data. */
    static boolean shifted(int i) {
        return i % 5 == 0;
    }

    /** Features in all: the numeric ones and {@code country}. */
    int features() {
        return numericFeatures + 1;
    }

    /** Drifted features: the shifted numeric ones and {@code country}. */
    int drifted() {
        return (numericFeatures + 4) / 5 + 1;
    }

    private static void write(Path path, int n, int rows, boolean current, long seed)
            throws IOException {
        Random random = new Random(seed);
        String[] countries = {"DE", "FR", "IT", "ES"};
        double[] quantiles = new double[rows];
        for (int k = 0; k < rows; k++) {
            quantiles[k] = NORMAL.inverseCumulativeProbability((k + 0.5) / rows);
        }
        try (BufferedWriter w = Files.newBufferedWriter(path, StandardCharsets.UTF_8)) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < n; i++) {
                line.append(name(i)).append(',');
            }
            w.write(line.append("country\n").toString());
            for (int r = 0; r < rows; r++) {
                line.setLength(0);
                // the normal quantiles of a per-feature permutation of the rows: no sampling
                // noise, so only the shifted features drift, at any number of features
                for (int i = 0; i < n; i++) {
                    double v = 10 + i + quantiles[(int) ((7L * r + 13L * i) % rows)] * 2;
                    if (current && shifted(i)) {
                        v += 2;
                    }
                    line.append(Math.round(v * 1000) / 1000.0).append(',');
                }
                String country =
                        current && r % 4 == 0
                                ? NEW_CATEGORY
                                : countries[random.nextInt(countries.length)];
                w.write(line.append(country).append('\n').toString());
            }
        }
    }
}
