package dev.driftwatch.jobs;

import java.util.Arrays;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Entry point for a Flink cluster: {@code flink run -c dev.driftwatch.jobs.PerformanceJobMain
 * driftwatch.jar --bootstrap-servers kafka:9092 --jdbc-url jdbc:postgresql://db/driftwatch ...}.
 */
public final class PerformanceJobMain {
    private PerformanceJobMain() {}

    public static void main(String[] args) throws Exception {
        Configuration config;
        try {
            config = DriftJobArguments.parse(Arrays.asList(args));
        } catch (IllegalArgumentException e) {
            System.err.println("driftwatch performance job: " + e.getMessage());
            System.err.print(DriftJobArguments.usage());
            System.exit(2);
            return;
        }
        DriftSchema.migrate(
                config.get(DriftJobOptions.JDBC_URL),
                config.get(DriftJobOptions.JDBC_USER),
                config.get(DriftJobOptions.JDBC_PASSWORD));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.enableCheckpointing(
                config.get(DriftJobOptions.CHECKPOINT_INTERVAL).toMillis(),
                CheckpointingMode.EXACTLY_ONCE);
        PerformanceJob.withKafka(
                        config,
                        DriftJob.profilesFromFiles(config),
                        OffsetsInitializer.earliest(),
                        false)
                .build(env);
        env.execute("driftwatch-performance-job");
    }
}
