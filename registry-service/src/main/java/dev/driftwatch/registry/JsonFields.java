package dev.driftwatch.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * One JSON object of a request read strictly: only the fields it declares, each of its type. Every
 * refusal is a 400 that names the field by its path ({@code training.gpus}, {@code
 * candidate.roc_auc}), so a field in the wrong place is reported, never silently ignored.
 *
 * <pre>{@code
 * JsonFields body = JsonFields.of(json, "", Set.of("version", "metrics"));
 * String version = body.text("version");
 * Map<String, Double> metrics = body.numbers("metrics");
 * }</pre>
 */
public final class JsonFields {
    private final JsonNode node;
    private final String path;

    private JsonFields(JsonNode node, String path) {
        this.node = node;
        this.path = path;
    }

    /**
     * {@code node} as an object at {@code path} ("" for the body itself) with only the {@code
     * known} fields.
     */
    public static JsonFields of(JsonNode node, String path, Set<String> known) {
        if (node == null || !node.isObject()) {
            throw RegistryException.invalid(
                    (path.isEmpty() ? "the request body" : "'" + path + "'")
                            + " must be a JSON object");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!known.contains(f)) {
                throw RegistryException.invalid(
                        "unknown field '"
                                + join(path, f)
                                + "'"
                                + (path.isEmpty() ? "" : " in '" + path + "'")
                                + "; known: "
                                + String.join(", ", new TreeSet<>(known)));
            }
        }
        return new JsonFields(node, path);
    }

    /** An empty body (no bytes, or {@code {}}) or an object with only the {@code known} fields. */
    public static JsonFields ofOptional(JsonNode node, Set<String> known) {
        return node == null || node.isMissingNode() || node.isNull()
                ? new JsonFields(JsonNodeFactory.instance.objectNode(), "")
                : of(node, "", known);
    }

    /** The full path of a field of this object. */
    public String path(String field) {
        return join(path, field);
    }

    public boolean has(String field) {
        JsonNode v = node.get(field);
        return v != null && !v.isNull();
    }

    /** A required string. */
    public String text(String field) {
        String v = optText(field);
        if (v == null) {
            throw RegistryException.invalid(
                    "Missing value for required parameter '" + path(field) + "'.");
        }
        return v;
    }

    /** A string, or null when absent. */
    public String optText(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw wrongType(field, "a string", v);
        }
        return v.asText();
    }

    /** A finite number, or {@code dflt} when absent. */
    public double number(String field, double dflt) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        return finite(path(field), v);
    }

    /** A whole number of at least {@code min}, or {@code dflt} when absent. */
    public int wholeNumber(String field, int dflt, int min) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < min) {
            throw wrongType(field, "a whole number >= " + min, v);
        }
        return v.intValue();
    }

    /** true or false, or {@code dflt} when absent. */
    public boolean bool(String field, boolean dflt) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isBoolean()) {
            throw wrongType(field, "true or false", v);
        }
        return v.asBoolean();
    }

    /** An array of strings; empty when absent. */
    public List<String> strings(String field) {
        JsonNode v = node.get(field);
        List<String> out = new ArrayList<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (!v.isArray()) {
            throw wrongType(field, "an array of strings", v);
        }
        for (JsonNode e : v) {
            if (!e.isTextual()) {
                throw wrongType(field, "an array of strings", v);
            }
            out.add(e.asText());
        }
        return List.copyOf(out);
    }

    /** An object of strings; empty when absent. */
    public Map<String, String> stringMap(String field) {
        Map<String, String> out = new LinkedHashMap<>();
        object(field)
                .ifPresent(
                        o ->
                                o.node.fields()
                                        .forEachRemaining(
                                                e -> {
                                                    if (!e.getValue().isTextual()) {
                                                        throw o.wrongType(
                                                                e.getKey(),
                                                                "a string",
                                                                e.getValue());
                                                    }
                                                    out.put(e.getKey(), e.getValue().asText());
                                                }));
        return out;
    }

    /** An object of finite numbers ({@code {"roc_auc": 0.93}}); empty when absent. */
    public Map<String, Double> numbers(String field) {
        Map<String, Double> out = new LinkedHashMap<>();
        object(field)
                .ifPresent(
                        o ->
                                o.node.fields()
                                        .forEachRemaining(
                                                e ->
                                                        out.put(
                                                                e.getKey(),
                                                                finite(
                                                                        o.path(e.getKey()),
                                                                        e.getValue()))));
        return out;
    }

    /** An object whose fields may be anything, or empty when absent. */
    public Optional<JsonFields> object(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isObject()) {
            throw wrongType(field, "an object", v);
        }
        return Optional.of(new JsonFields(v, path(field)));
    }

    /** An object with only the {@code known} fields, or empty when absent. */
    public Optional<JsonFields> object(String field, Set<String> known) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? Optional.empty() : Optional.of(of(v, path(field), known));
    }

    /** The field names of this object, in order. */
    public List<String> fieldNames() {
        List<String> out = new ArrayList<>();
        node.fieldNames().forEachRemaining(out::add);
        return out;
    }

    /** The elements of an array of objects; empty when absent. */
    public List<JsonNode> array(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw wrongType(field, "an array", v);
        }
        List<JsonNode> out = new ArrayList<>();
        v.forEach(out::add);
        return out;
    }

    /** A refusal of {@code field}'s value, naming its path. */
    public RegistryException invalid(String field, String message) {
        return RegistryException.invalid("'" + path(field) + "' " + message);
    }

    private RegistryException wrongType(String field, String expected, JsonNode v) {
        return RegistryException.invalid(
                "'" + path(field) + "' must be " + expected + "; was " + clip(v.toString()));
    }

    private static double finite(String path, JsonNode v) {
        if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
            throw RegistryException.invalid(
                    "'" + path + "' must be a number; was " + clip(v.toString()));
        }
        return v.asDouble();
    }

    private static String join(String path, String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    private static String clip(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }
}
