package dev.driftwatch.jobs;

import dev.driftwatch.core.profile.ReferenceProfile;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Runs the drift job on a local Flink MiniCluster (RocksDB state, incremental exactly-once
 * checkpoints in the data directory, the Flink web UI on {@code webUiPort}), after applying the
 * drift_metrics migrations. Used by {@code bin/driftwatch drift-job} and {@code up}.
 *
 * <pre>{@code
 * JobClient job = LocalDriftJob.start(config, Path.of("data"), 8081);
 * }</pre>
 */
public final class LocalDriftJob {
    private LocalDriftJob() {}

    public static JobClient start(Configuration config, Path dataDir, int webUiPort)
            throws Exception {
        return start(config, dataDir, webUiPort, false);
    }

    /**
     * Starts the drift job, and with {@code withPerformance} the performance job in the same Flink
     * job (one MiniCluster, one web UI), named "driftwatch".
     */
    public static JobClient start(
            Configuration config, Path dataDir, int webUiPort, boolean withPerformance)
            throws Exception {
        List<ReferenceProfile> profiles = DriftJob.profilesFromFiles(config);
        DriftSchema.migrate(
                config.get(DriftJobOptions.JDBC_URL),
                config.get(DriftJobOptions.JDBC_USER),
                config.get(DriftJobOptions.JDBC_PASSWORD));
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(
                        flinkConfiguration(config, dataDir, webUiPort));
        env.enableCheckpointing(config.get(DriftJobOptions.CHECKPOINT_INTERVAL).toMillis());
        env.getConfig().enableObjectReuse();
        DriftJob.withKafka(config, profiles).build(env);
        if (withPerformance) {
            PerformanceJob.withKafka(config, profiles, OffsetsInitializer.earliest(), false)
                    .build(env);
        }
        return env.executeAsync(withPerformance ? "driftwatch" : "driftwatch-drift-job");
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
