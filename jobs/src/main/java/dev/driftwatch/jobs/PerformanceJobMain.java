package dev.driftwatch.jobs;

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
                                        DriftJob.profilesFromFiles(config),
                                        OffsetsInitializer.earliest(),
                                        false)
                                .build(env));
    }
}
