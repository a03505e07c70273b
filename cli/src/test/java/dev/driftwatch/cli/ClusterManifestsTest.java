package dev.driftwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.driftwatch.cli.local.FlinkCluster;
import dev.driftwatch.jobs.ClusterConfiguration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The FlinkDeployments in {@code deploy/} and the cluster mode of {@code up} run the jobs the same
 * way: the Flink configuration of {@link ClusterConfiguration} (state backend, incremental
 * checkpoints, restart strategy, maximum parallelism, uids) in both, the same entry classes, and
 * the same thin job jar, which the jobs image holds (not the command line's jar).
 */
class ClusterManifestsTest {
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final Path ROOT = DocSteps.ROOT;
    private static final String JOB_JAR = "jobs-jar/target/driftwatch-jobs.jar";

    @TempDir Path dir;

    /** Every FlinkDeployment document under deploy/base and deploy/overlays, with its file. */
    private static List<Map.Entry<Path, JsonNode>> flinkDeployments() throws IOException {
        List<Map.Entry<Path, JsonNode>> found = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> s = Files.walk(ROOT.resolve("deploy"))) {
            files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        for (Path f : files) {
            try (MappingIterator<JsonNode> docs =
                    YAML.readerFor(JsonNode.class).readValues(f.toFile())) {
                while (docs.hasNext()) {
                    JsonNode d = docs.next();
                    if (d != null && "FlinkDeployment".equals(d.path("kind").asText())) {
                        found.add(Map.entry(f, d));
                    }
                }
            }
        }
        return found;
    }

    private static boolean isBase(Path file) {
        return ROOT.resolve("deploy/base").equals(file.getParent());
    }

    @Test
    void theFlinkDeploymentsSetTheClusterConfigurationOfTheJobs() throws IOException {
        int bases = 0;
        for (Map.Entry<Path, JsonNode> d : flinkDeployments()) {
            if (!isBase(d.getKey())) {
                continue;
            }
            bases++;
            JsonNode conf = d.getValue().path("spec").path("flinkConfiguration");
            ClusterConfiguration.flinkConfiguration()
                    .forEach(
                            (key, value) ->
                                    assertThat(conf.path(key).asText(null))
                                            .as(d.getKey().getFileName() + " " + key)
                                            .isEqualTo(value));
        }
        assertThat(bases).isEqualTo(2);
    }

    @Test
    void theFlinkDeploymentsRunTheEntryClassesOfTheClusterModeBelowTheMaxParallelism()
            throws IOException {
        Set<String> entryClasses = new TreeSet<>();
        for (Map.Entry<Path, JsonNode> d : flinkDeployments()) {
            JsonNode job = d.getValue().path("spec").path("job");
            if (isBase(d.getKey())) {
                entryClasses.add(job.path("entryClass").asText());
            }
            if (job.has("parallelism")) {
                assertThat(job.path("parallelism").asInt())
                        .as(d.getKey() + " job.parallelism")
                        .isBetween(1, ClusterConfiguration.MAX_PARALLELISM);
            }
        }
        assertThat(entryClasses)
                .containsExactlyInAnyOrder(
                        ClusterConfiguration.DRIFT_ENTRY_CLASS,
                        ClusterConfiguration.PERFORMANCE_ENTRY_CLASS);
    }

    @Test
    void theClusterModesConfigYamlCarriesTheSameSettingsAsFlinkReadsThem() throws IOException {
        Path config =
                FlinkCluster.writeConfig(
                        new FlinkCluster.Options(
                                dir.resolve("flink"),
                                dir.resolve("checkpoints"),
                                dir.resolve("savepoints"),
                                dir.resolve("pids"),
                                8081,
                                2));
        Configuration read = GlobalConfiguration.loadConfiguration(config.getParent().toString());
        ClusterConfiguration.flinkConfiguration()
                .forEach(
                        (key, value) -> assertThat(read.toMap().get(key)).as(key).isEqualTo(value));
        assertThat(read.toMap().get("execution.checkpointing.dir"))
                .isEqualTo(dir.resolve("checkpoints").toAbsolutePath().toUri().toString());
        assertThat(read.toMap().get("taskmanager.numberOfTaskSlots"))
                .isEqualTo(Integer.toString(FlinkCluster.SLOTS_PER_TASK_MANAGER));
    }

    @Test
    void theJobsImageAndTheClusterModeUseTheThinJobJar() throws IOException {
        String dockerfile = Files.readString(ROOT.resolve("deploy/docker/Dockerfile.jobs"));
        Matcher copy =
                Pattern.compile("(?m)^COPY\\s+(?:--\\S+\\s+)*(\\S+)\\s+(\\S+)").matcher(dockerfile);
        List<String> copied = new ArrayList<>();
        while (copy.find()) {
            copied.add(copy.group(1));
        }
        assertThat(copied).containsExactly(JOB_JAR).doesNotContain("cli/target/driftwatch.jar");
        assertThat(ClusterOptions.defaultJobJar()).isEqualTo(ROOT.resolve(JOB_JAR));

        Path jar = ROOT.resolve(JOB_JAR);
        assertThat(jar).as("built by the reactor before this module").isRegularFile();
        try (JarFile f = new JarFile(jar.toFile())) {
            assertThat(
                            f.getEntry(
                                    ClusterConfiguration.DRIFT_ENTRY_CLASS.replace('.', '/')
                                            + ".class"))
                    .isNotNull();
            assertThat(
                            f.getEntry(
                                    ClusterConfiguration.PERFORMANCE_ENTRY_CLASS.replace('.', '/')
                                            + ".class"))
                    .isNotNull();
            assertThat(f.getEntry("org/apache/flink/runtime/minicluster/MiniCluster.class"))
                    .as("no Flink runtime: the cluster provides it")
                    .isNull();
            assertThat(f.getEntry("dev/driftwatch/cli/Driftwatch.class"))
                    .as("not the command line's jar")
                    .isNull();
        }
    }
}
