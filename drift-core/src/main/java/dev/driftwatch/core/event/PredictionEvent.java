package dev.driftwatch.core.event;

/**
 * A parsed prediction (or feature-only) event: identity, event time, the segment it belongs to, and
 * its feature values as parallel arrays (no per-feature objects).
 *
 * <p>Feature {@code i} is named {@code featureNames[i]}; its value is {@code numbers[i]} when it
 * was a JSON number, {@code strings[i]} when it was a string or boolean, and missing (NaN and null)
 * when it was null. {@code prediction.score} and {@code prediction.label}, when present, appear as
 * the pseudo-features {@value #SCORE_FEATURE} and {@value #LABEL_FEATURE}; each class's probability
 * of {@code prediction.probabilities} as the numeric pseudo-feature {@value
 * #PROBABILITY_FEATURE_PREFIX}{@code <class>}.
 *
 * <p>An event with {@link #invalidRecord} set stands in for a record that broke the contract but
 * named its model, version and time ({@link Rejection#attributable()}): it carries no features, and
 * the drift job counts it in its window's invalid events.
 *
 * <p>Public mutable fields keep it a Flink POJO (serialised without Kryo).
 */
public final class PredictionEvent {
    /** Pseudo-feature carrying {@code prediction.score}. */
    public static final String SCORE_FEATURE = "prediction.score";

    /** Pseudo-feature carrying {@code prediction.label}. */
    public static final String LABEL_FEATURE = "prediction.label";

    /** Prefix of the pseudo-features carrying {@code prediction.probabilities}, one per class. */
    public static final String PROBABILITY_FEATURE_PREFIX = "prediction.probabilities.";

    /** The pseudo-feature carrying the probability of class {@code className}. */
    public static String probabilityFeature(String className) {
        return PROBABILITY_FEATURE_PREFIX + className;
    }

    public String predictionId;
    public String modelName;
    public String modelVersion;
    public long timestamp;

    /** Segment value ("" when no segment tags are configured). */
    public String segment = "";

    public String[] featureNames;
    public double[] numbers;
    public String[] strings;

    /** True for the stand-in of an invalid record (see the class comment). */
    public boolean invalidRecord;

    public PredictionEvent() {}

    /** The stand-in of an attributable rejected record. */
    public static PredictionEvent invalidRecord(Rejection rejection) {
        if (!rejection.attributable()) {
            throw new IllegalArgumentException("rejection without model, version and time");
        }
        PredictionEvent e = new PredictionEvent();
        e.predictionId = "";
        e.modelName = rejection.modelName();
        e.modelVersion = rejection.modelVersion();
        e.timestamp = rejection.timestamp();
        e.featureNames = NO_NAMES;
        e.numbers = NO_NUMBERS;
        e.strings = NO_NAMES;
        e.invalidRecord = true;
        return e;
    }

    private static final String[] NO_NAMES = new String[0];
    private static final double[] NO_NUMBERS = new double[0];

    public int featureCount() {
        return featureNames.length;
    }

    /** (model, version) as one string: the key of reference profiles. */
    public String modelKey() {
        return modelKey(modelName, modelVersion);
    }

    public static String modelKey(String model, String version) {
        return CompositeKey.of(model, version);
    }
}
