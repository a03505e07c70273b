package dev.driftwatch.benchmarks;

import dev.driftwatch.core.drift.DriftPolicies;
import dev.driftwatch.core.profile.ReferenceProfile;
import dev.driftwatch.jobs.drift.DriftJob;
import dev.driftwatch.jobs.drift.DriftJobOptions;
import dev.driftwatch.jobs.drift.WindowDriftFunction;
import dev.driftwatch.jobs.records.DriftMetricRow;
import dev.driftwatch.jobs.records.RawRecord;
import dev.driftwatch.jobs.records.ReferenceUpdate;
import dev.driftwatch.jobs.shared.SharedJobOptions;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Pipeline 2: {@link DriftJob} as shipped, on the harness' event source, with the reference
 * profiles as initial profiles and sinks that discard after counting. Tumbling event-time windows
 * of {@code windowMs}; events are in order (out-of-orderness and allowed lateness 0).
 */
final class ShippedDriftPipeline {
    private ShippedDriftPipeline() {}

    static void build(
            StreamExecutionEnvironment env,
            Source<RawRecord, ?, ?> events,
            List<ReferenceProfile> profiles,
            long windowMs,
            RunTally tally) {
        Configuration config = new Configuration();
        config.set(SharedJobOptions.WINDOW, Duration.ofMillis(windowMs));
        config.set(SharedJobOptions.OUT_OF_ORDERNESS, Duration.ZERO);
        config.set(SharedJobOptions.ALLOWED_LATENESS, Duration.ZERO);
        // the base windows only: each coarser resolution is one more keyed stage that merges the
        // same slices, and its rows would count the events again
        config.set(DriftJobOptions.WINDOW_RESOLUTIONS, List.of("none"));
        new DriftJob(
                        config,
                        events,
                        replayedReferenceTopic(profiles.get(0)),
                        profiles,
                        new TallySink<DriftMetricRow>(tally, ShippedDriftPipeline::record),
                        new TallySink<String>(tally, (alert, t) -> t.recordOutput(0)),
                        TallySink.deadLetters(tally),
                        DriftPolicies.defaults())
                .build(env);
    }

    /** Counts a metric row; the model-level event_count rows account for the input events. */
    static void record(DriftMetricRow row, RunTally tally) {
        if (row.feature.isEmpty() && WindowDriftFunction.EVENT_COUNT.equals(row.metric)) {
            tally.recordOutput((long) row.value);
        } else {
            if (row.feature.isEmpty()
                    && WindowDriftFunction.NO_REFERENCE_EVENTS.equals(row.metric)) {
                tally.recordEventsWithoutReference((long) row.value);
            }
            tally.recordOutput(0);
        }
    }

    /**
     * The reference-profile topic as a compacted topic holds it at start: here one profile that is
     * also among the initial profiles (same id, so the job keeps one copy).
     */
    private static Source<ReferenceUpdate, ?, ?> replayedReferenceTopic(ReferenceProfile profile) {
        ReferenceUpdate u = ReferenceUpdate.of(profile);
        return new DataGeneratorSource<>(
                new ReferenceReplay(u.referenceId, u.modelKey, u.json),
                1,
                Types.POJO(ReferenceUpdate.class));
    }

    /** Emits one fixed reference update. */
    private static final class ReferenceReplay implements GeneratorFunction<Long, ReferenceUpdate> {
        private static final long serialVersionUID = 1L;
        private final String referenceId;
        private final String modelKey;
        private final String json;

        ReferenceReplay(String referenceId, String modelKey, String json) {
            this.referenceId = referenceId;
            this.modelKey = modelKey;
            this.json = json;
        }

        @Override
        public ReferenceUpdate map(Long index) {
            ReferenceUpdate u = new ReferenceUpdate();
            u.referenceId = referenceId;
            u.modelKey = modelKey;
            u.json = json;
            return u;
        }
    }
}
