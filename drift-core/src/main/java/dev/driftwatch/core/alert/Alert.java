package dev.driftwatch.core.alert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.driftwatch.core.DriftCoreException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * A Driftwatch alert, shaped as Prometheus Alertmanager's alert object: {@code status} (firing |
 * resolved), {@code labels} (alertname, severity, model_name, model_version, metric, feature,
 * segment), {@code annotations} (summary, description, runbook_url, and Driftwatch's value,
 * threshold, window_start, window_end), {@code startsAt}, {@code endsAt}, {@code generatorURL} and
 * {@code fingerprint}.
 *
 * <p>The fingerprint is Alertmanager's: FNV-1a 64 over the labels sorted by name (name, 0xff,
 * value, 0xff each), as 16 hex digits. It is PagerDuty's dedup_key; a resolved alert carries the
 * same one.
 *
 * <pre>{@code
 * Alert a = Alert.firing(labels, annotations, Instant.now(), "http://localhost:8081");
 * String json = a.toJson();
 * Alert back = Alert.fromJson(json);
 * }</pre>
 */
public record Alert(
        String status,
        Map<String, String> labels,
        Map<String, String> annotations,
        Instant startsAt,
        Instant endsAt,
        String generatorUrl,
        String fingerprint) {
    public static final String FIRING = "firing";
    public static final String RESOLVED = "resolved";

    /** Alertmanager's "no end yet" time, written as endsAt of a firing alert. */
    public static final Instant NO_END = Instant.parse("0001-01-01T00:00:00Z");

    private static final ObjectMapper MAPPER = new ObjectMapper();

    public Alert {
        if (!FIRING.equals(status) && !RESOLVED.equals(status)) {
            throw new DriftCoreException("alert: status must be firing or resolved, was " + status);
        }
        if (labels == null || !labels.containsKey(AlertLabels.ALERTNAME)) {
            throw new DriftCoreException("alert: labels.alertname is required");
        }
        if (startsAt == null) {
            throw new DriftCoreException("alert: startsAt is required");
        }
        labels = Collections.unmodifiableMap(new TreeMap<>(labels));
        annotations =
                Collections.unmodifiableMap(
                        new TreeMap<>(annotations == null ? Map.of() : annotations));
        endsAt = endsAt == null ? NO_END : endsAt;
        generatorUrl = generatorUrl == null ? "" : generatorUrl;
        String computed = fingerprint(labels);
        if (fingerprint != null && !fingerprint.isEmpty() && !fingerprint.equals(computed)) {
            throw new DriftCoreException(
                    "alert: fingerprint "
                            + fingerprint
                            + " does not match its labels ("
                            + computed
                            + ")");
        }
        fingerprint = computed;
    }

    /** A firing alert. */
    public static Alert firing(
            Map<String, String> labels,
            Map<String, String> annotations,
            Instant startsAt,
            String generatorUrl) {
        return new Alert(FIRING, labels, annotations, startsAt, NO_END, generatorUrl, null);
    }

    /** This alert, resolved at {@code endsAt}. */
    public Alert resolve(Instant endsAt, Map<String, String> newAnnotations) {
        return new Alert(
                RESOLVED, labels, newAnnotations, startsAt, endsAt, generatorUrl, fingerprint);
    }

    public boolean isFiring() {
        return FIRING.equals(status);
    }

    /** A label, or "" when absent. */
    public String label(String name) {
        return labels.getOrDefault(name, "");
    }

    /** Alertmanager's fingerprint of a label set. */
    public static String fingerprint(Map<String, String> labels) {
        long hash = 0xcbf29ce484222325L;
        for (Map.Entry<String, String> e : new TreeMap<>(labels).entrySet()) {
            hash = fnv(hash, e.getKey().getBytes(StandardCharsets.UTF_8));
            hash = fnv(hash, new byte[] {(byte) 0xff});
            hash = fnv(hash, e.getValue().getBytes(StandardCharsets.UTF_8));
            hash = fnv(hash, new byte[] {(byte) 0xff});
        }
        return String.format("%016x", hash);
    }

    private static long fnv(long hash, byte[] bytes) {
        for (byte b : bytes) {
            hash ^= (b & 0xff);
            hash *= 0x100000001b3L;
        }
        return hash;
    }

    /** The JSON object (Alertmanager field names). */
    public ObjectNode toJsonNode() {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("status", status);
        ObjectNode l = n.putObject("labels");
        labels.forEach(l::put);
        ObjectNode a = n.putObject("annotations");
        annotations.forEach(a::put);
        n.put("startsAt", startsAt.toString());
        n.put("endsAt", endsAt.toString());
        n.put("generatorURL", generatorUrl);
        n.put("fingerprint", fingerprint);
        return n;
    }

    public String toJson() {
        try {
            return MAPPER.writeValueAsString(toJsonNode());
        } catch (JsonProcessingException e) {
            throw new DriftCoreException("cannot write alert", e);
        }
    }

    public static Alert fromJson(String json) {
        try {
            return fromJsonNode(MAPPER.readTree(json));
        } catch (JsonProcessingException e) {
            throw new DriftCoreException("alert: not valid JSON: " + e.getOriginalMessage());
        }
    }

    /**
     * Reads an alert object as Alertmanager and Driftwatch write it; a missing status is "firing",
     * a missing or wrong fingerprint is recomputed only when absent (a wrong one is an error).
     */
    public static Alert fromJsonNode(JsonNode n) {
        if (n == null || !n.isObject()) {
            throw new DriftCoreException("alert: expected a JSON object");
        }
        String status = n.path("status").asText(FIRING);
        return new Alert(
                status,
                stringMap(n.get("labels"), "labels"),
                stringMap(n.get("annotations"), "annotations"),
                instant(n.get("startsAt"), "startsAt"),
                n.hasNonNull("endsAt") ? instant(n.get("endsAt"), "endsAt") : null,
                n.path("generatorURL").asText(""),
                n.path("fingerprint").asText(""));
    }

    private static Map<String, String> stringMap(JsonNode node, String field) {
        Map<String, String> m = new TreeMap<>();
        if (node == null || node.isNull()) {
            return m;
        }
        if (!node.isObject()) {
            throw new DriftCoreException("alert: " + field + " must be an object");
        }
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isValueNode()) {
                throw new DriftCoreException(
                        "alert: " + field + "." + e.getKey() + " must be a string");
            }
            m.put(e.getKey(), e.getValue().asText());
        }
        return m;
    }

    private static Instant instant(JsonNode node, String field) {
        if (node == null || !node.isTextual()) {
            throw new DriftCoreException("alert: " + field + " is required (RFC 3339)");
        }
        try {
            return java.time.OffsetDateTime.parse(node.asText()).toInstant();
        } catch (DateTimeParseException e) {
            throw new DriftCoreException(
                    "alert: " + field + " is not an RFC 3339 time: " + node.asText());
        }
    }
}
