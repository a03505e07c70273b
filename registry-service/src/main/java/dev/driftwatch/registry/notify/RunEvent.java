package dev.driftwatch.registry.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.driftwatch.core.alert.Severity;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A retraining run's notable state change, as routes see it: a run that was {@code launched},
 * {@code failed}, {@code rejected} or {@code promoted}. Routes match it like an alert with labels
 * {@code alertname} = {@value #ALERTNAME}, {@code model_name} = the run's model and {@code
 * severity} = {@link #severityOf(String)}. It is stored with each delivery ({@code
 * deliveries.payload}, format version 1), so a message sent after retries shows the run as it was
 * when the event happened.
 *
 * <pre>{@code
 * RunEvent e = new RunEvent(7, "fraud", RunEvent.PROMOTED, Instant.now(), 1, 2, "5caa5447f3511a27",
 *         "alert", "champion moved from version 1 to version 2", null, List.of());
 * route.matches(e.modelName(), e.severity(), RunEvent.ALERTNAME);
 * }</pre>
 *
 * @param runId the retrain run's id
 * @param modelName the run's model
 * @param event {@code launched}, {@code failed}, {@code rejected} or {@code promoted}
 * @param at when the run changed state
 * @param championVersion the champion when the run was requested, null when there was none
 * @param candidateVersion the version the trainer registered, null before it did
 * @param triggerFingerprint the alert that requested the run, null for a run requested by hand
 * @param requestedBy who requested it (a token name, or {@code alert})
 * @param detail the transition's detail (launch, gates summary, promotion, failure)
 * @param failureReason why a failed run failed, null otherwise
 * @param gates the validation gates' verdicts, empty before validation
 */
public record RunEvent(
        long runId,
        String modelName,
        String event,
        Instant at,
        Integer championVersion,
        Integer candidateVersion,
        String triggerFingerprint,
        String requestedBy,
        String detail,
        String failureReason,
        List<Gate> gates) {
    /** The {@code alertname} a route matches run events with. */
    public static final String ALERTNAME = "RetrainRun";

    public static final String LAUNCHED = "launched";
    public static final String FAILED = "failed";
    public static final String REJECTED = "rejected";
    public static final String PROMOTED = "promoted";

    /** The run states that notify. */
    public static final Set<String> EVENTS = Set.of(LAUNCHED, FAILED, REJECTED, PROMOTED);

    /** One gate's verdict, as shown in messages. */
    public record Gate(
            String gate,
            String metric,
            boolean passed,
            Double observed,
            Double threshold,
            Double championValue,
            String detail) {}

    public RunEvent {
        if (!EVENTS.contains(event)) {
            throw new IllegalArgumentException(
                    "run event must be one of " + EVENTS + "; was " + event);
        }
        gates = List.copyOf(gates);
    }

    /**
     * {@code info} for launched and promoted, {@code warning} for rejected, {@code error} for
     * failed.
     */
    public static String severityOf(String event) {
        return switch (event) {
            case FAILED -> Severity.ERROR.label();
            case REJECTED -> Severity.WARNING.label();
            default -> Severity.INFO.label();
        };
    }

    public String severity() {
        return severityOf(event);
    }

    /** The PagerDuty dedup key of a run's incident: {@code retrain-run-<id>}. */
    public static String dedupKey(long runId) {
        return "retrain-run-" + runId;
    }

    /** "2 of 3 gate(s) passed; failed: max_value latency_p99_ms", or "" without gates. */
    public String gatesSummary() {
        if (gates.isEmpty()) {
            return "";
        }
        List<String> failed = new ArrayList<>();
        for (Gate g : gates) {
            if (!g.passed()) {
                failed.add(g.gate() + " " + g.metric());
            }
        }
        return (gates.size() - failed.size())
                + " of "
                + gates.size()
                + " gate(s) passed"
                + (failed.isEmpty() ? "" : "; failed: " + String.join(", ", failed));
    }

    /** The event as JSON (the webhook's {@code retrain_run} and the stored payload). */
    public ObjectNode toJsonNode() {
        ObjectNode n = MessageText.MAPPER.createObjectNode();
        n.put("format_version", 1);
        n.put("run_id", runId);
        n.put("model_name", modelName);
        n.put("event", event);
        n.put("severity", severity());
        n.put("at", at.toString());
        n.put("champion_version", championVersion);
        n.put("candidate_version", candidateVersion);
        n.put("trigger_fingerprint", triggerFingerprint);
        n.put("requested_by", requestedBy);
        n.put("detail", detail);
        n.put("failure_reason", failureReason);
        n.put("gates_summary", gatesSummary());
        ArrayNode arr = n.putArray("gates");
        for (Gate g : gates) {
            arr.addObject()
                    .put("gate", g.gate())
                    .put("metric", g.metric())
                    .put("passed", g.passed())
                    .put("observed", g.observed())
                    .put("threshold", g.threshold())
                    .put("champion_value", g.championValue())
                    .put("detail", g.detail());
        }
        return n;
    }

    public String toJson() {
        return toJsonNode().toString();
    }

    /** Reads {@link #toJson()}'s output. */
    public static RunEvent fromJson(String json) {
        JsonNode n;
        try {
            n = MessageText.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException("stored run event is unreadable", e);
        }
        if (n.path("format_version").asInt() != 1) {
            throw new IllegalStateException(
                    "stored run event has format version "
                            + n.path("format_version")
                            + "; this registry reads 1");
        }
        List<Gate> gates = new ArrayList<>();
        for (JsonNode g : n.path("gates")) {
            gates.add(
                    new Gate(
                            g.path("gate").asText(),
                            g.path("metric").asText(),
                            g.path("passed").asBoolean(),
                            number(g.get("observed")),
                            number(g.get("threshold")),
                            number(g.get("champion_value")),
                            g.path("detail").asText()));
        }
        return new RunEvent(
                n.path("run_id").asLong(),
                n.path("model_name").asText(),
                n.path("event").asText(),
                Instant.parse(n.path("at").asText()),
                integer(n.get("champion_version")),
                integer(n.get("candidate_version")),
                text(n.get("trigger_fingerprint")),
                n.path("requested_by").asText(),
                n.path("detail").asText(),
                text(n.get("failure_reason")),
                gates);
    }

    private static Double number(JsonNode n) {
        return n == null || n.isNull() ? null : n.asDouble();
    }

    private static Integer integer(JsonNode n) {
        return n == null || n.isNull() ? null : n.asInt();
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() ? null : n.asText();
    }
}
