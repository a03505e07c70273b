package dev.driftwatch.jobs;

import dev.driftwatch.jobs.drift.DriftJobOptions;
import dev.driftwatch.jobs.performance.PerformanceJob;
import dev.driftwatch.jobs.performance.PerformanceJobOptions;
import dev.driftwatch.jobs.shared.JobEndpoints;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;

/**
 * Entry point for a Flink cluster: {@code flink run -c dev.driftwatch.jobs.PerformanceJobMain
 * driftwatch.jar --bootstrap-servers kafka:9092 --jdbc-url jdbc:postgresql://db/driftwatch ...},
 * with the options of {@link DriftJobOptions} and {@link PerformanceJobOptions}.
 */
public final class PerformanceJobMain {
    private PerformanceJobMain() {}

    public static void main(String[] args) throws Exception {
        ClusterJobLauncher.run(
                args,
                "driftwatch-performance-job",
                (config, env) ->
                        PerformanceJob.withKafka(
                                        config,
                                        JobEndpoints.referenceProfileFiles(config),
                                        OffsetsInitializer.earliest(),
                                        false)
                                .build(env));
    }
}
