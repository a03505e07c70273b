package dev.driftwatch.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.driftwatch.jobs.drift.DriftJob;
import dev.driftwatch.jobs.ingest.InferenceLogOptions;
import dev.driftwatch.jobs.performance.PerformanceJob;
import dev.driftwatch.jobs.shared.SharedJobOptions;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/**
 * The cluster configuration is valid Flink configuration, and under it (no generated uids) both
 * jobs build: every stateful operator carries its own uid, and the job graph has the fixed maximum
 * parallelism. No broker or database is reached: building a pipeline connects to nothing.
 */
class ClusterConfigurationTest {
    private static Configuration jobOptions() {
        Configuration config = new Configuration();
        config.set(SharedJobOptions.JDBC_URL, "jdbc:postgresql://127.0.0.1:1/none");
        // every optional branch of the pipelines: inference logs of both kinds
        config.set(
                InferenceLogOptions.INFERENCE_LOGS,
                List.of(InferenceLogOptions.KSERVE, InferenceLogOptions.SELDON));
        return config;
    }

    private static StreamExecutionEnvironment clusterEnvironment() {
        Configuration flink = new Configuration();
        ClusterConfiguration.flinkConfiguration().forEach(flink::setString);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
        env.enableCheckpointing(10_000);
        return env;
    }

    @Test
    void theDriftJobBuildsWithoutGeneratedUids() {
        StreamExecutionEnvironment env = clusterEnvironment();
        DriftJob.withKafka(jobOptions(), List.of()).build(env);
        assertFixedMaxParallelism(env.getStreamGraph().getJobGraph());
    }

    @Test
    void thePerformanceJobBuildsWithoutGeneratedUids() {
        StreamExecutionEnvironment env = clusterEnvironment();
        PerformanceJob.withKafka(jobOptions(), List.of(), OffsetsInitializer.earliest(), false)
                .build(env);
        assertFixedMaxParallelism(env.getStreamGraph().getJobGraph());
    }

    @Test
    void anOperatorWithoutAUidIsRefused() {
        StreamExecutionEnvironment env = clusterEnvironment();
        env.fromData(1, 2, 3).map(i -> i + 1).uid("map").print().uid("print");
        env.fromData(1, 2, 3).map(i -> i * 2).print().uid("print-2");
        assertThatThrownBy(() -> env.getStreamGraph().getJobGraph())
                .hasStackTraceContaining("Auto generated UIDs have been disabled");
    }

    @Test
    void theEntryClassesAreTheJobsMains() throws Exception {
        for (String entry :
                List.of(
                        ClusterConfiguration.DRIFT_ENTRY_CLASS,
                        ClusterConfiguration.PERFORMANCE_ENTRY_CLASS)) {
            assertThat(Class.forName(entry).getMethod("main", String[].class)).isNotNull();
        }
        Map<String, String> settings = ClusterConfiguration.flinkConfiguration();
        assertThat(settings)
                .containsEntry("state.backend.type", "rocksdb")
                .containsEntry("execution.checkpointing.incremental", "true")
                .containsEntry("pipeline.max-parallelism", "128")
                .containsKey("restart-strategy.type");
    }

    private static void assertFixedMaxParallelism(JobGraph graph) {
        assertThat(graph.getVertices()).isNotEmpty();
        for (JobVertex v : graph.getVertices()) {
            assertThat(v.getMaxParallelism())
                    .as(v.getName())
                    .isEqualTo(ClusterConfiguration.MAX_PARALLELISM);
        }
    }
}
