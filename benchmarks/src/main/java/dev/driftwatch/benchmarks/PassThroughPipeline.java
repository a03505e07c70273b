package dev.driftwatch.benchmarks;

import dev.driftwatch.jobs.records.RawRecord;
import dev.driftwatch.jobs.shared.JobStages;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Pipeline 1, the limit: the drift job's own source and decode stage ({@link JobStages#events},
 * i.e. {@code JsonEventDecoder} on the JSON contract), then discard.
 */
final class PassThroughPipeline {
    private PassThroughPipeline() {}

    static void build(
            StreamExecutionEnvironment env, Source<RawRecord, ?, ?> events, RunTally tally) {
        new JobStages(env, new Configuration())
                .events(
                        events,
                        new JobStages.Ids("events-source", "events"),
                        new JobStages.Ids("parse", "decode and validate"),
                        true)
                .sinkTo(TallySink.oneEventPerOutput(tally))
                .name("discard");
    }
}
