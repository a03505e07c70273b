package dev.driftwatch.core.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;

/**
 * Parses and validates the prediction/feature event contract (docs/drift-job.md, "Events") with
 * Jackson's streaming parser and its fast double parser: one pass, no tree.
 *
 * <p>Required: {@code prediction_id}, {@code model_name}, {@code model_version} (strings; a number
 * is accepted for the version), {@code timestamp} (RFC 3339 string or epoch milliseconds) and
 * {@code features} (an object of numbers, strings, booleans or nulls). Optional: {@code prediction}
 * ({@code score} number, {@code label} string or number) and {@code tags} (an object of strings).
 * Unknown top-level fields are ignored.
 *
 * <pre>{@code
 * EventParser parser = new EventParser(List.of("region"), 1 << 20);
 * PredictionEvent e = parser.parse(bytes); // throws InvalidEventException with the reason
 * }</pre>
 */
public final class EventParser {
    private static final JsonFactory JSON =
            JsonFactory.builder().enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER).build();

    private final String[] segmentTags;
    private final int maxBytes;

    /**
     * @param segmentTags tag keys whose values, joined with "|", form the segment (empty: none)
     * @param maxBytes larger records are rejected
     */
    public EventParser(List<String> segmentTags, int maxBytes) {
        this.segmentTags = segmentTags.toArray(new String[0]);
        this.maxBytes = maxBytes;
    }

    public PredictionEvent parse(byte[] bytes) throws InvalidEventException {
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
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String field = json.currentName();
                JsonToken t = json.nextToken();
                switch (field) {
                    case "prediction_id" -> p.event.predictionId = text(json, t, field, p, false);
                    case "model_name" -> p.event.modelName = text(json, t, field, p, false);
                    case "model_version" -> p.event.modelVersion = text(json, t, field, p, true);
                    case "timestamp" -> {
                        p.event.timestamp = timestamp(json, t, p);
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
        int n = p.count + (p.hasScore ? 1 : 0) + (p.label != null ? 1 : 0);
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
        }
        p.event.featureNames = names;
        p.event.numbers = numbers;
        p.event.strings = strings;
        p.event.segment = segment(p);
        return p.event;
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

    private static String text(
            JsonParser json, JsonToken t, String field, Partial p, boolean numberAllowed)
            throws IOException, InvalidEventException {
        if (t == JsonToken.VALUE_STRING) {
            return json.getText();
        }
        if (numberAllowed && t == JsonToken.VALUE_NUMBER_INT) {
            return json.getText();
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
            } catch (DateTimeParseException e) {
                throw p.invalid(
                        "unparseable timestamp '" + truncate(s) + "' (RFC 3339 or epoch ms)");
            }
        }
        throw p.invalid("field 'timestamp' must be an RFC 3339 string or epoch milliseconds");
    }

    private static void readFeatures(JsonParser json, JsonToken t, Partial p)
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
                    p.numbers[i] = json.getDoubleValue();
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

    private static void readPrediction(JsonParser json, JsonToken t, Partial p)
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
                } else if (v != JsonToken.VALUE_NULL) {
                    throw p.invalid("field 'prediction.label' must be a string or number");
                }
            } else {
                json.skipChildren();
            }
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
            p.tags.put(name, v == JsonToken.VALUE_NULL ? null : json.getText());
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

    private static String truncate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "…";
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
        java.util.Map<String, String> tags;

        InvalidEventException invalid(String reason) {
            return new InvalidEventException(
                    reason,
                    event.modelName,
                    event.modelVersion,
                    hasTimestamp ? event.timestamp : Long.MIN_VALUE);
        }
    }
}
