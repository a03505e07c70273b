package dev.driftwatch.core.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The JSON event format ({@link EventFormats#JSON}): parses and validates the prediction/feature
 * event contract with Jackson's streaming parser and its fast double parser: one pass, no tree.
 *
 * <p>Required: {@code prediction_id}, {@code model_name}, {@code model_version} (strings; a number
 * is accepted for the version), {@code timestamp} (RFC 3339 string or epoch milliseconds) and
 * {@code features} (an object of numbers, strings, booleans or nulls). Optional: {@code prediction}
 * ({@code score} number, {@code label} string or number, {@code probabilities} an object of class
 * name to probability in [0, 1]) and {@code tags} (an object of strings). Unknown top-level fields
 * are ignored. Every name, number and timestamp is checked against the {@link EventLimits}.
 *
 * <pre>{@code
 * JsonEventDecoder parser = new JsonEventDecoder(List.of("region"), 1 << 20, EventLimits.defaults());
 * PredictionEvent e = parser.parse(bytes, now); // throws InvalidEventException with the reason
 * }</pre>
 */
public final class JsonEventDecoder implements EventDecoder {
    private static final JsonFactory JSON =
            JsonFactory.builder().enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER).build();

    /** Feature names already checked, kept up to this many (then forgotten and checked again). */
    private static final int CHECKED_NAMES = 10_000;

    private final String[] segmentTags;
    private final int maxBytes;
    private final EventLimits limits;

    /** Valid feature names seen (Jackson hands out the same instance for a repeated name). */
    private final Set<String> checkedNames = new HashSet<>();

    /** The valid feature names of the previous events, by position. */
    private String[] lastNames = new String[16];

    /** Pseudo-feature names of the classes of {@code prediction.probabilities} seen, by class. */
    private final Map<String, String> probabilityFeatures = new HashMap<>();

    /**
     * @param segmentTags tag keys whose values, joined with "|", form the segment (empty: none)
     * @param maxBytes larger records are rejected
     */
    public JsonEventDecoder(List<String> segmentTags, int maxBytes) {
        this(segmentTags, maxBytes, EventLimits.defaults());
    }

    /**
     * @param limits the contract's limits on names, numbers and timestamps
     */
    public JsonEventDecoder(List<String> segmentTags, int maxBytes, EventLimits limits) {
        this.segmentTags = segmentTags.toArray(new String[0]);
        this.maxBytes = maxBytes;
        this.limits = limits;
    }

    public JsonEventDecoder(EventDecoder.Settings settings) {
        this(settings.segmentTags(), settings.maxBytes(), settings.limits());
    }

    /** One event per record; headers are not used. */
    @Override
    public void decode(byte[] value, Map<String, byte[]> headers, long now, DecodedEvents out) {
        PredictionEvent event;
        try {
            event = parse(value, now);
        } catch (InvalidEventException e) {
            out.reject(e.rejection());
            return;
        }
        out.accept(event);
    }

    /** Parses a record at the processing time of the system clock. */
    public PredictionEvent parse(byte[] bytes) throws InvalidEventException {
        return parse(bytes, System.currentTimeMillis());
    }

    /**
     * Parses and validates a record.
     *
     * @param now the processing time (epoch ms) that bounds the event's timestamp
     * @throws InvalidEventException with the reason, and the model, version and time when they were
     *     read and valid
     */
    public PredictionEvent parse(byte[] bytes, long now) throws InvalidEventException {
        Partial p = new Partial();
        if (bytes == null || bytes.length == 0) {
            throw p.invalid("empty record");
        }
        if (bytes.length > maxBytes) {
            throw p.invalid(
                    "record of " + bytes.length + " bytes exceeds the limit of " + maxBytes);
        }
        try (JsonParser json = JSON.createParser(bytes)) {
            if (json.nextToken() != JsonToken.START_OBJECT) {
                throw p.invalid("not a JSON object");
            }
            int seen = 0;
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String field = json.currentName();
                int bit = fieldBit(field);
                if ((seen & bit) != 0) {
                    throw p.invalid("duplicate field '" + field + "'");
                }
                seen |= bit;
                JsonToken t = json.nextToken();
                switch (field) {
                    case "prediction_id" -> p.event.predictionId = name(json, t, field, p, false);
                    case "model_name" -> p.event.modelName = name(json, t, field, p, false);
                    case "model_version" -> p.event.modelVersion = name(json, t, field, p, true);
                    case "timestamp" -> {
                        long ts = timestamp(json, t, p);
                        String problem = limits.timestampProblem(ts, now);
                        if (problem != null) {
                            throw p.invalid(problem);
                        }
                        p.event.timestamp = ts;
                        p.hasTimestamp = true;
                    }
                    case "features" -> readFeatures(json, t, p);
                    case "prediction" -> readPrediction(json, t, p);
                    case "tags" -> readTags(json, t, p);
                    default -> json.skipChildren();
                }
            }
            if (json.currentToken() != JsonToken.END_OBJECT || json.nextToken() != null) {
                throw p.invalid("trailing content after the JSON object");
            }
        } catch (IOException e) {
            throw p.invalid("malformed JSON: " + firstLine(e.getMessage()));
        }
        requireField(p.event.predictionId, "prediction_id", p);
        requireField(p.event.modelName, "model_name", p);
        requireField(p.event.modelVersion, "model_version", p);
        if (!p.hasTimestamp) {
            throw p.invalid("missing required field 'timestamp'");
        }
        if (p.names == null) {
            throw p.invalid("missing required field 'features'");
        }
        int n = p.count + (p.hasScore ? 1 : 0) + (p.label != null ? 1 : 0) + p.probabilityCount;
        String[] names = Arrays.copyOf(p.names, n);
        double[] numbers = Arrays.copyOf(p.numbers, n);
        String[] strings = Arrays.copyOf(p.strings, n);
        int i = p.count;
        if (p.hasScore) {
            names[i] = PredictionEvent.SCORE_FEATURE;
            numbers[i] = p.score;
            i++;
        }
        if (p.label != null) {
            names[i] = PredictionEvent.LABEL_FEATURE;
            numbers[i] = Double.NaN;
            strings[i] = p.label;
            i++;
        }
        for (int c = 0; c < p.probabilityCount; c++, i++) {
            names[i] = p.probabilityNames[c];
            numbers[i] = p.probabilities[c];
        }
        p.event.featureNames = names;
        p.event.numbers = numbers;
        p.event.strings = strings;
        p.event.segment = segment(p);
        if (p.event.segment.length() > EventLimits.MAX_NAME_LENGTH) {
            check(EventLimits.nameProblem("the segment", p.event.segment), p);
        }
        return p.event;
    }

    private static void check(String problem, Partial p) throws InvalidEventException {
        if (problem != null) {
            throw p.invalid(problem);
        }
    }

    private String segment(Partial p) {
        if (segmentTags.length == 0) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < segmentTags.length; i++) {
            if (i > 0) {
                sb.append('|');
            }
            String v = p.tags == null ? null : p.tags.get(segmentTags[i]);
            sb.append(v == null ? "" : v);
        }
        return sb.toString();
    }

    private static void requireField(String value, String field, Partial p)
            throws InvalidEventException {
        if (value == null) {
            throw p.invalid("missing required field '" + field + "'");
        }
        if (value.isEmpty()) {
            throw p.invalid("field '" + field + "' must not be empty");
        }
    }

    /** A name field's value, checked against the limits. */
    private static String name(
            JsonParser json, JsonToken t, String field, Partial p, boolean numberAllowed)
            throws IOException, InvalidEventException {
        if (t == JsonToken.VALUE_STRING || (numberAllowed && t == JsonToken.VALUE_NUMBER_INT)) {
            String value = json.getText();
            if (!EventLimits.isName(value)) {
                throw p.invalid(EventLimits.nameProblem("field '" + field + "'", value));
            }
            return value;
        }
        throw p.invalid("field '" + field + "' must be a string, was " + describe(t));
    }

    private static long timestamp(JsonParser json, JsonToken t, Partial p)
            throws IOException, InvalidEventException {
        if (t == JsonToken.VALUE_NUMBER_INT) {
            return json.getLongValue();
        }
        if (t == JsonToken.VALUE_STRING) {
            String s = json.getText();
            try {
                return OffsetDateTime.parse(s).toInstant().toEpochMilli();
            } catch (DateTimeException | ArithmeticException e) {
                throw p.invalid(
                        "unparseable timestamp '" + truncate(s) + "' (RFC 3339 or epoch ms)");
            }
        }
        throw p.invalid("field 'timestamp' must be an RFC 3339 string or epoch milliseconds");
    }

    /**
     * Checks a feature name against the limits, once per name: the parser hands out one instance
     * per distinct name, and events of a model list their features in the same order, so the name
     * at the same position in the previous event is usually the same instance.
     */
    private void checkFeatureName(String name, int position, Partial p)
            throws InvalidEventException {
        if (position < lastNames.length && lastNames[position] == name) {
            return;
        }
        if (!checkedNames.contains(name)) {
            if (!EventLimits.isName(name)) {
                throw p.invalid(
                        EventLimits.nameProblem("feature name '" + truncate(name) + "'", name));
            }
            if (checkedNames.size() >= CHECKED_NAMES) {
                checkedNames.clear();
            }
            checkedNames.add(name);
        }
        if (position >= lastNames.length) {
            lastNames = Arrays.copyOf(lastNames, Math.max(position + 1, lastNames.length * 2));
        }
        lastNames[position] = name;
    }

    private void readFeatures(JsonParser json, JsonToken t, Partial p)
            throws IOException, InvalidEventException {
        if (t != JsonToken.START_OBJECT) {
            throw p.invalid("field 'features' must be an object, was " + describe(t));
        }
        p.names = new String[16];
        p.numbers = new double[16];
        p.strings = new String[16];
        p.count = 0;
        while (json.nextToken() == JsonToken.FIELD_NAME) {
            String name = json.currentName();
            checkFeatureName(name, p.count, p);
            JsonToken v = json.nextToken();
            if (p.count + 2 >= p.names.length) {
                int size = p.names.length * 2;
                p.names = Arrays.copyOf(p.names, size);
                p.numbers = Arrays.copyOf(p.numbers, size);
                p.strings = Arrays.copyOf(p.strings, size);
            }
            int i = p.count++;
            p.names[i] = name;
            switch (v) {
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                    double number = json.getDoubleValue();
                    if (!Double.isFinite(number)) {
                        throw p.invalid(
                                EventLimits.numberProblem(
                                        "feature '" + truncate(name) + "'", number));
                    }
                    p.numbers[i] = number;
                    p.strings[i] = null;
                }
                case VALUE_STRING -> {
                    p.numbers[i] = Double.NaN;
                    p.strings[i] = json.getText();
                }
                case VALUE_TRUE, VALUE_FALSE -> {
                    p.numbers[i] = Double.NaN;
                    p.strings[i] = v == JsonToken.VALUE_TRUE ? "true" : "false";
                }
                case VALUE_NULL -> {
                    p.numbers[i] = Double.NaN;
                    p.strings[i] = null;
                }
                default ->
                        throw p.invalid(
                                "feature '"
                                        + truncate(name)
                                        + "' must be a number, string, boolean or null, was "
                                        + describe(v));
            }
        }
    }

    private void readPrediction(JsonParser json, JsonToken t, Partial p)
            throws IOException, InvalidEventException {
        if (t == JsonToken.VALUE_NULL) {
            return;
        }
        if (t != JsonToken.START_OBJECT) {
            throw p.invalid("field 'prediction' must be an object, was " + describe(t));
        }
        while (json.nextToken() == JsonToken.FIELD_NAME) {
            String name = json.currentName();
            JsonToken v = json.nextToken();
            if (name.equals("score")) {
                if (v == JsonToken.VALUE_NUMBER_INT || v == JsonToken.VALUE_NUMBER_FLOAT) {
                    p.score = json.getDoubleValue();
                    if (!Double.isFinite(p.score)) {
                        throw p.invalid(
                                EventLimits.numberProblem("field 'prediction.score'", p.score));
                    }
                    p.hasScore = true;
                } else if (v != JsonToken.VALUE_NULL) {
                    throw p.invalid(
                            "field 'prediction.score' must be a number, was " + describe(v));
                }
            } else if (name.equals("label")) {
                if (v == JsonToken.VALUE_STRING
                        || v == JsonToken.VALUE_NUMBER_INT
                        || v == JsonToken.VALUE_NUMBER_FLOAT
                        || v == JsonToken.VALUE_TRUE
                        || v == JsonToken.VALUE_FALSE) {
                    p.label = json.getText();
                    if (!EventLimits.isName(p.label)) {
                        throw p.invalid(
                                EventLimits.nameProblem("field 'prediction.label'", p.label));
                    }
                } else if (v != JsonToken.VALUE_NULL) {
                    throw p.invalid("field 'prediction.label' must be a string or number");
                }
            } else if (name.equals("probabilities")) {
                readProbabilities(json, v, p);
            } else {
                json.skipChildren();
            }
        }
    }

    /**
     * {@code prediction.probabilities}: an object of class name to probability, each a number in
     * [0, 1] or null (missing).
     */
    private void readProbabilities(JsonParser json, JsonToken t, Partial p)
            throws IOException, InvalidEventException {
        if (t == JsonToken.VALUE_NULL) {
            return;
        }
        if (t != JsonToken.START_OBJECT) {
            throw p.invalid(
                    "field 'prediction.probabilities' must be an object of class probabilities,"
                            + " was "
                            + describe(t));
        }
        p.probabilityNames = new String[8];
        p.probabilities = new double[8];
        p.probabilityCount = 0;
        while (json.nextToken() == JsonToken.FIELD_NAME) {
            String name = json.currentName();
            JsonToken v = json.nextToken();
            String feature = probabilityFeatures.get(name);
            if (feature == null) {
                if (!EventLimits.isName(name)) {
                    throw p.invalid(
                            EventLimits.nameProblem(
                                    "class name '"
                                            + truncate(name)
                                            + "' of 'prediction.probabilities'",
                                    name));
                }
                if (probabilityFeatures.size() >= CHECKED_NAMES) {
                    probabilityFeatures.clear();
                }
                feature = PredictionEvent.probabilityFeature(name);
                probabilityFeatures.put(name, feature);
            }
            double value;
            if (v == JsonToken.VALUE_NUMBER_INT || v == JsonToken.VALUE_NUMBER_FLOAT) {
                value = json.getDoubleValue();
                if (!(value >= 0.0 && value <= 1.0)) {
                    throw p.invalid(
                            "probability of class '"
                                    + truncate(name)
                                    + "' in 'prediction.probabilities' must be in [0, 1], was "
                                    + value);
                }
            } else if (v == JsonToken.VALUE_NULL) {
                value = Double.NaN;
            } else {
                throw p.invalid(
                        "probability of class '"
                                + truncate(name)
                                + "' in 'prediction.probabilities' must be a number, was "
                                + describe(v));
            }
            if (p.probabilityCount == p.probabilities.length) {
                int size = p.probabilityCount * 2;
                p.probabilityNames = Arrays.copyOf(p.probabilityNames, size);
                p.probabilities = Arrays.copyOf(p.probabilities, size);
            }
            p.probabilityNames[p.probabilityCount] = feature;
            p.probabilities[p.probabilityCount++] = value;
        }
    }

    private static void readTags(JsonParser json, JsonToken t, Partial p)
            throws IOException, InvalidEventException {
        if (t == JsonToken.VALUE_NULL) {
            return;
        }
        if (t != JsonToken.START_OBJECT) {
            throw p.invalid("field 'tags' must be an object, was " + describe(t));
        }
        p.tags = new java.util.HashMap<>();
        while (json.nextToken() == JsonToken.FIELD_NAME) {
            String name = json.currentName();
            JsonToken v = json.nextToken();
            if (v == JsonToken.START_OBJECT || v == JsonToken.START_ARRAY) {
                throw p.invalid("tag '" + truncate(name) + "' must be a string");
            }
            if (!EventLimits.isName(name)) {
                throw p.invalid(EventLimits.nameProblem("tag key '" + truncate(name) + "'", name));
            }
            String value = v == JsonToken.VALUE_NULL ? null : json.getText();
            if (value != null && !EventLimits.isName(value)) {
                throw p.invalid(EventLimits.nameProblem("tag '" + truncate(name) + "'", value));
            }
            p.tags.put(name, value);
        }
    }

    private static String describe(JsonToken t) {
        if (t == null) {
            return "nothing";
        }
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> t.toString();
        };
    }

    /**
     * A bit per field of the contract (0 for others, which are ignored): a record that has one
     * twice is refused rather than read by last-wins, whose outcome a reader of the record would
     * have to guess.
     */
    private static int fieldBit(String field) {
        return switch (field) {
            case "prediction_id" -> 1;
            case "model_name" -> 2;
            case "model_version" -> 4;
            case "timestamp" -> 8;
            case "features" -> 16;
            case "prediction" -> 32;
            case "tags" -> 64;
            default -> 0;
        };
    }

    /** A value quoted in a reason: at most 64 characters, control characters replaced. */
    static String truncate(String s) {
        String head = s.length() <= 64 ? s : s.substring(0, 64) + "…";
        StringBuilder sb = null;
        for (int i = 0; i < head.length(); i++) {
            char c = head.charAt(i);
            if (Character.isISOControl(c)) {
                if (sb == null) {
                    sb = new StringBuilder(head);
                }
                sb.setCharAt(i, '\uFFFD');
            }
        }
        return sb == null ? head : sb.toString();
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** Parse state; keeps what was read so far for the error. */
    private static final class Partial {
        final PredictionEvent event = new PredictionEvent();
        boolean hasTimestamp;
        String[] names;
        double[] numbers;
        String[] strings;
        int count;
        double score;
        boolean hasScore;
        String label;
        String[] probabilityNames;
        double[] probabilities;
        int probabilityCount;
        java.util.Map<String, String> tags;

        InvalidEventException invalid(String reason) {
            return new InvalidEventException(
                    reason,
                    event.modelName,
                    event.modelVersion,
                    hasTimestamp ? event.timestamp : Rejection.NO_TIME);
        }
    }
}
