package dev.driftwatch.registry.notify;

import static dev.driftwatch.registry.notify.MessageText.MAPPER;
import static dev.driftwatch.registry.notify.MessageText.clip;
import static dev.driftwatch.registry.notify.MessageText.headline;
import static dev.driftwatch.registry.notify.MessageText.version;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.driftwatch.core.alert.Alert;
import dev.driftwatch.core.alert.AlertLabels;
import java.net.http.HttpRequest;
import java.util.Set;

/**
 * Slack incoming webhooks: a Block Kit message with a {@code text} fallback for alerts and for
 * every run event; routes need {@code url}; messages to one webhook are spaced (Slack's rate
 * limit).
 *
 * <p>Alert labels and annotations and run details come from outside (whoever may post an alert):
 * every such text is escaped ({@code &}, {@code <}, {@code >} become {@code &amp;}, {@code &lt;},
 * {@code &gt;}) so that it shows as written and never becomes a mention ({@code <!channel>}) or a
 * link ({@code <https://evil.example|Open runbook>}); headers are plain text; the runbook button
 * only takes an {@code http(s)} URL.
 */
public final class SlackReceiver implements Receiver {
    @Override
    public String name() {
        return "slack";
    }

    @Override
    public Route validate(Route route) {
        RouteSpec.requireUrl(route);
        RouteSpec.notTaken(route, "routing_key", route.routingKey());
        RouteSpec.notTaken(route, "secret", route.secret());
        return route;
    }

    @Override
    public HttpRequest alertRequest(Route route, Alert alert, String event) {
        return Receiver.jsonPost(route, json(message(alert))).build();
    }

    @Override
    public HttpRequest runEventRequest(Route route, RunEvent event, long runId, boolean resolve) {
        return Receiver.jsonPost(route, json(message(event))).build();
    }

    @Override
    public Set<String> runEvents() {
        return RunEvent.EVENTS;
    }

    @Override
    public boolean rateLimited() {
        return true;
    }

    /** A Slack incoming-webhook message: Block Kit blocks and the {@code text} fallback. */
    public static ObjectNode message(Alert a) {
        ObjectNode msg = MAPPER.createObjectNode();
        msg.put("text", escape(headline(a)));
        ArrayNode blocks = msg.putArray("blocks");
        header(blocks, (a.isFiring() ? "Firing: " : "Resolved: ") + a.label(AlertLabels.ALERTNAME));
        String summary = a.annotations().getOrDefault("summary", "");
        if (!summary.isEmpty()) {
            ObjectNode section = blocks.addObject().put("type", "section");
            section.putObject("text")
                    .put("type", "mrkdwn")
                    .put("text", clip(escape(summary), 3000));
        }
        ObjectNode fields = blocks.addObject().put("type", "section");
        ArrayNode f = fields.putArray("fields");
        field(f, "Model", a.label(AlertLabels.MODEL_NAME));
        field(f, "Version", a.label(AlertLabels.MODEL_VERSION));
        field(f, "Feature", a.label(AlertLabels.FEATURE));
        field(f, "Severity", a.label(AlertLabels.SEVERITY));
        String value = a.annotations().get("value");
        String threshold = a.annotations().get("threshold");
        if (value != null) {
            field(
                    f,
                    (a.label(AlertLabels.METRIC).isEmpty() ? "Value" : a.label(AlertLabels.METRIC))
                            + " vs threshold",
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
            fields.putObject("text").put("type", "mrkdwn").put("text", escape(headline(a)));
        }
        String runbook = a.annotations().get("runbook_url");
        if (runbook != null && (runbook.startsWith("https://") || runbook.startsWith("http://"))) {
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
                    .put("text", "*" + escape(name) + "*\n" + clip(escape(value), 1900));
        }
    }

    /**
     * A Slack message for a retraining run's event: header, the detail, fields (run, model, state,
     * candidate and champion versions, trigger alert), the gates or the failure reason, and the
     * {@code text} fallback.
     */
    static ObjectNode message(RunEvent e) {
        ObjectNode msg = MAPPER.createObjectNode();
        msg.put("text", clip(escape(headline(e)), 3000));
        ArrayNode blocks = msg.putArray("blocks");
        header(
                blocks,
                "Retraining " + e.event() + ": " + e.modelName() + " (run " + e.runId() + ")");
        if (!e.detail().isEmpty()) {
            blocks.addObject()
                    .put("type", "section")
                    .putObject("text")
                    .put("type", "mrkdwn")
                    .put("text", clip(escape(e.detail()), 3000));
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
                    .put("text", clip("*Failure reason*\n" + escape(e.failureReason()), 3000));
        } else if (!e.gates().isEmpty()) {
            StringBuilder g = new StringBuilder("*Gates*: ").append(escape(e.gatesSummary()));
            for (RunEvent.Gate gate : e.gates()) {
                g.append("\n")
                        .append(gate.passed() ? ":white_check_mark: " : ":x: ")
                        .append(escape(gate.gate()))
                        .append(' ')
                        .append(escape(gate.metric()))
                        .append(": ")
                        .append(escape(gate.detail()));
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
     * {@code s} as Slack shows it literally in mrkdwn: {@code &}, {@code <} and {@code >} escaped
     * (the three characters Slack's formatting gives a meaning).
     */
    public static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** A header block: plain text, at most 150 characters (Slack's limit). */
    private static void header(ArrayNode blocks, String text) {
        blocks.addObject()
                .put("type", "header")
                .putObject("text")
                .put("type", "plain_text")
                .put("text", clip(text, 150));
    }

    private static String json(ObjectNode n) {
        try {
            return MAPPER.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
