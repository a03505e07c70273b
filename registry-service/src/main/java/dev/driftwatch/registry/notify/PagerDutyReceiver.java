package dev.driftwatch.registry.notify;

import static dev.driftwatch.registry.notify.MessageText.MAPPER;
import static dev.driftwatch.registry.notify.MessageText.clip;
import static dev.driftwatch.registry.notify.MessageText.headline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.driftwatch.core.alert.Alert;
import dev.driftwatch.core.alert.AlertLabels;
import dev.driftwatch.core.alert.Severity;
import java.net.http.HttpRequest;
import java.util.Map;
import java.util.Set;

/**
 * PagerDuty's Events API v2: {@code trigger}/{@code resolve} with {@code dedup_key} = the alert's
 * fingerprint; of run events only {@code failed} pages ({@code dedup_key} {@code
 * retrain-run-<id>}), and the model's next promotion resolves it. Routes need {@code routing_key};
 * {@code url} defaults to {@value #EVENTS_URL}.
 */
public final class PagerDutyReceiver implements Receiver {
    /** PagerDuty's Events API v2 endpoint, used when a route gives no url. */
    static final String EVENTS_URL = "https://events.pagerduty.com/v2/enqueue";

    @Override
    public String name() {
        return "pagerduty";
    }

    @Override
    public Route validate(Route route) {
        if (route.routingKey() == null || route.routingKey().isEmpty()) {
            throw dev.driftwatch.registry.RegistryException.invalid(
                    "a pagerduty route needs 'routing_key' (the integration key)");
        }
        RouteSpec.notTaken(route, "secret", route.secret());
        return route.url() == null ? route.withUrl(EVENTS_URL) : route;
    }

    @Override
    public HttpRequest alertRequest(Route route, Alert alert, String event) {
        return Receiver.jsonPost(route, json(event(alert, route.routingKey()))).build();
    }

    @Override
    public HttpRequest runEventRequest(Route route, RunEvent event, long runId, boolean resolve) {
        return Receiver.jsonPost(route, json(event(event, runId, resolve, route.routingKey())))
                .build();
    }

    @Override
    public Set<String> runEvents() {
        return Set.of(RunEvent.FAILED);
    }

    @Override
    public boolean resolvesFailedRuns() {
        return true;
    }

    /** PagerDuty's severity for ours (critical, error, warning, info); anything else is warning. */
    static String pagerDutySeverity(String severity) {
        return Severity.isLabel(severity) ? severity : Severity.WARNING.label();
    }

    /** A PagerDuty Events API v2 event: trigger for a firing alert, resolve for a resolved one. */
    public static ObjectNode event(Alert a, String routingKey) {
        ObjectNode e = MAPPER.createObjectNode();
        e.put("routing_key", routingKey);
        e.put("event_action", a.isFiring() ? "trigger" : "resolve");
        e.put("dedup_key", a.fingerprint());
        if (!a.isFiring()) {
            return e;
        }
        ObjectNode p = e.putObject("payload");
        p.put("summary", clip(headline(a), 1024));
        p.put(
                "source",
                a.label(AlertLabels.MODEL_NAME).isEmpty()
                        ? "driftwatch"
                        : a.label(AlertLabels.MODEL_NAME));
        p.put("severity", pagerDutySeverity(a.label(AlertLabels.SEVERITY)));
        p.put("timestamp", a.startsAt().toString());
        if (!a.label(AlertLabels.FEATURE).isEmpty()) {
            p.put("component", a.label(AlertLabels.FEATURE));
        }
        if (!a.label(AlertLabels.MODEL_NAME).isEmpty()) {
            p.put("group", a.label(AlertLabels.MODEL_NAME));
        }
        if (!a.label(AlertLabels.METRIC).isEmpty()) {
            p.put("class", a.label(AlertLabels.METRIC));
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

    /**
     * A PagerDuty event for a retraining run: {@code trigger} of a failed run, or {@code resolve}
     * of the page of failed run {@code pagedRunId} (when {@code resolve}), both with {@code
     * dedup_key} {@code retrain-run-<id>}.
     */
    static ObjectNode event(RunEvent e, long pagedRunId, boolean resolve, String routingKey) {
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

    private static String json(ObjectNode n) {
        try {
            return MAPPER.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
