package dev.driftwatch.registry.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The run event's matching labels, its stored JSON, and the messages made from it. */
class RunEventTest {
    static final RunEvent REJECTED =
            new RunEvent(
                    7,
                    "fraud",
                    RunEvent.REJECTED,
                    Instant.parse("2026-11-26T10:00:00Z"),
                    3,
                    4,
                    "5caa5447f3511a27",
                    "alert",
                    "gate(s) failed: max_value latency_p99_ms: 80.0 > 50.0",
                    null,
                    List.of(
                            new RunEvent.Gate(
                                    "min_vs_champion", "roc_auc", true, 0.93, 0.89, 0.9, "ok"),
                            new RunEvent.Gate(
                                    "max_value",
                                    "latency_p99_ms",
                                    false,
                                    80.0,
                                    50.0,
                                    null,
                                    "80.0 > 50.0")));

    @Test
    void severitiesAreWhatRoutesMatch() {
        assertThat(RunEvent.severityOf(RunEvent.LAUNCHED)).isEqualTo("info");
        assertThat(RunEvent.severityOf(RunEvent.PROMOTED)).isEqualTo("info");
        assertThat(RunEvent.severityOf(RunEvent.REJECTED)).isEqualTo("warning");
        assertThat(RunEvent.severityOf(RunEvent.FAILED)).isEqualTo("error");
        Route pageFailures =
                new Route(
                        1, "p", "pagerduty", null, "error", "RetrainRun", "u", "k", null, 0, true);
        assertThat(pageFailures.matches("fraud", REJECTED.severity(), RunEvent.ALERTNAME))
                .isFalse();
    }

    @Test
    void storedJsonRoundTrips() {
        assertThat(RunEvent.fromJson(REJECTED.toJson())).isEqualTo(REJECTED);
        assertThat(REJECTED.toJsonNode().get("gates_summary").asText())
                .isEqualTo("1 of 2 gate(s) passed; failed: max_value latency_p99_ms");
    }

    @Test
    void unknownEventsAndFormatsAreRefused() {
        assertThatThrownBy(
                        () ->
                                new RunEvent(
                                        1,
                                        "m",
                                        "cancelled",
                                        Instant.EPOCH,
                                        null,
                                        null,
                                        null,
                                        "x",
                                        "",
                                        null,
                                        List.of()))
                .hasMessageContaining("run event must be one of");
        assertThatThrownBy(() -> RunEvent.fromJson("{\"format_version\": 2}"))
                .hasMessageContaining("format version");
    }

    @Test
    void messagesCarryTheRunAndItsGates() {
        ObjectNode slack = SlackReceiver.message(REJECTED);
        assertThat(slack.get("text").asText())
                .isEqualTo(
                        "[REJECTED] retrain run 7 of fraud: candidate v4, champion v3 - 1 of 2"
                                + " gate(s) passed; failed: max_value latency_p99_ms");
        // Slack shows &gt; as ">": the gate's text is escaped like every text it formats
        assertThat(slack.toString()).contains(":x: max_value latency_p99_ms: 80.0 &gt; 50.0");
        ObjectNode hook = WebhookReceiver.body(REJECTED, RunEvent.REJECTED);
        assertThat(hook.get("event").asText()).isEqualTo("retrain.rejected");
        assertThat(hook.at("/retrain_run/severity").asText()).isEqualTo("warning");
        ObjectNode resolve = PagerDutyReceiver.event(REJECTED, 5, true, "KEY");
        assertThat(resolve.toString())
                .isEqualTo(
                        "{\"routing_key\":\"KEY\",\"event_action\":\"resolve\","
                                + "\"dedup_key\":\"retrain-run-5\"}");
    }
}
