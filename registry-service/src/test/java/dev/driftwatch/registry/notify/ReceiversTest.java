package dev.driftwatch.registry.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.driftwatch.core.alert.Alert;
import dev.driftwatch.registry.RegistryException;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.Test;

/**
 * The receivers by name, the routes each accepts, and the requests each builds for an alert and a
 * run event; no network.
 */
class ReceiversTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Alert ALERT =
            Alert.firing(
                    Map.of(
                            "alertname", "FeatureDrift",
                            "severity", "critical",
                            "model_name", "fraud",
                            "metric", "psi",
                            "feature", "amount"),
                    Map.of("summary", "PSI of amount above 0.2", "value", "0.31"),
                    Instant.parse("2026-11-26T10:00:00Z"),
                    "");

    static Route route(String json) throws Exception {
        return RouteSpec.parse(JSON.readTree(json));
    }

    /** The body a request would send. */
    static String body(HttpRequest r) {
        List<ByteBuffer> parts = new ArrayList<>();
        r.bodyPublisher()
                .orElseThrow()
                .subscribe(
                        new Flow.Subscriber<>() {
                            @Override
                            public void onSubscribe(Flow.Subscription s) {
                                s.request(Long.MAX_VALUE);
                            }

                            @Override
                            public void onNext(ByteBuffer b) {
                                parts.add(b);
                            }

                            @Override
                            public void onError(Throwable t) {
                                throw new AssertionError(t);
                            }

                            @Override
                            public void onComplete() {}
                        });
        StringBuilder s = new StringBuilder();
        parts.forEach(b -> s.append(java.nio.charset.StandardCharsets.UTF_8.decode(b)));
        return s.toString();
    }

    @Test
    void receiversAreFoundByTheNameRoutesUse() {
        assertThat(Receivers.names()).containsExactly("slack", "pagerduty", "webhook");
        for (Receiver r : Receivers.all()) {
            assertThat(Receivers.named(r.name())).isSameAs(r);
            assertThat(RunEvent.EVENTS).containsAll(r.runEvents());
        }
        assertThatThrownBy(() -> Receivers.named("teams"))
                .isInstanceOf(RegistryException.class)
                .hasMessage("receiver must be one of slack, pagerduty, webhook; was teams");
        assertThat(Receivers.resolvingFailedRuns()).containsExactly("pagerduty");
    }

    @Test
    void eachReceiverChecksItsOwnFields() throws Exception {
        Route pd = route("{\"name\": \"p\", \"receiver\": \"pagerduty\", \"routing_key\": \"K\"}");
        assertThat(pd.url()).isEqualTo(PagerDutyReceiver.EVENTS_URL);
        assertThatThrownBy(() -> route("{\"name\": \"p\", \"receiver\": \"pagerduty\"}"))
                .hasMessageContaining("needs 'routing_key'");
        assertThatThrownBy(() -> route("{\"name\": \"s\", \"receiver\": \"slack\"}"))
                .hasMessageContaining("a slack route needs 'url'");
        assertThatThrownBy(
                        () ->
                                route(
                                        "{\"name\": \"s\", \"receiver\": \"slack\", \"url\":"
                                                + " \"https://hooks.slack.com/x\", \"routing_key\":"
                                                + " \"K\"}"))
                .hasMessageContaining("'routing_key' is not used by slack routes");
        assertThatThrownBy(
                        () ->
                                route(
                                        "{\"name\": \"w\", \"receiver\": \"webhook\", \"url\":"
                                                + " \"https://ci.example/h\", \"match\":"
                                                + " {\"model\": \"fraud\"}}"))
                .hasMessageContaining("unknown field 'match.model'");
        assertThatThrownBy(
                        () ->
                                route(
                                        "{\"name\": \"w\", \"receiver\": \"webhook\", \"url\":"
                                                + " \"ftp://ci.example/h\"}"))
                .hasMessageContaining("'url' must be an http(s) URL");
    }

    @Test
    void untrustedAlertTextIsEscapedForSlackAndKeptAsDataElsewhere() throws Exception {
        Alert hostile =
                Alert.firing(
                        Map.of(
                                "alertname", "FeatureDrift",
                                "model_name", "<https://evil.example|Open runbook>",
                                "feature", "a&b"),
                        Map.of(
                                "summary", "<!channel> wake up <@U123>",
                                "runbook_url", "javascript:alert(1)"),
                        Instant.parse("2026-11-26T10:00:00Z"),
                        "");
        Route slack =
                route(
                        "{\"name\": \"s\", \"receiver\": \"slack\", \"url\":"
                                + " \"https://hooks.slack.com/services/T/B/X\"}");
        JsonNode msg =
                JSON.readTree(
                        body(
                                Receivers.named("slack")
                                        .alertRequest(slack, hostile, Delivery.TRIGGER)));
        // every text Slack formats: no raw <, > or & left, so no mention and no link
        List<String> texts = new ArrayList<>();
        msg.findValues("text").stream()
                .filter(JsonNode::isTextual)
                .forEach(t -> texts.add(t.asText()));
        msg.findValues("text").stream()
                .filter(JsonNode::isObject)
                .filter(t -> t.path("type").asText().equals("mrkdwn"))
                .forEach(t -> texts.add(t.get("text").asText()));
        assertThat(texts).isNotEmpty();
        for (String t : texts) {
            assertThat(t).doesNotContain("<", ">").doesNotContainPattern("&(?!amp;|lt;|gt;)");
        }
        assertThat(msg.get("text").asText())
                .contains("&lt;https://evil.example|Open runbook&gt;", "&lt;!channel&gt;");
        assertThat(msg.toString())
                .as("no button for a non-http runbook URL")
                .doesNotContain("javascript:");
        assertThat(SlackReceiver.escape("a & <b> c")).isEqualTo("a &amp; &lt;b&gt; c");

        // PagerDuty and webhooks carry the text as JSON data, unchanged
        Route pd = route("{\"name\": \"p\", \"receiver\": \"pagerduty\", \"routing_key\": \"K\"}");
        JsonNode event =
                JSON.readTree(
                        body(
                                Receivers.named("pagerduty")
                                        .alertRequest(pd, hostile, Delivery.TRIGGER)));
        assertThat(event.at("/payload/summary").asText()).contains("<!channel> wake up");
        Route hook =
                route(
                        "{\"name\": \"w\", \"receiver\": \"webhook\", \"url\":"
                                + " \"https://ci.example/h\"}");
        JsonNode posted =
                JSON.readTree(
                        body(
                                Receivers.named("webhook")
                                        .alertRequest(hook, hostile, Delivery.TRIGGER)));
        assertThat(posted.toString()).contains("<https://evil.example|Open runbook>");
    }

    @Test
    void eachReceiverBuildsItsRequestForAnAlert() throws Exception {
        Route slack =
                route(
                        "{\"name\": \"s\", \"receiver\": \"slack\", \"url\":"
                                + " \"https://hooks.slack.com/services/T/B/X\"}");
        HttpRequest s = Receivers.named("slack").alertRequest(slack, ALERT, Delivery.TRIGGER);
        assertThat(s.method()).isEqualTo("POST");
        assertThat(s.uri().toString()).isEqualTo(slack.url());
        assertThat(s.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(JSON.readTree(body(s)).get("text").asText()).startsWith("[FIRING] FeatureDrift");

        Route pd = route("{\"name\": \"p\", \"receiver\": \"pagerduty\", \"routing_key\": \"K\"}");
        JsonNode event =
                JSON.readTree(
                        body(
                                Receivers.named("pagerduty")
                                        .alertRequest(pd, ALERT, Delivery.TRIGGER)));
        assertThat(event.get("dedup_key").asText()).isEqualTo(ALERT.fingerprint());
        assertThat(event.get("routing_key").asText()).isEqualTo("K");

        Route hook =
                route(
                        "{\"name\": \"w\", \"receiver\": \"webhook\", \"url\":"
                                + " \"https://ci.example/h\", \"secret\": \"s3cret\"}");
        HttpRequest w = Receivers.named("webhook").alertRequest(hook, ALERT, Delivery.TRIGGER);
        assertThat(w.headers().firstValue(WebhookReceiver.EVENT_HEADER)).hasValue("trigger");
        assertThat(w.headers().firstValue(WebhookReceiver.SIGNATURE_HEADER))
                .hasValue("sha256=" + WebhookReceiver.hmacSha256("s3cret", body(w)));
    }

    @Test
    void runEventsGoToTheReceiversThatWantThem() throws Exception {
        assertThat(Receivers.named("slack").runEvents()).isEqualTo(RunEvent.EVENTS);
        assertThat(Receivers.named("webhook").runEvents()).isEqualTo(RunEvent.EVENTS);
        assertThat(Receivers.named("pagerduty").runEvents()).containsExactly(RunEvent.FAILED);

        Route pd = route("{\"name\": \"p\", \"receiver\": \"pagerduty\", \"routing_key\": \"K\"}");
        JsonNode resolve =
                JSON.readTree(
                        body(
                                Receivers.named("pagerduty")
                                        .runEventRequest(pd, RunEventTest.REJECTED, 5, true)));
        assertThat(resolve.get("event_action").asText()).isEqualTo("resolve");
        assertThat(resolve.get("dedup_key").asText()).isEqualTo("retrain-run-5");

        Route hook =
                route(
                        "{\"name\": \"w\", \"receiver\": \"webhook\", \"url\":"
                                + " \"https://ci.example/h\"}");
        HttpRequest w =
                Receivers.named("webhook").runEventRequest(hook, RunEventTest.REJECTED, 7, false);
        assertThat(w.headers().firstValue(WebhookReceiver.EVENT_HEADER))
                .hasValue("retrain.rejected");
        assertThat(w.headers().firstValue(WebhookReceiver.SIGNATURE_HEADER)).isEmpty();
    }
}
