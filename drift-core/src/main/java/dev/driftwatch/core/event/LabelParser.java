package dev.driftwatch.core.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.OffsetDateTime;

/**
 * Parses and validates the label contract: {@code prediction_id}, {@code model_name}, {@code
 * timestamp} (RFC 3339 or epoch ms) and exactly one of {@code label} (string, number or boolean) or
 * {@code value} (number, for regression); names, the label, the value and the timestamp within the
 * {@link EventLimits}.
 *
 * <pre>{@code
 * LabelEvent label = new LabelParser(1 << 16, EventLimits.defaults()).parse(bytes, now);
 * }</pre>
 */
public final class LabelParser {
    private static final JsonFactory JSON =
            JsonFactory.builder().enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER).build();

    private final int maxBytes;
    private final EventLimits limits;

    public LabelParser(int maxBytes) {
        this(maxBytes, EventLimits.defaults());
    }

    public LabelParser(int maxBytes, EventLimits limits) {
        this.maxBytes = maxBytes;
        this.limits = limits;
    }

    /** Parses a label at the processing time of the system clock. */
    public LabelEvent parse(byte[] bytes) throws InvalidEventException {
        return parse(bytes, System.currentTimeMillis());
    }

    /**
     * Parses and validates a label.
     *
     * @param now the processing time (epoch ms) that bounds the label's timestamp
     * @throws InvalidEventException with the reason
     */
    public LabelEvent parse(byte[] bytes, long now) throws InvalidEventException {
        LabelEvent e = new LabelEvent();
        boolean hasTimestamp = false;
        boolean hasValue = false;
        if (bytes == null || bytes.length == 0) {
            throw invalid("empty record", e, false);
        }
        if (bytes.length > maxBytes) {
            throw invalid(
                    "record of " + bytes.length + " bytes exceeds the limit of " + maxBytes,
                    e,
                    false);
        }
        try (JsonParser json = JSON.createParser(bytes)) {
            if (json.nextToken() != JsonToken.START_OBJECT) {
                throw invalid("not a JSON object", e, false);
            }
            java.util.Set<String> seen = new java.util.HashSet<>(8);
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String field = json.currentName();
                if (!seen.add(field)) {
                    throw invalid("duplicate field '" + field + "'", e, false);
                }
                JsonToken t = json.nextToken();
                switch (field) {
                    case "prediction_id" -> e.predictionId = text(json, t, field, e, hasTimestamp);
                    case "model_name" -> e.modelName = text(json, t, field, e, hasTimestamp);
                    case "timestamp" -> {
                        if (t == JsonToken.VALUE_NUMBER_INT) {
                            e.timestamp = json.getLongValue();
                        } else if (t == JsonToken.VALUE_STRING) {
                            try {
                                e.timestamp =
                                        OffsetDateTime.parse(json.getText())
                                                .toInstant()
                                                .toEpochMilli();
                            } catch (DateTimeException | ArithmeticException ex) {
                                throw invalid(
                                        "unparseable timestamp '"
                                                + JsonEventDecoder.truncate(json.getText())
                                                + "'",
                                        e,
                                        false);
                            }
                        } else {
                            throw invalid(
                                    "field 'timestamp' must be an RFC 3339 string or epoch milliseconds",
                                    e,
                                    false);
                        }
                        String problem = limits.timestampProblem(e.timestamp, now);
                        if (problem != null) {
                            throw invalid(problem, e, false);
                        }
                        hasTimestamp = true;
                    }
                    case "label" -> {
                        if (t == JsonToken.VALUE_STRING
                                || t == JsonToken.VALUE_NUMBER_INT
                                || t == JsonToken.VALUE_NUMBER_FLOAT
                                || t == JsonToken.VALUE_TRUE
                                || t == JsonToken.VALUE_FALSE) {
                            e.label = json.getText();
                            if (!EventLimits.isName(e.label)) {
                                throw invalid(
                                        EventLimits.nameProblem("field 'label'", e.label),
                                        e,
                                        hasTimestamp);
                            }
                        } else {
                            throw invalid(
                                    "field 'label' must be a string, number or boolean",
                                    e,
                                    hasTimestamp);
                        }
                    }
                    case "value" -> {
                        if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
                            e.value = json.getDoubleValue();
                            hasValue = true;
                        } else {
                            throw invalid("field 'value' must be a number", e, hasTimestamp);
                        }
                    }
                    default -> json.skipChildren();
                }
            }
            if (json.nextToken() != null) {
                throw invalid("trailing content after the JSON object", e, hasTimestamp);
            }
        } catch (IOException ex) {
            throw invalid(
                    "malformed JSON: "
                            + (ex.getMessage() == null
                                    ? ""
                                    : ex.getMessage().lines().findFirst().orElse("")),
                    e,
                    false);
        }
        for (String[] f :
                new String[][] {{e.predictionId, "prediction_id"}, {e.modelName, "model_name"}}) {
            if (f[0] == null || f[0].isEmpty()) {
                throw invalid("missing required field '" + f[1] + "'", e, hasTimestamp);
            }
        }
        if (!hasTimestamp) {
            throw invalid("missing required field 'timestamp'", e, false);
        }
        if (e.label == null && !hasValue) {
            throw invalid(
                    "a label needs 'label' (classification) or 'value' (regression)", e, true);
        }
        if (e.label != null && hasValue) {
            throw invalid("a label has either 'label' or 'value', not both", e, true);
        }
        if (hasValue && !Double.isFinite(e.value)) {
            throw invalid("field 'value' must be finite", e, true);
        }
        return e;
    }

    private static String text(JsonParser json, JsonToken t, String field, LabelEvent e, boolean ts)
            throws IOException, InvalidEventException {
        if (t != JsonToken.VALUE_STRING) {
            throw invalid("field '" + field + "' must be a string", e, ts);
        }
        String value = json.getText();
        if (!EventLimits.isName(value)) {
            throw invalid(EventLimits.nameProblem("field '" + field + "'", value), e, ts);
        }
        return value;
    }

    private static InvalidEventException invalid(
            String reason, LabelEvent e, boolean hasTimestamp) {
        return new InvalidEventException(
                reason, e.modelName, null, hasTimestamp ? e.timestamp : Rejection.NO_TIME);
    }
}
