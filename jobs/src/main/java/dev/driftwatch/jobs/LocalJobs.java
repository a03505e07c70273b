package dev.driftwatch.jobs;

import dev.driftwatch.core.profile.ReferenceProfile;
import dev.driftwatch.jobs.drift.DriftJob;
import dev.driftwatch.jobs.performance.PerformanceJob;
import dev.driftwatch.jobs.shared.JobEndpoints;
import dev.driftwatch.jobs.shared.MetricTables;
import dev.driftwatch.jobs.shared.SharedJobOptions;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Runs the drift job, the performance job, or both as one Flink job, on a local Flink MiniCluster
 * (RocksDB state, incremental exactly-once checkpoints in the data directory, the Flink web UI on
 * {@code webUiPort}, read-only: {@link ReadOnlyRestMiniCluster}), after applying the metric tables'
 * migrations. Used by {@code bin/driftwatch drift-job}, {@code performance-job} and {@code up}.
 *
 * <pre>{@code
 * JobClient job = LocalJobs.start(config, Path.of("data"), 8081);
 * }</pre>
 */
public final class LocalJobs {
    private LocalJobs() {}

    public static JobClient start(Configuration config, Path dataDir, int webUiPort)
            throws Exception {
        return start(config, dataDir, webUiPort, Pipelines.DRIFT);
    }

    /** Which pipelines one local Flink job runs. */
    public enum Pipelines {
        DRIFT("driftwatch-drift-job"),
        PERFORMANCE("driftwatch-performance-job"),
        BOTH("driftwatch");

        final String jobName;

        Pipelines(String jobName) {
            this.jobName = jobName;
        }
    }

    /**
     * Starts the chosen pipelines as one Flink job (one MiniCluster, one web UI); both together are
     * named "driftwatch".
     */
    public static JobClient start(
            Configuration config, Path dataDir, int webUiPort, Pipelines pipelines)
            throws Exception {
        List<ReferenceProfile> profiles = JobEndpoints.referenceProfileFiles(config);
        MetricTables.migrate(
                config.get(SharedJobOptions.JDBC_URL),
                config.get(SharedJobOptions.JDBC_USER),
                config.get(SharedJobOptions.JDBC_PASSWORD));
        StreamExecutionEnvironment env =
                ReadOnlyRestMiniCluster.environment(flinkConfiguration(config, dataDir, webUiPort));
        env.enableCheckpointing(config.get(SharedJobOptions.CHECKPOINT_INTERVAL).toMillis());
        env.getConfig().enableObjectReuse();
        if (pipelines != Pipelines.PERFORMANCE) {
            DriftJob.withKafka(config, profiles).build(env);
        }
        if (pipelines != Pipelines.DRIFT) {
            PerformanceJob.withKafka(config, profiles, OffsetsInitializer.earliest(), false)
                    .build(env);
        }
        return env.executeAsync(pipelines.jobName);
    }

    /** Flink settings of the local run. */
    static Configuration flinkConfiguration(Configuration config, Path dataDir, int webUiPort) {
        Configuration flink = new Configuration(config);
        flink.setString("state.backend.type", "rocksdb");
        flink.setString("execution.checkpointing.incremental", "true");
        flink.setString(
                "execution.checkpointing.dir",
                dataDir.resolve("checkpoints").toAbsolutePath().toUri().toString());
        flink.setString("execution.checkpointing.mode", "EXACTLY_ONCE");
        flink.set(RestOptions.PORT, webUiPort);
        flink.setString("parallelism.default", "1");
        flink.setString("taskmanager.numberOfTaskSlots", "4");
        return flink;
    }
}
