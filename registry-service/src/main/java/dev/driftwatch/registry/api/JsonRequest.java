package dev.driftwatch.registry.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.driftwatch.registry.ErrorCode;
import dev.driftwatch.registry.RegistryException;
import dev.driftwatch.registry.model.Tag;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A request's parameters: the JSON body, or for GET (and bodiless DELETE) the query string, as
 * MLflow clients send them; typed getters answer INVALID_PARAMETER_VALUE on a wrong type.
 */
public final class JsonRequest {
    /**
     * Strict: trailing content after the JSON value and a key given twice in one object are refused
     * (a body means one thing only).
     */
    static final ObjectMapper MAPPER =
            com.fasterxml.jackson.databind.json.JsonMapper.builder()
                    .enable(
                            com.fasterxml.jackson.databind.DeserializationFeature
                                    .FAIL_ON_TRAILING_TOKENS)
                    .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .build();

    private final ObjectNode body;
    private final Map<String, List<String>> query;

    private JsonRequest(ObjectNode body, Map<String, List<String>> query) {
        this.body = body;
        this.query = query;
    }

    /** Reads the body (at most {@code maxBytes}) or, when it is empty, the query string. */
    public static JsonRequest of(Context ctx, int maxBytes) {
        byte[] bytes = readBody(ctx, maxBytes);
        if (bytes.length == 0 || isBlank(bytes)) {
            return new JsonRequest(null, ctx.queryParamMap());
        }
        JsonNode node = parse(bytes);
        if (!node.isObject()) {
            throw RegistryException.invalid("request body must be a JSON object");
        }
        return new JsonRequest((ObjectNode) node, ctx.queryParamMap());
    }

    /** The raw body, refusing more than {@code maxBytes} with 413. */
    public static byte[] readBody(Context ctx, int maxBytes) {
        long declared = ctx.contentLength();
        if (declared > maxBytes) {
            throw tooLarge(declared, maxBytes);
        }
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] bytes = in.readNBytes(maxBytes + 1);
            if (bytes.length > maxBytes) {
                throw tooLarge(-1, maxBytes);
            }
            return bytes;
        } catch (IOException e) {
            throw new RegistryException(
                    ErrorCode.BAD_REQUEST, "could not read the request body: " + e.getMessage());
        }
    }

    /**
     * The body as JSON, or null when it is empty (a POST that needs no body may still send one).
     */
    public static JsonNode optionalBody(Context ctx, int maxBytes) {
        byte[] bytes = readBody(ctx, maxBytes);
        return bytes.length == 0 || isBlank(bytes) ? null : parse(bytes);
    }

    public static JsonNode parse(byte[] bytes) {
        try {
            JsonNode node = MAPPER.readTree(bytes);
            if (node == null || node.isMissingNode()) {
                throw RegistryException.invalid("request body is empty; expected JSON");
            }
            refuseNul(node, "");
            return node;
        } catch (JsonProcessingException e) {
            throw RegistryException.invalid(
                    "request body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw RegistryException.invalid("request body could not be read: " + e.getMessage());
        }
    }

    /**
     * Refuses a NUL character in any name or text of the body (PostgreSQL stores none; nesting is
     * bounded by the parser's depth limit).
     */
    private static void refuseNul(JsonNode node, String path) {
        if (node.isTextual() && node.textValue().indexOf('\0') >= 0) {
            throw RegistryException.invalid(
                    "'" + (path.isEmpty() ? "body" : path) + "' contains a NUL character");
        }
        if (node.isObject()) {
            var fields = node.fields();
            while (fields.hasNext()) {
                var f = fields.next();
                if (f.getKey().indexOf('\0') >= 0) {
                    throw RegistryException.invalid("a field name contains a NUL character");
                }
                refuseNul(f.getValue(), path.isEmpty() ? f.getKey() : path + "." + f.getKey());
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                refuseNul(node.get(i), path + "[" + i + "]");
            }
        }
    }

    private static RegistryException tooLarge(long declared, int maxBytes) {
        return new RegistryException(
                ErrorCode.REQUEST_TOO_LARGE,
                "request body "
                        + (declared > 0 ? "is " + declared + " bytes" : "is too large")
                        + "; the limit is "
                        + maxBytes
                        + " bytes");
    }

    private static boolean isBlank(byte[] bytes) {
        for (byte b : bytes) {
            if (!Character.isWhitespace(b)) {
                return false;
            }
        }
        return true;
    }

    /** A required string parameter. */
    public String string(String field) {
        String v = optionalString(field);
        if (v == null) {
            throw RegistryException.invalid(
                    "Missing value for required parameter '" + field + "'.");
        }
        return v;
    }

    /** An optional string parameter, or null. */
    public String optionalString(String field) {
        if (body != null) {
            JsonNode n = body.get(field);
            if (n == null || n.isNull()) {
                return null;
            }
            if (!n.isTextual()) {
                throw RegistryException.invalid(
                        "Invalid value "
                                + n
                                + " for parameter '"
                                + field
                                + "': expected a string, got "
                                + n.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
            }
            return n.asText();
        }
        List<String> values = query.get(field);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** An optional integer parameter (JSON number, or a number in a string), or null. */
    public Integer optionalInt(String field) {
        if (body != null) {
            JsonNode n = body.get(field);
            if (n == null || n.isNull()) {
                return null;
            }
            if (n.isIntegralNumber() && n.canConvertToInt()) {
                return n.intValue();
            }
            if (n.isTextual()) {
                return parseInt(field, n.asText());
            }
            throw RegistryException.invalid(
                    "Invalid value " + n + " for parameter '" + field + "': expected an integer");
        }
        List<String> values = query.get(field);
        return values == null || values.isEmpty() ? null : parseInt(field, values.get(0));
    }

    /** A list of strings: a JSON array, or a repeated query parameter. */
    public List<String> strings(String field) {
        List<String> out = new ArrayList<>();
        if (body != null) {
            JsonNode n = body.get(field);
            if (n == null || n.isNull()) {
                return out;
            }
            if (!n.isArray()) {
                throw RegistryException.invalid(
                        "Invalid value for parameter '"
                                + field
                                + "': expected an array of strings");
            }
            for (JsonNode e : n) {
                if (!e.isTextual()) {
                    throw RegistryException.invalid(
                            "Invalid value for parameter '"
                                    + field
                                    + "': expected an array of strings");
                }
                out.add(e.asText());
            }
            return out;
        }
        List<String> values = query.get(field);
        return values == null ? out : new ArrayList<>(values);
    }

    /** MLflow tags: {@code [{"key": ..., "value": ...}]}. */
    public List<Tag> tags() {
        List<Tag> out = new ArrayList<>();
        if (body == null || body.get("tags") == null || body.get("tags").isNull()) {
            return out;
        }
        JsonNode n = body.get("tags");
        if (!n.isArray()) {
            throw RegistryException.invalid(
                    "Invalid value for parameter 'tags': expected an array of {key, value}");
        }
        for (JsonNode t : n) {
            if (!t.isObject()
                    || !t.path("key").isTextual()
                    || !(t.path("value").isTextual() || t.path("value").isMissingNode())) {
                throw RegistryException.invalid(
                        "Invalid tag " + t + ": expected {\"key\": string, \"value\": string}");
            }
            out.add(new Tag(t.get("key").asText(), t.path("value").asText("")));
        }
        return out;
    }

    private static Integer parseInt(String field, String s) {
        try {
            return Integer.parseInt(s.strip());
        } catch (NumberFormatException e) {
            throw RegistryException.invalid(
                    "Invalid value '" + s + "' for parameter '" + field + "': expected an integer");
        }
    }
}
