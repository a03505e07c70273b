package dev.driftwatch.benchmarks;

import dev.driftwatch.jobs.DriftJobOptions;
import dev.driftwatch.jobs.EventParseFunction;
import dev.driftwatch.jobs.model.RawRecord;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Pipeline 1, the limit: the drift job's own source and parse stage ({@link EventParseFunction},
 * i.e. {@code EventParser} on the JSON contract), then discard.
 */
final class PassThroughPipeline {
    private PassThroughPipeline() {}

    static void build(
            StreamExecutionEnvironment env, Source<RawRecord, ?, ?> events, RunTally tally) {
        Configuration defaults = new Configuration();
        env.fromSource(events, WatermarkStrategy.noWatermarks(), "events")
                .process(
                        new EventParseFunction(
                                defaults.get(DriftJobOptions.SEGMENT_TAGS),
                                defaults.get(DriftJobOptions.MAX_SEGMENTS),
                                defaults.get(DriftJobOptions.MAX_EVENT_BYTES)))
                .name("parse and validate")
                .sinkTo(TallySink.oneEventPerOutput(tally))
                .name("discard");
    }
}
