package dev.driftwatch.jobs.drift;

import static org.assertj.core.api.Assertions.assertThat;

import dev.driftwatch.core.drift.DriftPolicies;
import dev.driftwatch.core.drift.DriftRule;
import dev.driftwatch.core.profile.ReferenceProfile;
import dev.driftwatch.core.profile.WindowProfile;
import dev.driftwatch.jobs.TestEvents;
import dev.driftwatch.jobs.records.DriftMetricRow;
import dev.driftwatch.jobs.records.PartialWindow;
import dev.driftwatch.jobs.records.ReferenceUpdate;
import dev.driftwatch.jobs.shared.SideInputBroadcastOperator;
import dev.driftwatch.jobs.shared.WindowSpec;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * Windows fire at their end, late slices re-emit their rows, state is cleared after the lateness.
 */
class WindowDriftFunctionTest {
    private static final long MINUTE = 60_000;
    private static final WindowSpec WINDOWS = new WindowSpec(MINUTE, MINUTE, 2 * MINUTE);

    private static PartialWindow slice(
            ReferenceUpdate ref, ReferenceProfile profile, double... xs) {
        WindowProfile w = profile.newWindow();
        for (double x : xs) {
            w.numeric(0).update(x);
        }
        PartialWindow p = new PartialWindow();
        p.key = PartialWindow.key("m", "1", "");
        p.modelName = "m";
        p.modelVersion = "1";
        p.segment = "";
        p.windowStart = 0;
        p.windowEnd = MINUTE;
        p.referenceId = ref.referenceId;
        p.profile = w.toByteArray();
        p.events = xs.length;
        return p;
    }

    private static KeyedTwoInputStreamOperatorTestHarness<
                    String, PartialWindow, ReferenceUpdate, DriftMetricRow>
            harness() throws Exception {
        // the threshold rule, whose PSI decisions the tests below pin
        return harness(DriftPolicies.of(DriftRule.THRESHOLD));
    }

    private static KeyedTwoInputStreamOperatorTestHarness<
                    String, PartialWindow, ReferenceUpdate, DriftMetricRow>
            harness(DriftPolicies policies) throws Exception {
        var h =
                new KeyedTwoInputStreamOperatorTestHarness<>(
                        new SideInputBroadcastOperator<>(
                                new WindowDriftFunction(WINDOWS, policies),
                                WindowDriftFunction.BROADCAST_STATES),
                        (PartialWindow p) -> p.key,
                        (ReferenceUpdate u) -> "",
                        Types.STRING);
        h.open();
        return h;
    }

    @Test
    void firesOnceThenReEmitsOnLateSlicesAndClearsState() throws Exception {
        ReferenceProfile profile = TestEvents.profile(0, Instant.EPOCH);
        ReferenceUpdate ref = ReferenceUpdate.of(profile);
        var h = harness();
        h.processElement2(ref, 0);
        h.processElement1(slice(ref, profile, 1, 2, 3), 10);
        h.processElement1(slice(ref, profile, 4, 5), 20);
        assertThat(h.extractOutputValues()).isEmpty();
        h.processWatermark1(new org.apache.flink.streaming.api.watermark.Watermark(MINUTE - 1));
        h.processWatermark2(new org.apache.flink.streaming.api.watermark.Watermark(Long.MAX_VALUE));
        List<DriftMetricRow> rows = h.extractOutputValues();
        assertThat(rows)
                .anySatisfy(
                        r -> {
                            assertThat(r.metric).isEqualTo("event_count");
                            assertThat(r.value).isEqualTo(5.0);
                        });
        assertThat(rows)
                .anySatisfy(
                        r -> {
                            assertThat(r.metric).isEqualTo("psi");
                            assertThat(r.decisive).isTrue();
                            assertThat(r.sampleCount).isEqualTo(5);
                        });
        assertThat(h.numKeyedStateEntries()).isPositive();

        h.getOutput().clear();
        h.processElement1(slice(ref, profile, 6), 30); // late, within the allowed lateness
        List<DriftMetricRow> again = h.extractOutputValues();
        assertThat(again)
                .anySatisfy(
                        r -> {
                            assertThat(r.metric).isEqualTo("event_count");
                            assertThat(r.value).isEqualTo(6.0);
                        });

        h.processWatermark1(
                new org.apache.flink.streaming.api.watermark.Watermark(WINDOWS.cleanupTime(0)));
        assertThat(h.numKeyedStateEntries()).isZero();
        h.close();
    }

    /** By default the KS row decides a numeric feature, at the two-sample test's level. */
    @Test
    void theDefaultRuleDecidesOnTheKsRow() throws Exception {
        ReferenceProfile profile = TestEvents.profile(0, Instant.EPOCH);
        ReferenceUpdate ref = ReferenceUpdate.of(profile);
        var h = harness(DriftPolicies.defaults());
        h.processElement2(ref, 0);
        double[] shifted = new double[60];
        for (int i = 0; i < shifted.length; i++) {
            shifted[i] = 80 + i; // the reference holds 0..99
        }
        h.processElement1(slice(ref, profile, shifted), 10);
        h.processWatermark1(new org.apache.flink.streaming.api.watermark.Watermark(MINUTE - 1));
        h.processWatermark2(new org.apache.flink.streaming.api.watermark.Watermark(Long.MAX_VALUE));
        List<DriftMetricRow> decisive =
                h.extractOutputValues().stream().filter(r -> r.decisive).toList();
        assertThat(decisive)
                .singleElement()
                .satisfies(
                        r -> {
                            assertThat(r.metric).isEqualTo("ks_statistic");
                            assertThat(r.threshold).isEqualTo(0.01);
                            assertThat(r.driftDetected).isTrue();
                            assertThat(r.severity).isEqualTo("critical");
                        });
        h.close();
    }

    /**
     * A window first seen after event time passed its end (its input was idle while another moved
     * event time on) is written at once, its events counted late, instead of waiting for the next
     * watermark.
     */
    @Test
    void aWindowFirstSeenBehindTheWatermarkIsWrittenAtOnce() throws Exception {
        ReferenceProfile profile = TestEvents.profile(0, Instant.EPOCH);
        ReferenceUpdate ref = ReferenceUpdate.of(profile);
        var h = harness();
        h.processElement2(ref, 0);
        h.processWatermark1(new org.apache.flink.streaming.api.watermark.Watermark(MINUTE + 5));
        h.processElement1(slice(ref, profile, 1, 2, 3), 10);
        List<DriftMetricRow> rows = h.extractOutputValues();
        assertThat(rows)
                .filteredOn(r -> r.metric.equals("late_events"))
                .singleElement()
                .satisfies(r -> assertThat(r.value).isEqualTo(3.0));
        assertThat(rows).allMatch(r -> "watermark".equals(r.closedBy));
        h.close();
    }

    /**
     * Re-published profiles do not pile up: the state keeps the current profile, the one before it
     * and those pinned by open windows; a pinned profile still serves its window and is dropped at
     * the next update after the window's state is gone.
     */
    @Test
    void referenceStateKeepsOnlyTheCurrentAndThePinnedProfiles() throws Exception {
        ReferenceProfile first = TestEvents.profile(0, Instant.EPOCH);
        ReferenceUpdate pinned = ReferenceUpdate.of(first);
        var h = harness();
        h.processElement2(pinned, 0);
        h.processElement1(slice(pinned, first, 1, 2, 3), 10); // window 0 pinned to the first
        List<ReferenceUpdate> later = new java.util.ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            ReferenceUpdate u =
                    ReferenceUpdate.of(TestEvents.profile(i, Instant.EPOCH.plusSeconds(i)));
            later.add(u);
            h.processElement2(u, 0);
        }
        assertThat(referenceIds(h))
                .containsExactlyInAnyOrder(
                        pinned.referenceId, later.get(3).referenceId, later.get(4).referenceId);

        h.processWatermark1(new org.apache.flink.streaming.api.watermark.Watermark(MINUTE - 1));
        assertThat(h.extractOutputValues())
                .as("the pinned profile still serves its window")
                .anySatisfy(r -> assertThat(r.metric).isEqualTo("psi"));
        h.processWatermark1(
                new org.apache.flink.streaming.api.watermark.Watermark(WINDOWS.cleanupTime(0)));
        ReferenceUpdate newest =
                ReferenceUpdate.of(TestEvents.profile(9, Instant.EPOCH.plusSeconds(9)));
        h.processElement2(newest, 0);
        assertThat(referenceIds(h))
                .containsExactlyInAnyOrder(later.get(4).referenceId, newest.referenceId);
        h.close();
    }

    private static java.util.Set<String> referenceIds(
            KeyedTwoInputStreamOperatorTestHarness<
                            String, PartialWindow, ReferenceUpdate, DriftMetricRow>
                    h)
            throws Exception {
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (var e :
                h.getOperator()
                        .getOperatorStateBackend()
                        .getBroadcastState(WindowDriftFunction.REFERENCES)
                        .entries()) {
            ids.add(e.getKey());
        }
        return ids;
    }
}
