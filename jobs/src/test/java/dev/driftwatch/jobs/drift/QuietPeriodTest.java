package dev.driftwatch.jobs.drift;

import static org.assertj.core.api.Assertions.assertThat;

import dev.driftwatch.core.event.JsonEventDecoder;
import dev.driftwatch.core.event.PredictionEvent;
import dev.driftwatch.core.profile.ReferenceProfile;
import dev.driftwatch.jobs.TestEvents;
import dev.driftwatch.jobs.records.DriftMetricRow;
import dev.driftwatch.jobs.records.ReferenceUpdate;
import dev.driftwatch.jobs.shared.QuietKeyRule;
import dev.driftwatch.jobs.shared.WindowSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Event time across quiet periods, with the default options (5-minute windows, 30 s out of
 * orderness, 5 min allowed lateness, idleness after 1 min, quiet-key timeout 5 min) on a
 * controllable processing clock: real-time traffic, then minutes of silence (long enough for the
 * event input to go idle), then traffic again gives exactly the rows of a run that was never quiet,
 * and no event is dead-lettered as too late.
 */
class QuietPeriodTest {
    private static final long MINUTE = 60_000;
    private static final long T0 = Instant.parse("2026-11-26T10:00:00Z").toEpochMilli();
    private static final WindowSpec WINDOWS =
            WindowSpec.of(Duration.ofMinutes(5), null, Duration.ofMinutes(5));
    private static final QuietKeyRule QUIET = QuietKeyRule.of(Duration.ofMinutes(5));
    private static final long OUT_OF_ORDERNESS = 30_000;
    private static final long IDLENESS = MINUTE;
    private static final long EVERY = 2_000;

    private static final ReferenceProfile V1 = TestEvents.reference("quiet");
    private static final ReferenceProfile V2 =
            new ReferenceProfile(
                    "quiet", "1", Instant.parse("2026-11-02T00:00:00Z"), V1.features());

    /** One event: arrives at {@code arrival}, stamped up to 20 s earlier. */
    private record Arrival(long arrival, PredictionEvent event) {}

    /** 7.5 minutes of traffic from {@code start}, one event every 2 s. */
    private static List<Arrival> traffic(long start, int seed) throws Exception {
        JsonEventDecoder parser = new JsonEventDecoder(List.of(), 1 << 20);
        Random random = new Random(seed);
        List<Arrival> out = new ArrayList<>();
        for (int i = 0; i < 225; i++) {
            long arrival = start + i * EVERY;
            long ts = arrival - random.nextInt(20_000);
            byte[] json =
                    TestEvents.event(
                            "quiet",
                            ts,
                            seed * 1000 + i,
                            50 + 10 * random.nextGaussian() + (seed == 2 ? 8 : 0),
                            new String[] {"DE", "FR", "IT"}[random.nextInt(3)],
                            random.nextDouble());
            out.add(new Arrival(arrival, parser.parse(json)));
        }
        return out;
    }

    /**
     * Runs two stretches of traffic, the second starting {@code silence} after the first ended,
     * with {@code between} published in the gap; the clock stands still in the gap unless {@code
     * quiet}.
     */
    private static Map<String, DriftMetricRow> run(
            long silence, boolean quiet, ReferenceUpdate between) throws Exception {
        List<Arrival> first = traffic(T0, 1);
        long resume = first.get(first.size() - 1).arrival() + EVERY + silence;
        List<Arrival> second = traffic(resume, 2);
        try (DriftPipelineHarness h =
                new DriftPipelineHarness(WINDOWS, QUIET, OUT_OF_ORDERNESS, IDLENESS, T0)) {
            h.publish(ReferenceUpdate.of(V1));
            long shift = 0; // how far the clock of a run that is never quiet lags the traffic
            for (Arrival a : first) {
                h.advanceTo(a.arrival());
                h.event(a.event());
            }
            long gapStart = h.now();
            if (quiet) {
                h.advanceTo(gapStart + silence / 2);
            }
            if (between != null) {
                h.publish(between);
            }
            if (quiet) {
                h.advanceTo(resume - EVERY);
            } else {
                shift = resume - EVERY - gapStart;
            }
            for (Arrival a : second) {
                h.advanceTo(a.arrival() - shift);
                h.event(a.event());
            }
            h.endOfInput();
            assertThat(h.tooLate()).as("events dead-lettered as too late").isEmpty();
            return h.rows();
        }
    }

    private static void assertSameRows(
            Map<String, DriftMetricRow> actual, Map<String, DriftMetricRow> expected) {
        assertThat(actual.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        for (Map.Entry<String, DriftMetricRow> e : expected.entrySet()) {
            DriftMetricRow a = actual.get(e.getKey());
            DriftMetricRow x = e.getValue();
            assertThat(a)
                    .as(e.getKey())
                    .usingRecursiveComparison()
                    .ignoringFields("computedAt", "closedBy")
                    .withComparatorForType(Double::compare, Double.class)
                    .isEqualTo(x);
        }
    }

    /** Events counted over all windows. */
    private static double events(Map<String, DriftMetricRow> rows) {
        return rows.values().stream()
                .filter(r -> r.metric.equals(WindowDriftFunction.EVENT_COUNT))
                .mapToDouble(r -> r.value)
                .sum();
    }

    private static String closedBy(Map<String, DriftMetricRow> rows, long windowStart) {
        return rows.get("/" + WindowDriftFunction.EVENT_COUNT + "/" + windowStart).closedBy;
    }

    @ParameterizedTest(name = "{0} minutes of silence")
    @ValueSource(ints = {1, 10, 60})
    void trafficAfterSilenceGivesTheRowsOfAnUninterruptedRun(int minutes) throws Exception {
        Map<String, DriftMetricRow> uninterrupted = run(minutes * MINUTE, false, null);
        Map<String, DriftMetricRow> quiet = run(minutes * MINUTE, true, null);

        assertSameRows(quiet, uninterrupted);
        assertThat(events(uninterrupted)).isEqualTo(450.0);
        assertThat(uninterrupted.values()).allMatch(r -> "watermark".equals(r.closedBy));
        // the window open when the traffic stopped (10:05-10:10): closed by the quiet-key rule
        // when the silence outlasts the timeout, else by the traffic's watermark
        assertThat(closedBy(quiet, T0 + 5 * MINUTE))
                .isEqualTo(minutes > 5 ? QuietKeyRule.BY_TIMEOUT : QuietKeyRule.BY_WATERMARK);
        assertThat(closedBy(quiet, T0)).isEqualTo(QuietKeyRule.BY_WATERMARK);
        assertThat(quiet.values())
                .as("late events")
                .filteredOn(r -> r.metric.equals(WindowDriftFunction.LATE_EVENTS))
                .allMatch(r -> r.value == 0.0);
    }

    @Test
    void aProfilePublishedWhileTheStreamIsIdleGivesTheRowsOfAnUninterruptedRun() throws Exception {
        ReferenceUpdate v2 = ReferenceUpdate.of(V2);
        Map<String, DriftMetricRow> uninterrupted = run(20 * MINUTE, false, v2);
        Map<String, DriftMetricRow> quiet = run(20 * MINUTE, true, v2);

        assertSameRows(quiet, uninterrupted);
        // windows after the gap were compared with the new baseline: every event was binned
        assertThat(quiet.values())
                .filteredOn(r -> r.metric.equals(WindowDriftFunction.NO_REFERENCE_EVENTS))
                .allMatch(r -> r.value == 0.0);
    }

    @Test
    void anIdleEventInputAndASideInputAtTheMaximumNeverCloseAWindow() throws Exception {
        try (DriftPipelineHarness h =
                new DriftPipelineHarness(WINDOWS, QuietKeyRule.off(), 0, IDLENESS, T0)) {
            h.publish(ReferenceUpdate.of(V1));
            for (Arrival a : traffic(T0, 1).subList(0, 100)) { // 10:00:00 - 10:03:18
                h.advanceTo(a.arrival());
                h.event(a.event());
            }
            h.advanceTo(T0 + 600 * MINUTE); // ten quiet hours; the event input is idle
            h.publish(ReferenceUpdate.of(V2)); // and a profile arrives with the maximum watermark

            assertThat(h.rows().keySet())
                    .as("the window open when the traffic stopped stays open")
                    .noneMatch(k -> k.endsWith("/" + T0));
            assertThat(h.outputWatermarks()).allMatch(w -> w < T0 + 5 * MINUTE);

            for (Arrival a : traffic(T0 + 200 * 1000, 3)) { // traffic resumes in the same window
                h.advanceTo(h.now() + EVERY);
                h.event(a.event());
            }
            h.endOfInput();
            assertThat(h.tooLate()).isEmpty();
            assertThat(events(h.rows())).isEqualTo(325.0);
        }
    }
}
