package dev.driftwatch.jobs.shared;

import static org.assertj.core.api.Assertions.assertThat;

import dev.driftwatch.core.alert.Alert;
import dev.driftwatch.jobs.drift.AlertRule;
import dev.driftwatch.jobs.records.AlertObservation;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** Alert persistence: fire after N breached windows, resolve after M clean ones, once each. */
class AlertFunctionTest {
    private static final long MINUTE = 60_000;

    static AlertObservation observation(int window, boolean breached) {
        AlertObservation o = new AlertObservation();
        o.alertname = AlertRule.FEATURE_DRIFT;
        o.modelName = "m";
        o.modelVersion = "1";
        o.segment = "";
        o.feature = "amount";
        o.metric = "psi";
        o.seriesKey = "FeatureDrift/m/1//amount/psi";
        o.severity = "critical";
        o.breached = breached;
        o.value = breached ? 0.4 : 0.01;
        o.threshold = 0.1;
        o.windowStart = window * MINUTE;
        o.windowEnd = (window + 1) * MINUTE;
        return o;
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, AlertObservation, String> harness(
            int fireAfter, int resolveAfter) throws Exception {
        var h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(
                                new AlertFunction(
                                        fireAfter,
                                        resolveAfter,
                                        Duration.ofDays(7),
                                        "http://runbook",
                                        "test")),
                        o -> o.seriesKey,
                        Types.STRING);
        h.open();
        return h;
    }

    private static List<Alert> alerts(
            KeyedOneInputStreamOperatorTestHarness<String, AlertObservation, String> h) {
        return h.extractOutputValues().stream().map(Alert::fromJson).toList();
    }

    @Test
    void firesAfterPersistenceAndResolvesAfterCleanWindows() throws Exception {
        var h = harness(2, 2);
        boolean[] pattern = {true, false, true, true, true, false, true, false, false, false};
        for (int w = 0; w < pattern.length; w++) {
            h.processElement(observation(w, pattern[w]), w * MINUTE);
        }
        List<Alert> alerts = alerts(h);
        assertThat(alerts).hasSize(2);
        assertThat(alerts.get(0).isFiring()).isTrue();
        assertThat(alerts.get(0).startsAt().toEpochMilli())
                .isEqualTo(4 * MINUTE); // end of window 3
        assertThat(alerts.get(0).label("severity")).isEqualTo("critical");
        assertThat(alerts.get(0).annotations()).containsEntry("runbook_url", "http://runbook");
        assertThat(alerts.get(1).isFiring()).isFalse();
        assertThat(alerts.get(1).endsAt().toEpochMilli()).isEqualTo(9 * MINUTE); // end of window 8
        assertThat(alerts.get(1).fingerprint()).isEqualTo(alerts.get(0).fingerprint());
        h.close();
    }

    @Test
    void reEmittedWindowsDoNotCountTwice() throws Exception {
        var h = harness(2, 1);
        h.processElement(observation(0, true), 0);
        h.processElement(observation(0, true), 1); // the same window re-emitted after a late event
        assertThat(alerts(h)).isEmpty();
        h.processElement(observation(1, true), 2);
        assertThat(alerts(h)).hasSize(1);
        h.close();
    }

    @Test
    void restoringFromACheckpointNeitherLosesNorRepeatsAnAlert() throws Exception {
        var h = harness(1, 1);
        h.processElement(observation(0, true), 0);
        assertThat(alerts(h)).hasSize(1);
        OperatorSubtaskState snapshot = h.snapshot(1, 1);
        h.close();

        var restored =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(
                                new AlertFunction(
                                        1, 1, Duration.ofDays(7), "http://runbook", "test")),
                        (AlertObservation o) -> o.seriesKey,
                        Types.STRING);
        restored.initializeState(snapshot);
        restored.open();
        restored.processElement(observation(0, true), 0); // replayed after the restore
        restored.processElement(observation(1, true), 1); // still firing: no new alert
        assertThat(alerts(restored)).isEmpty();
        restored.processElement(observation(2, false), 2);
        assertThat(alerts(restored)).hasSize(1).allSatisfy(a -> assertThat(a.isFiring()).isFalse());
        restored.close();
    }

    @Test
    void aFiringAlertResolvesWhenItsSeriesGoesQuiet() throws Exception {
        var h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(
                                new AlertFunction(
                                        1,
                                        2,
                                        Duration.ofDays(7),
                                        "http://runbook",
                                        "test",
                                        Duration.ofMinutes(3))),
                        (AlertObservation o) -> o.seriesKey,
                        Types.STRING);
        h.open();
        h.processElement(observation(0, true), 0);
        h.processWatermark(new org.apache.flink.streaming.api.watermark.Watermark(3 * MINUTE));
        assertThat(alerts(h)).hasSize(1); // window 0 ends at 1 min: stale only after 4 min
        h.processWatermark(new org.apache.flink.streaming.api.watermark.Watermark(4 * MINUTE));
        List<Alert> alerts = alerts(h);
        assertThat(alerts).hasSize(2);
        assertThat(alerts.get(1).isFiring()).isFalse();
        assertThat(alerts.get(1).fingerprint()).isEqualTo(alerts.get(0).fingerprint());
        assertThat(alerts.get(1).annotations().get("description"))
                .contains("No data for this series");
        h.close();
    }
}
