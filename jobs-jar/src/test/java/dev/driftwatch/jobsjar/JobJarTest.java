package dev.driftwatch.jobsjar;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The thin job jar holds the jobs, drift-core and what a Flink cluster does not provide (the Kafka
 * connector, Kafka's client, JDBC, Flyway, jdbi), and none of Flink itself.
 */
class JobJarTest {
    private static Set<String> entries;

    @BeforeAll
    static void open() throws IOException {
        Path jar = Path.of(System.getProperty("driftwatch.job-jar", "target/driftwatch-jobs.jar"));
        try (JarFile f = new JarFile(jar.toFile())) {
            entries = f.stream().map(e -> e.getName()).collect(Collectors.toSet());
        }
    }

    @Test
    void holdsTheJobsAndWhatTheClusterDoesNotProvide() {
        assertThat(entries)
                .contains(
                        "dev/driftwatch/jobs/DriftJobMain.class",
                        "dev/driftwatch/jobs/PerformanceJobMain.class",
                        "dev/driftwatch/core/profile/ReferenceProfile.class",
                        "db/jobs/V1__drift_metrics.sql",
                        "org/apache/flink/connector/kafka/source/KafkaSource.class",
                        "org/apache/flink/connector/base/source/reader/SourceReaderBase.class",
                        "org/apache/kafka/clients/producer/KafkaProducer.class",
                        "org/postgresql/Driver.class",
                        "org/flywaydb/core/Flyway.class",
                        "org/jdbi/v3/core/Jdbi.class",
                        "org/apache/datasketches/kll/KllDoublesSketch.class");
    }

    @Test
    void holdsNoFlinkRuntime() {
        List<String> flinkOutsideConnectors =
                entries.stream()
                        .filter(e -> e.startsWith("org/apache/flink/") && e.endsWith(".class"))
                        .filter(e -> !e.startsWith("org/apache/flink/connector/"))
                        // the Kafka connector's own packages
                        .filter(e -> !e.startsWith("org/apache/flink/streaming/connectors/kafka/"))
                        .filter(
                                e ->
                                        !e.startsWith(
                                                "org/apache/flink/streaming/util/serialization/"))
                        .sorted()
                        .toList();
        assertThat(flinkOutsideConnectors).isEmpty();
        assertThat(entries)
                .doesNotContain(
                        "org/apache/flink/streaming/api/environment/StreamExecutionEnvironment.class",
                        "org/apache/flink/runtime/minicluster/MiniCluster.class",
                        "org/rocksdb/RocksDB.class");
        assertThat(entries).noneMatch(e -> e.startsWith("scala/"));
        assertThat(entries)
                .as("Flink provides the logging API")
                .noneMatch(e -> e.startsWith("org/slf4j/"));
        assertThat(entries).noneMatch(e -> e.startsWith("picocli/"));
        assertThat(entries).noneMatch(e -> e.startsWith("dev/driftwatch/cli/"));
    }
}
