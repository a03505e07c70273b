package dev.driftwatch.jobs;

import dev.driftwatch.jobs.drift.DriftJob;
import dev.driftwatch.jobs.drift.DriftJobOptions;
import dev.driftwatch.jobs.shared.JobEndpoints;

/**
 * Entry point for a Flink cluster: {@code flink run -c dev.driftwatch.jobs.DriftJobMain
 * driftwatch.jar --bootstrap-servers kafka:9092 --jdbc-url jdbc:postgresql://db/driftwatch ...},
 * with the options of {@link DriftJobOptions}.
 */
public final class DriftJobMain {
    private DriftJobMain() {}

    public static void main(String[] args) throws Exception {
        ClusterJobLauncher.run(
                args,
                "driftwatch-drift-job",
                (config, env) ->
                        DriftJob.withKafka(config, JobEndpoints.referenceProfileFiles(config))
                                .build(env));
    }
}
