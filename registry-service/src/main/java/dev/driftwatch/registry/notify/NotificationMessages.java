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
