package dev.driftwatch.benchmarks;

import dev.driftwatch.core.profile.CategoricalReferenceBuilder;
import dev.driftwatch.core.profile.FeatureReference;
import dev.driftwatch.core.profile.NumericReferenceBuilder;
import dev.driftwatch.core.profile.ReferenceProfile;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Deterministic synthetic traffic for {@code models} models with {@code numericFeatures} numeric
 * and {@value #CATEGORICAL_FEATURES} categorical features: reference samples, reference profiles
 * and prediction events as JSON bytes per the event contract (docs/drift-job.md, "Events").
 *
 * <p>Numeric feature {@code f} of model {@code m} is normal with a mean and scale that depend on
 * {@code (m, f)}; current traffic is shifted by a quarter of a standard deviation, so the drift job
 * has real (but moderate) drift to measure.
 *
 * <pre>{@code
 * SyntheticTraffic traffic = new SyntheticTraffic(10, 20, 42);
 * List<ReferenceProfile> profiles = traffic.referenceProfiles(5000);
 * byte[][] events = traffic.events(100_000, SyntheticTraffic.T0, 1);
 * }</pre>
 */
public final class SyntheticTraffic implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Categorical features per event: {@code country} and {@code channel}. */
    public static final int CATEGORICAL_FEATURES = 2;

    /** Event time of the first event: 2026-11-26T00:00:00Z. */
    public static final long T0 = Instant.parse("2026-11-26T00:00:00Z").toEpochMilli();

    private static final String[] COUNTRIES = {"DE", "FR", "IT", "ES", "NL", "PL", "SE", "AT"};
    private static final String[] CHANNELS = {"web", "ios", "android", "partner"};

    private final int models;
    private final int numericFeatures;
    private final long seed;

    public SyntheticTraffic(int models, int numericFeatures, long seed) {
        if (models < 1 || numericFeatures < 1) {
            throw new IllegalArgumentException("models and numeric features must be >= 1");
        }
        this.models = models;
        this.numericFeatures = numericFeatures;
        this.seed = seed;
    }

    public int models() {
        return models;
    }

    public int numericFeatures() {
        return numericFeatures;
    }

    /** Numeric plus categorical features per event. */
    public int features() {
        return numericFeatures + CATEGORICAL_FEATURES;
    }

    public static String modelName(int model) {
        return String.format("model-%03d", model);
    }

    public static String numericFeatureName(int feature) {
        return String.format("f%03d", feature);
    }

    /** Name of categorical feature 0 ({@code country}) or 1 ({@code channel}). */
    public static String categoricalFeatureName(int feature) {
        return feature == 0 ? "country" : "channel";
    }

    /** Model version of every synthetic model. */
    public static String modelVersion() {
        return "1";
    }

    private double mean(int model, int feature) {
        return 10.0 * ((model * 7 + feature * 3) % 11) - 20.0;
    }

    private double scale(int model, int feature) {
        return 1.0 + ((model + feature * 5) % 7);
    }

    /** One numeric value of (model, feature); {@code shift} in standard deviations. */
    double numericValue(SplittableRandom random, int model, int feature, double shift) {
        return mean(model, feature) + scale(model, feature) * (gaussian(random) + shift);
    }

    private static double gaussian(SplittableRandom random) {
        // Box-Muller: SplittableRandom has no nextGaussian on Java 17.
        double u = 1.0 - random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u)) * Math.cos(2.0 * Math.PI * v);
    }

    /** One category of categorical feature {@code feature}, skewed towards the first values. */
    static String categoryValue(SplittableRandom random, int feature) {
        String[] values = feature == 0 ? COUNTRIES : CHANNELS;
        int i = (int) (values.length * random.nextDouble() * random.nextDouble());
        return values[i];
    }

    /** The reference sample of a numeric feature: {@code size} values. */
    public double[] referenceSample(int model, int feature, int size) {
        SplittableRandom random = new SplittableRandom(seed * 1_000_003L + model * 7919L + feature);
        double[] values = new double[size];
        for (int i = 0; i < size; i++) {
            values[i] = numericValue(random, model, feature, 0.0);
        }
        return values;
    }

    /** The reference sample of a categorical feature: {@code size} categories. */
    public String[] referenceCategories(int model, int feature, int size) {
        SplittableRandom random =
                new SplittableRandom(seed * 1_000_033L + model * 7919L + 100_000 + feature);
        String[] values = new String[size];
        for (int i = 0; i < size; i++) {
            values[i] = categoryValue(random, feature);
        }
        return values;
    }

    /** The reference profile of one model (10 quantile bins) from samples of {@code size}. */
    public ReferenceProfile referenceProfile(int model, int size) {
        Map<String, FeatureReference> features = new LinkedHashMap<>();
        for (int f = 0; f < numericFeatures; f++) {
            NumericReferenceBuilder b = new NumericReferenceBuilder();
            for (double v : referenceSample(model, f, size)) {
                b.add(v);
            }
            features.put(numericFeatureName(f), b.build(10));
        }
        for (int c = 0; c < CATEGORICAL_FEATURES; c++) {
            CategoricalReferenceBuilder b = new CategoricalReferenceBuilder();
            for (String v : referenceCategories(model, c, size)) {
                b.add(v);
            }
            features.put(categoricalFeatureName(c), b.build());
        }
        return new ReferenceProfile(
                modelName(model), modelVersion(), Instant.parse("2026-11-01T00:00:00Z"), features);
    }

    /** Reference profiles of every model. */
    public List<ReferenceProfile> referenceProfiles(int sampleSize) {
        List<ReferenceProfile> profiles = new ArrayList<>(models);
        for (int m = 0; m < models; m++) {
            profiles.add(referenceProfile(m, sampleSize));
        }
        return profiles;
    }

    /**
     * {@code count} prediction events as JSON bytes: event {@code i} belongs to model {@code i %
     * models} and has event time {@code t0 + i * spacingMs}, so the events are in order.
     */
    public byte[][] events(int count, long t0, long spacingMs) {
        SplittableRandom random = new SplittableRandom(seed);
        byte[][] events = new byte[count][];
        StringBuilder json = new StringBuilder(64 + 24 * features());
        for (int i = 0; i < count; i++) {
            json.setLength(0);
            int model = i % models;
            json.append("{\"prediction_id\":\"req-")
                    .append(i)
                    .append("\",\"model_name\":\"")
                    .append(modelName(model))
                    .append("\",\"model_version\":\"")
                    .append(modelVersion())
                    .append("\",\"timestamp\":")
                    .append(t0 + i * spacingMs)
                    .append(",\"features\":{");
            for (int f = 0; f < numericFeatures; f++) {
                json.append('"')
                        .append(numericFeatureName(f))
                        .append("\":")
                        .append(numericValue(random, model, f, 0.25))
                        .append(',');
            }
            for (int c = 0; c < CATEGORICAL_FEATURES; c++) {
                if (c > 0) {
                    json.append(',');
                }
                json.append('"')
                        .append(categoricalFeatureName(c))
                        .append("\":\"")
                        .append(categoryValue(random, c))
                        .append('"');
            }
            json.append("},\"prediction\":{\"score\":")
                    .append(random.nextDouble())
                    .append(",\"label\":\"")
                    .append(random.nextInt(2))
                    .append("\"},\"tags\":{\"region\":\"eu\"}}");
            events[i] = json.toString().getBytes(StandardCharsets.UTF_8);
        }
        return events;
    }
}
