package dev.driftwatch.ingest.formats;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What the normalization stage needs to know about a model beyond its payloads: its declared {@link
 * InputSchema} and its aliases (alias name to version), which give the version of a prediction
 * whose response does not name one. It is the record of the compacted input-schemas topic (key =
 * the model name), written by the registry when the schema is set or an alias moves, and read from
 * the start of the topic by the jobs. The JSON is defined here, once, for both.
 *
 * <pre>{@code
 * {"model_name": "fraud", "feature_names": ["amount", "country"], "prediction_output": null,
 *  "aliases": {"champion": "7", "challenger": "8"}}
 * }</pre>
 *
 * <pre>{@code
 * byte[] json = new InputSchemaUpdate("fraud", InputSchema.of(names, null), Map.of("champion", "7")).toJson();
 * InputSchemaUpdate read = InputSchemaUpdate.fromJson(json);
 * }</pre>
 *
 * @param modelName the model (registered model name)
 * @param schema the declared schema; {@link InputSchema#NONE} when none was declared
 * @param aliases alias to version, e.g. {@code champion -> 7}; empty when the model has none
 */
public record InputSchemaUpdate(String modelName, InputSchema schema, Map<String, String> aliases) {
    /** Most aliases one record may carry. */
    public static final int MAX_ALIASES = 1000;

    private static final int MAX_NAME = 256;
    private static final JsonFactory JSON =
            JsonFactory.builder()
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .streamReadConstraints(
                            StreamReadConstraints.builder().maxNestingDepth(8).build())
                    .build();

    /**
     * @throws IllegalArgumentException when a name is empty, longer than 256 characters or holds a
     *     control character, or there are more than {@value #MAX_ALIASES} aliases
     */
    public InputSchemaUpdate {
        Objects.requireNonNull(schema, "schema");
        checkName(modelName, "model name");
        if (aliases.size() > MAX_ALIASES) {
            throw new IllegalArgumentException(
                    "more than " + MAX_ALIASES + " aliases for model " + modelName);
        }
        for (Map.Entry<String, String> a : aliases.entrySet()) {
            checkName(a.getKey(), "alias");
            checkName(a.getValue(), "version of alias '" + a.getKey() + "'");
        }
        aliases = Collections.unmodifiableMap(new TreeMap<>(aliases));
    }

    /** The version alias {@code alias} points at, or null. */
    public String version(String alias) {
        return aliases.get(alias);
    }

    /** The record as UTF-8 JSON (aliases sorted by name). */
    public byte[] toJson() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("model_name", modelName);
            g.writeArrayFieldStart("feature_names");
            for (String n : schema.featureNames()) {
                g.writeString(n);
            }
            g.writeEndArray();
            if (schema.predictionOutput() == null) {
                g.writeNullField("prediction_output");
            } else {
                g.writeStringField("prediction_output", schema.predictionOutput());
            }
            g.writeObjectFieldStart("aliases");
            for (Map.Entry<String, String> a : aliases.entrySet()) {
                g.writeStringField(a.getKey(), a.getValue());
            }
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("cannot write JSON to memory", e);
        }
        return out.toByteArray();
    }

    /**
     * Reads a record; unknown fields are ignored (newer writers may add some).
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static InputSchemaUpdate fromJson(byte[] json) {
        if (json == null || json.length == 0) {
            throw new IllegalArgumentException("empty input schema record");
        }
        String model = null;
        List<String> features = List.of();
        String output = null;
        Map<String, String> aliases = Map.of();
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("an input schema record is a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                switch (field) {
                    case "model_name" -> model = string(p, t, field);
                    case "feature_names" -> features = strings(p, t);
                    case "prediction_output" ->
                            output = t == JsonToken.VALUE_NULL ? null : string(p, t, field);
                    case "aliases" -> aliases = aliases(p, t);
                    default -> p.skipChildren();
                }
            }
            if (p.nextToken() != null) {
                throw new IllegalArgumentException("trailing content after the JSON object");
            }
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "malformed input schema record: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("unreadable input schema record: " + e, e);
        }
        if (model == null) {
            throw new IllegalArgumentException("missing field 'model_name'");
        }
        return new InputSchemaUpdate(model, InputSchema.of(features, output), aliases);
    }

    private static String string(JsonParser p, JsonToken t, String field) throws IOException {
        if (t != JsonToken.VALUE_STRING) {
            throw new IllegalArgumentException("field '" + field + "' must be a string");
        }
        return p.getText();
    }

    private static List<String> strings(JsonParser p, JsonToken t) throws IOException {
        if (t != JsonToken.START_ARRAY) {
            throw new IllegalArgumentException("field 'feature_names' must be an array");
        }
        List<String> out = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (out.size() >= DecodeLimits.DEFAULTS.maxColumns()) {
                throw new IllegalArgumentException(
                        "more than " + DecodeLimits.DEFAULTS.maxColumns() + " feature names");
            }
            out.add(string(p, p.currentToken(), "feature_names[" + out.size() + "]"));
        }
        return out;
    }

    private static Map<String, String> aliases(JsonParser p, JsonToken t) throws IOException {
        if (t != JsonToken.START_OBJECT) {
            throw new IllegalArgumentException("field 'aliases' must be an object");
        }
        Map<String, String> out = new TreeMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String alias = p.currentName();
            if (out.size() >= MAX_ALIASES) {
                throw new IllegalArgumentException("more than " + MAX_ALIASES + " aliases");
            }
            out.put(alias, string(p, p.nextToken(), "aliases." + alias));
        }
        return out;
    }

    private static void checkName(String n, String what) {
        if (n == null || n.isEmpty()) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
        try {
            TextCheck.check(n, what, MAX_NAME);
        } catch (PayloadRejectedException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }
}
