package dev.driftwatch.jobs;

import dev.driftwatch.jobs.shared.JobArguments;
import dev.driftwatch.jobs.shared.MetricTables;
import dev.driftwatch.jobs.shared.SharedJobOptions;
import java.util.Arrays;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * What the cluster entry points share: parse the job options (usage and exit code 2 on a bad one),
 * migrate the tables, enable exactly-once checkpoints and object reuse, build and execute. State
 * backend, checkpoint storage and parallelism come from the cluster's configuration.
 */
final class ClusterJobLauncher {
    private ClusterJobLauncher() {}

    /** Adds a job's pipeline to an environment. */
    interface Pipeline {
        void build(Configuration config, StreamExecutionEnvironment env) throws Exception;
    }

    static void run(String[] args, String jobName, Pipeline pipeline) throws Exception {
        Configuration config;
        try {
            config = JobArguments.parse(Arrays.asList(args));
        } catch (IllegalArgumentException e) {
            System.err.println(jobName + ": " + e.getMessage());
            System.err.print(JobArguments.usage());
            System.exit(2);
            return;
        }
        MetricTables.migrate(
                config.get(SharedJobOptions.JDBC_URL),
                config.get(SharedJobOptions.JDBC_USER),
                config.get(SharedJobOptions.JDBC_PASSWORD));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.enableCheckpointing(
                config.get(SharedJobOptions.CHECKPOINT_INTERVAL).toMillis(),
                CheckpointingMode.EXACTLY_ONCE);
        env.getConfig().enableObjectReuse();
        pipeline.build(config, env);
        env.execute(jobName);
    }
}
