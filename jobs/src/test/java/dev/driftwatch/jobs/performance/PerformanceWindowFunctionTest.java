package dev.driftwatch.jobs.performance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.driftwatch.core.performance.TaskType;
import dev.driftwatch.core.profile.ReferenceProfile;
import dev.driftwatch.jobs.TestEvents;
import dev.driftwatch.jobs.records.AlertObservation;
import dev.driftwatch.jobs.records.PerformanceDelta;
import dev.driftwatch.jobs.records.PerformanceMetricRow;
import dev.driftwatch.jobs.records.ReferenceUpdate;
import dev.driftwatch.jobs.shared.QuietKeyRule;
import dev.driftwatch.jobs.shared.SideInputBroadcastOperator;
import dev.driftwatch.jobs.shared.WindowSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * Rows follow labels as they arrive; alerts wait for label coverage and compare with the reference.
 */
class PerformanceWindowFunctionTest {
    private static final long MINUTE = 60_000;

    static PerformanceDelta delta(String kind, int sign, double score, String actual) {
        PerformanceDelta d = new PerformanceDelta();
        d.kind = kind;
        d.modelName = "churn";
        d.modelVersion = "3";
        d.segment = "";
        d.timestamp = 10;
        d.sign = sign;
        d.score = score;
        d.actualLabel = actual;
        return d;
    }

    private static double metric(List<PerformanceMetricRow> rows, String name) {
        return rows.stream()
                .filter(r -> r.metric.equals(name))
                .reduce((a, b) -> b)
                .orElseThrow()
                .value;
    }

    /** The function of binary model churn (minimum coverage 0.5) in its operator's harness. */
    private static KeyedTwoInputStreamOperatorTestHarness<
                    String, PerformanceDelta, ReferenceUpdate, PerformanceMetricRow>
            harness(
                    List<PerformanceRule> rules,
                    List<ReferenceUpdate> references,
                    QuietKeyRule quietKeys)
                    throws Exception {
        var fn =
                new PerformanceWindowFunction(
                        new WindowSpec(MINUTE, MINUTE, 0),
                        Duration.ofDays(7),
                        Duration.ofSeconds(10),
                        Map.of("churn", TaskType.BINARY),
                        new BinaryDecision("1", 0.5),
                        PerformanceAlertRules.realisedOnly(rules, 0.5),
                        references,
                        quietKeys);
        return new KeyedTwoInputStreamOperatorTestHarness<>(
                new SideInputBroadcastOperator<>(fn, List.of(PerformanceWindowFunction.REFERENCES)),
                PerformanceDelta::windowKey,
                (ReferenceUpdate u) -> "",
                Types.STRING);
    }

    @Test
    void rowsAreRewrittenAsLabelsArriveAndAlertsWaitForCoverage() throws Exception {
        ReferenceProfile profile =
                new ReferenceProfile(
                        "churn",
                        "3",
                        Instant.EPOCH,
                        TestEvents.profile(0, Instant.EPOCH).features(),
                        Map.of("accuracy", 0.9));
        var h =
                harness(
                        List.of(PerformanceRule.parse("accuracy drop>0.1:warning")),
                        List.of(ReferenceUpdate.of(profile)),
                        QuietKeyRule.off());
        h.open();
        h.processWatermark2(new Watermark(Long.MAX_VALUE));
        for (int i = 0; i < 4; i++) {
            h.processElement1(delta(PerformanceDelta.PREDICTION, 1, Double.NaN, null), 10);
        }
        h.processElement1(delta(PerformanceDelta.PAIR, 1, 0.9, "0"), 10); // wrong
        h.processWatermark1(new Watermark(100));
        List<PerformanceMetricRow> rows = h.extractOutputValues();
        assertThat(metric(rows, "accuracy")).isEqualTo(0.0);
        assertThat(metric(rows, "label_coverage")).isEqualTo(0.25);
        assertThat(h.getSideOutput(PerformanceWindowFunction.ALERT_OBSERVATIONS))
                .as("coverage 0.25 < 0.5: no alert yet")
                .isNull();

        h.processElement1(delta(PerformanceDelta.PAIR, -1, 0.9, "0"), 10); // corrected label
        h.processElement1(delta(PerformanceDelta.PAIR, 1, 0.9, "1"), 10);
        h.processElement1(delta(PerformanceDelta.PAIR, 1, 0.2, "1"), 10); // wrong
        h.processWatermark1(new Watermark(200));
        rows = h.extractOutputValues();
        assertThat(metric(rows, "accuracy")).isEqualTo(0.5);
        assertThat(metric(rows, "label_coverage")).isEqualTo(0.5);
        assertThat(rows.get(rows.size() - 1).labeledCount).isEqualTo(2);
        assertThat(rows.get(rows.size() - 1).sampleCount).isEqualTo(4);
        var observations = h.getSideOutput(PerformanceWindowFunction.ALERT_OBSERVATIONS);
        assertThat(observations).hasSize(1);
        AlertObservation o = observations.peek().getValue();
        assertThat(o.alertname).isEqualTo(PerformanceRule.DROP_ALERT);
        assertThat(o.severity).isEqualTo("warning");
        assertThat(o.breached).as("(0.9 - 0.5) / 0.9 > 0.1").isTrue();
        h.close();
    }

    /**
     * A window's rows say whether its predictions are complete: open (null) while neither event
     * time nor the quiet-key rule closed it; a side input at the maximum watermark and an idle
     * prediction input change nothing; then "timeout" for a quiet key, "watermark" otherwise.
     */
    @Test
    void rowsSayHowTheirWindowWasClosed() throws Exception {
        long t0 = Instant.parse("2026-11-26T10:00:00Z").toEpochMilli();
        var h = harness(List.of(), List.of(), QuietKeyRule.of(Duration.ofMinutes(5)));
        h.setProcessingTime(t0);
        h.open();
        PerformanceDelta first = delta(PerformanceDelta.PREDICTION, 1, 0.9, null);
        first.timestamp = t0 + 10;
        h.processElement1(first, first.timestamp);
        h.processWatermark1(new Watermark(t0 + 10));
        h.setProcessingTime(t0 + 20_000); // the emit interval
        assertThat(h.extractOutputValues()).isNotEmpty().allMatch(r -> r.closedBy == null);

        h.getOutput().clear();
        h.processWatermarkStatus1(WatermarkStatus.IDLE);
        h.processWatermark2(new Watermark(Long.MAX_VALUE));
        h.setProcessingTime(t0 + 5 * MINUTE);
        assertThat(h.extractOutputValues()).as("not closed yet").isEmpty();
        h.setProcessingTime(t0 + 7 * MINUTE); // a minute + 5 min after the window's end
        List<PerformanceMetricRow> closed = h.extractOutputValues();
        assertThat(closed).isNotEmpty().allMatch(r -> "timeout".equals(r.closedBy));
        assertThat(metric(closed, "label_coverage")).isEqualTo(0.0);

        h.getOutput().clear();
        PerformanceDelta next = delta(PerformanceDelta.PREDICTION, 1, 0.9, null);
        next.timestamp = t0 + 8 * MINUTE;
        h.processWatermarkStatus1(WatermarkStatus.ACTIVE);
        h.processElement1(next, next.timestamp);
        h.processWatermark1(new Watermark(t0 + 9 * MINUTE));
        assertThat(h.extractOutputValues())
                .isNotEmpty()
                .allMatch(r -> r.windowStart == t0 + 8 * MINUTE && "watermark".equals(r.closedBy));
        h.close();
    }

    @Test
    void rulesParseAndRejectNonsense() {
        assertThat(PerformanceRule.parse("roc_auc<0.7:critical").breached(0.6)).isTrue();
        assertThat(PerformanceRule.parse("mae>12:warning").breached(11)).isFalse();
        assertThat(
                        PerformanceRule.parse("rmse rise>0.2:warning")
                                .observed(6.0, Map.of("rmse", 5.0)))
                .isCloseTo(0.2, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(PerformanceRule.parse("roc_auc drop>0.05:warning").observed(0.8, Map.of()))
                .isNull();
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> PerformanceRule.parse("auc below 0.7"))
                .hasMessageContaining("METRIC<VALUE:SEVERITY");
    }
}
