package dev.driftwatch.registry.retrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.driftwatch.core.alert.Alert;
import dev.driftwatch.registry.RegistryException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Gates on reported metrics, and policy parsing and matching, without a database. */
class ValidationGateTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode json(String s) throws Exception {
        return JSON.readTree(s);
    }

    static ValidationReport report(String s) throws Exception {
        return ValidationReport.parse(json(s));
    }

    @Test
    void minVsChampionComparesWithTheChampionMinusTheTolerance() throws Exception {
        ValidationGate g = new ValidationGate(ValidationGate.MIN_VS_CHAMPION, "roc_auc", 0.01);
        GateResult pass =
                g.evaluate(
                        report(
                                "{\"candidate\": {\"roc_auc\": 0.895}, \"champion\": {\"roc_auc\": 0.90}}"));
        assertThat(pass.passed()).isTrue();
        assertThat(pass.threshold()).isCloseTo(0.89, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(pass.championValue()).isEqualTo(0.90);
        GateResult fail =
                g.evaluate(
                        report(
                                "{\"candidate\": {\"roc_auc\": 0.88}, \"champion\": {\"roc_auc\": 0.90}}"));
        assertThat(fail.passed()).isFalse();
        assertThat(fail.detail()).contains("0.88", "<", "0.9");
        assertThat(g.evaluate(report("{\"candidate\": {\"roc_auc\": 0.5}}")).passed())
                .as("no champion value: nothing to compare with")
                .isTrue();
        assertThat(g.evaluate(report("{\"candidate\": {}}")).passed()).isFalse();
    }

    @Test
    void maxValueAndSegmentGap() throws Exception {
        ValidationGate latency = new ValidationGate(ValidationGate.MAX_VALUE, "latency_p99_ms", 50);
        assertThat(latency.evaluate(report("{\"candidate\": {\"latency_p99_ms\": 50}}")).passed())
                .isTrue();
        assertThat(latency.evaluate(report("{\"candidate\": {\"latency_p99_ms\": 50.1}}")).passed())
                .isFalse();

        ValidationGate gap = new ValidationGate(ValidationGate.MAX_SEGMENT_GAP, "recall", 0.05);
        GateResult r =
                gap.evaluate(
                        report(
                                "{\"candidate\": {}, \"segments\": {\"recall\": {\"eu\": 0.80, \"us\": 0.86, \"apac\": 0.83}}}"));
        assertThat(r.passed()).isFalse();
        assertThat(r.observed()).isCloseTo(0.06, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(r.detail()).contains("us", "eu");
        assertThat(
                        gap.evaluate(
                                        report(
                                                "{\"candidate\": {}, \"segments\": {\"recall\": {\"eu\": 0.8}}}"))
                                .passed())
                .isFalse();
    }

    @Test
    void aPolicyIsParsedWithDefaultsAndMatchesAlertsByLabel() throws Exception {
        RetrainPolicy p =
                RetrainPolicy.parse(
                        json(
                                "{\"triggers\": [{\"alertname\": \"FeatureDrift\", \"severities\": [\"critical\"]},"
                                        + " {\"metric\": \"roc_auc\"}],"
                                        + " \"training\": {\"template\": \"train\", \"parameters\": {\"EPOCHS\": \"3\"}},"
                                        + " \"validation\": {\"template\": \"validate\"}}"));
        assertThat(p.cooldown()).isEqualTo(Duration.ofHours(6));
        assertThat(p.dedupWindow()).isEqualTo(Duration.ofHours(24));
        assertThat(p.gpuHoursPerDay()).isInfinite();
        assertThat(p.manualApproval()).isFalse();
        assertThat(p.training())
                .isEqualTo(new RetrainPolicy.TemplateChoice("train", Map.of("EPOCHS", "3")));
        assertThat(p.validation())
                .isEqualTo(new RetrainPolicy.TemplateChoice("validate", Map.of()));
        Instant t = Instant.parse("2026-11-26T10:00:00Z");
        assertThat(
                        p.matches(
                                Alert.firing(
                                        Map.of("alertname", "FeatureDrift", "severity", "critical"),
                                        Map.of(),
                                        t,
                                        "")))
                .isTrue();
        assertThat(
                        p.matches(
                                Alert.firing(
                                        Map.of("alertname", "FeatureDrift", "severity", "warning"),
                                        Map.of(),
                                        t,
                                        "")))
                .isFalse();
        assertThat(
                        p.matches(
                                Alert.firing(
                                        Map.of("alertname", "PerfDrop", "metric", "roc_auc"),
                                        Map.of(),
                                        t,
                                        "")))
                .isTrue();
        assertThat(
                        p.matches(
                                Alert.firing(
                                                Map.of(
                                                        "alertname",
                                                        "FeatureDrift",
                                                        "severity",
                                                        "critical"),
                                                Map.of(),
                                                t,
                                                "")
                                        .resolve(t.plusSeconds(60), Map.of())))
                .as("a resolved alert never triggers")
                .isFalse();
    }

    @Test
    void badPoliciesNameTheField() {
        assertThatThrownBy(() -> RetrainPolicy.parse(json("{\"triggers\": []}")))
                .isInstanceOf(RegistryException.class)
                .hasMessageContaining("'triggers' must be a non-empty array");
        assertThatThrownBy(
                        () -> RetrainPolicy.parse(json("{\"triggers\": [{}], \"training\": {}}")))
                .hasMessageContaining("Missing value for required parameter 'training.template'");
        assertThatThrownBy(
                        () ->
                                RetrainPolicy.parse(
                                        json(
                                                "{\"triggers\": [{\"severities\": [\"loud\"]}],"
                                                        + " \"training\": {\"template\": \"t\"}}")))
                .hasMessageContaining("severity must be one of");
        assertThatThrownBy(() -> DurationText.parse("cooldown", "1 week"))
                .hasMessageContaining("'cooldown' must be a duration");
        assertThat(DurationText.parse("x", "5min")).isEqualTo(Duration.ofMinutes(5));
        assertThat(DurationText.parse("x", "28d")).isEqualTo(Duration.ofDays(28));
        // huge durations are a 400 with a message, never an overflow
        assertThatThrownBy(() -> DurationText.parse("cooldown", "9999999999999d"))
                .isInstanceOf(RegistryException.class)
                .hasMessageContaining("'cooldown' must be at most 3650d");
        assertThatThrownBy(() -> DurationText.parse("cooldown", "99999999999999999999999s"))
                .isInstanceOf(RegistryException.class)
                .hasMessageContaining("'cooldown' must be a duration");
        assertThat(DurationText.format(Duration.ofMinutes(90))).isEqualTo("90min");
        assertThat(DurationText.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
    }

    @Test
    void anApproverCannotSetWhatARunExecutes() {
        // the attack: a policy that runs a shell command with the loader variables set
        for (String part :
                List.of(
                        "{\"command\": [\"sh\", \"-c\", \"env > /tmp/leak; id\"], \"template\": \"t\"}",
                        "{\"template\": \"t\", \"env\": {\"LD_PRELOAD\": \"/tmp/x.so\"}}",
                        "{\"template\": \"t\", \"image\": \"evil:latest\"}")) {
            assertThatThrownBy(
                            () ->
                                    RetrainPolicy.parse(
                                            json(
                                                    "{\"triggers\": [{}], \"training\": "
                                                            + part
                                                            + ", \"validation\": {\"template\": \"v\"}}")))
                    .isInstanceOf(RegistryException.class)
                    .hasMessageContaining("a retrain policy cannot set 'training.")
                    .hasMessageContaining("comes from a training template that an admin sets");
        }
    }
}
