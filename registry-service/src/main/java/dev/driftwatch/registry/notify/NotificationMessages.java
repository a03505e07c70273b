package dev.driftwatch.registry.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.driftwatch.core.alert.Alert;
import java.util.Locale;
import java.util.Map;

/**
 * The bodies sent to receivers: Slack Block Kit with a text fallback, PagerDuty Events API v2
 * trigger/resolve, and Driftwatch's generic webhook JSON.
 */
public final class NotificationMessages {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private NotificationMessages() {}

    /** One line: "[FIRING] fraud v7 amount psi 0.31 (threshold 0.2): summary". */
    static String headline(Alert a) {
        StringBuilder s = new StringBuilder();
        s.append('[').append(a.status().toUpperCase(Locale.ROOT)).append("] ");
        s.append(a.label("alertname"));
        if (!a.label("model_name").isEmpty()) {
            s.append(" on ").append(a.label("model_name"));
            if (!a.label("model_version").isEmpty()) {
                s.append(" v").append(a.label("model_version"));
            }
        }
        if (!a.label("feature").isEmpty()) {
            s.append(", feature ").append(a.label("feature"));
        }
        String value = a.annotations().get("value");
        if (value != null) {
            s.append(": ").append(a.label("metric").isEmpty() ? "value" : a.label("metric"));
            s.append(' ').append(value);
            String threshold = a.annotations().get("threshold");
            if (threshold != null) {
                s.append(" vs threshold ").append(threshold);
            }
        }
        String summary = a.annotations().get("summary");
        if (summary != null && !summary.isEmpty()) {
            s.append(" - ").append(summary);
        }
        return s.toString();
    }

    /** A Slack incoming-webhook message: Block Kit blocks and the {@code text} fallback. */
    public static ObjectNode slack(Alert a) {
        ObjectNode msg = MAPPER.createObjectNode();
        msg.put("text", headline(a));
        ArrayNode blocks = msg.putArray("blocks");
        ObjectNode header = blocks.addObject().put("type", "header");
        header.putObject("text")
                .put("type", "plain_text")
                .put(
                        "text",
                        clip(
                                (a.isFiring() ? "Firing: " : "Resolved: ") + a.label("alertname"),
                                150));
        String summary = a.annotations().getOrDefault("summary", "");
        if (!summary.isEmpty()) {
            ObjectNode section = blocks.addObject().put("type", "section");
            section.putObject("text").put("type", "mrkdwn").put("text", clip(summary, 3000));
        }
        ObjectNode fields = blocks.addObject().put("type", "section");
        ArrayNode f = fields.putArray("fields");
        field(f, "Model", a.label("model_name"));
        field(f, "Version", a.label("model_version"));
        field(f, "Feature", a.label("feature"));
        field(f, "Severity", a.label("severity"));
        String value = a.annotations().get("value");
        String threshold = a.annotations().get("threshold");
        if (value != null) {
            field(
                    f,
                    (a.label("metric").isEmpty() ? "Value" : a.label("metric")) + " vs threshold",
                    value + " vs " + (threshold == null ? "-" : threshold));
        }
        String windowStart = a.annotations().get("window_start");
        if (windowStart != null) {
            field(
                    f,
                    "Window",
                    windowStart + " - " + a.annotations().getOrDefault("window_end", ""));
        }
        if (f.isEmpty()) {
            fields.remove("fields");
            fields.putObject("text").put("type", "mrkdwn").put("text", headline(a));
        }
        String runbook = a.annotations().get("runbook_url");
        if (runbook != null && !runbook.isEmpty()) {
            ObjectNode actions = blocks.addObject().put("type", "actions");
            ObjectNode button = actions.putArray("elements").addObject().put("type", "button");
            button.putObject("text").put("type", "plain_text").put("text", "Runbook");
            button.put("url", runbook);
        }
        return msg;
    }

    private static void field(ArrayNode fields, String name, String value) {
        if (value != null && !value.isEmpty() && fields.size() < 10) {
            fields.addObject()
                    .put("type", "mrkdwn")
                    .put("text", "*" + name + "*\n" + clip(value, 1900));
        }
    }

    /** PagerDuty's severity for ours (critical, error, warning, info); anything else is warning. */
    static String pagerDutySeverity(String severity) {
        return switch (severity) {
            case "critical", "error", "warning", "info" -> severity;
            default -> "warning";
        };
    }

    /** A PagerDuty Events API v2 event: trigger for a firing alert, resolve for a resolved one. */
    public static ObjectNode pagerDuty(Alert a, String routingKey) {
        ObjectNode e = MAPPER.createObjectNode();
        e.put("routing_key", routingKey);
        e.put("event_action", a.isFiring() ? "trigger" : "resolve");
        e.put("dedup_key", a.fingerprint());
        if (!a.isFiring()) {
            return e;
        }
        ObjectNode p = e.putObject("payload");
        p.put("summary", clip(headline(a), 1024));
        p.put("source", a.label("model_name").isEmpty() ? "driftwatch" : a.label("model_name"));
        p.put("severity", pagerDutySeverity(a.label("severity")));
        p.put("timestamp", a.startsAt().toString());
        if (!a.label("feature").isEmpty()) {
            p.put("component", a.label("feature"));
        }
        if (!a.label("model_name").isEmpty()) {
            p.put("group", a.label("model_name"));
        }
        if (!a.label("metric").isEmpty()) {
            p.put("class", a.label("metric"));
        }
        ObjectNode details = p.putObject("custom_details");
        putNumberOrText(details, "value", a.annotations().get("value"));
        putNumberOrText(details, "threshold", a.annotations().get("threshold"));
        for (Map.Entry<String, String> l : a.labels().entrySet()) {
            details.put(l.getKey(), l.getValue());
        }
        for (String k : new String[] {"window_start", "window_end", "description"}) {
            if (a.annotations().containsKey(k)) {
                details.put(k, a.annotations().get(k));
            }
        }
        String runbook = a.annotations().get("runbook_url");
        if (runbook != null && !runbook.isEmpty()) {
            e.putArray("links").addObject().put("href", runbook).put("text", "Runbook");
        }
        e.put("client", "Driftwatch");
        if (!a.generatorUrl().isEmpty()) {
            e.put("client_url", a.generatorUrl());
        }
        return e;
    }

    /** Driftwatch's generic webhook body: the event and the alert in Alertmanager's shape. */
    public static ObjectNode webhook(Alert a, String event) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("version", "1");
        n.put("event", event);
        n.set("alert", a.toJsonNode());
        return n;
    }

    /**
     * One line: "[PROMOTED] retrain run 7 of fraud: candidate v2, champion v1 - 3 of 3 gate(s)
     * passed".
     */
    static String headline(RunEvent e) {
        StringBuilder s = new StringBuilder();
        s.append('[').append(e.event().toUpperCase(Locale.ROOT)).append("] retrain run ");
        s.append(e.runId()).append(" of ").append(e.modelName());
        s.append(": candidate ").append(version(e.candidateVersion()));
        s.append(", champion ").append(version(e.championVersion()));
        String why = e.failureReason() != null ? e.failureReason() : e.gatesSummary();
        if (why.isEmpty()) {
            why = e.detail();
        }
        if (!why.isEmpty()) {
            s.append(" - ").append(why);
        }
        return s.toString();
    }

    private static String version(Integer v) {
        return v == null ? "none" : "v" + v;
    }

    /**
     * A Slack message for a retraining run's event: header, the detail, fields (run, model, state,
     * candidate and champion versions, trigger alert), the gates or the failure reason, and the
     * {@code text} fallback.
     */
    public static ObjectNode slack(RunEvent e) {
        ObjectNode msg = MAPPER.createObjectNode();
        msg.put("text", clip(headline(e), 3000));
        ArrayNode blocks = msg.putArray("blocks");
        ObjectNode header = blocks.addObject().put("type", "header");
        header.putObject("text")
                .put("type", "plain_text")
                .put(
                        "text",
                        clip(
                                "Retraining "
                                        + e.event()
                                        + ": "
                                        + e.modelName()
                                        + " (run "
                                        + e.runId()
                                        + ")",
                                150));
        if (!e.detail().isEmpty()) {
            blocks.addObject()
                    .put("type", "section")
                    .putObject("text")
                    .put("type", "mrkdwn")
                    .put("text", clip(e.detail(), 3000));
        }
        ObjectNode fields = blocks.addObject().put("type", "section");
        ArrayNode f = fields.putArray("fields");
        field(f, "Run", String.valueOf(e.runId()));
        field(f, "Model", e.modelName());
        field(f, "State", e.event());
        field(f, "Candidate version", version(e.candidateVersion()));
        field(f, "Champion version", version(e.championVersion()));
        field(
                f,
                "Trigger alert",
                e.triggerFingerprint() != null
                        ? e.triggerFingerprint()
                        : "none (requested by " + e.requestedBy() + ")");
        if (e.failureReason() != null && !e.failureReason().isEmpty()) {
            blocks.addObject()
                    .put("type", "section")
                    .putObject("text")
                    .put("type", "mrkdwn")
                    .put("text", clip("*Failure reason*\n" + e.failureReason(), 3000));
        } else if (!e.gates().isEmpty()) {
            StringBuilder g = new StringBuilder("*Gates*: ").append(e.gatesSummary());
            for (RunEvent.Gate gate : e.gates()) {
                g.append("\n")
                        .append(gate.passed() ? ":white_check_mark: " : ":x: ")
                        .append(gate.gate())
                        .append(' ')
                        .append(gate.metric())
                        .append(": ")
                        .append(gate.detail());
            }
            blocks.addObject()
                    .put("type", "section")
                    .putObject("text")
                    .put("type", "mrkdwn")
                    .put("text", clip(g.toString(), 3000));
        }
        return msg;
    }

    /**
     * A PagerDuty event for a retraining run: {@code trigger} of a failed run, or {@code resolve}
     * of the page of failed run {@code pagedRunId} (when {@code resolve}), both with {@code
     * dedup_key} {@code retrain-run-<id>}.
     */
    public static ObjectNode pagerDuty(
            RunEvent e, long pagedRunId, boolean resolve, String routingKey) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("routing_key", routingKey);
        n.put("event_action", resolve ? "resolve" : "trigger");
        n.put("dedup_key", RunEvent.dedupKey(pagedRunId));
        if (resolve) {
            return n;
        }
        ObjectNode p = n.putObject("payload");
        p.put("summary", clip(headline(e), 1024));
        p.put("source", e.modelName());
        p.put("severity", pagerDutySeverity(e.severity()));
        p.put("timestamp", e.at().toString());
        p.put("component", "retraining");
        p.put("group", e.modelName());
        p.put("class", RunEvent.ALERTNAME);
        ObjectNode details = p.putObject("custom_details");
        details.put("run_id", e.runId());
        details.put("model_name", e.modelName());
        details.put("state", e.event());
        details.put("candidate_version", e.candidateVersion());
        details.put("champion_version", e.championVersion());
        details.put("trigger_fingerprint", e.triggerFingerprint());
        details.put("requested_by", e.requestedBy());
        details.put("failure_reason", e.failureReason());
        details.put("detail", e.detail());
        n.put("client", "Driftwatch");
        return n;
    }

    /**
     * Driftwatch's generic webhook body for a run event: {@code {"version": "1", "event":
     * "retrain.<event>", "retrain_run": {...}}}.
     */
    public static ObjectNode webhook(RunEvent e, String event) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("version", "1");
        n.put("event", webhookEvent(event));
        n.set("retrain_run", e.toJsonNode());
        return n;
    }

    /** The webhook event name of a run event: {@code retrain.launched}, ... */
    static String webhookEvent(String event) {
        return "retrain." + event;
    }

    private static void putNumberOrText(ObjectNode n, String key, String value) {
        if (value == null) {
            return;
        }
        try {
            n.put(key, Double.parseDouble(value));
        } catch (NumberFormatException e) {
            n.put(key, value);
        }
    }

    private static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
