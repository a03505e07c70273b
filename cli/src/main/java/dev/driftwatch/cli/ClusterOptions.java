package dev.driftwatch.cli;

import dev.driftwatch.cli.local.FlinkCluster;
import dev.driftwatch.cli.local.LocalStack;
import dev.driftwatch.jobs.ClusterConfiguration;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The options of {@code up}'s cluster mode: a picocli mixin. {@code --task-managers N} (N at least
 * 1) runs Kafka as a broker process and the jobs on a Flink standalone session cluster of separate
 * processes; without it everything runs in the one process of {@code up}.
 */
public final class ClusterOptions {
    /** The most TaskManagers a local cluster starts. */
    static final int MAX_TASK_MANAGERS = 16;

    @Option(
            names = "--task-managers",
            defaultValue = "0",
            paramLabel = "N",
            description =
                    "Cluster mode: Kafka as a broker process, and the jobs on a Flink session"
                            + " cluster of separate processes (one JobManager, N TaskManagers of "
                            + FlinkCluster.SLOTS_PER_TASK_MANAGER
                            + " slots), submitted as the thin job jar through its REST API"
                            + " (default: ${DEFAULT-VALUE}, everything in this process).")
    int taskManagers;

    @Option(
            names = "--parallelism",
            paramLabel = "P",
            description =
                    "Cluster mode: the parallelism of each job (default: 1; each job takes P"
                            + " slots, so P is at most N).")
    Integer parallelism;

    @Option(
            names = "--job-jar",
            paramLabel = "FILE",
            description =
                    "Cluster mode: the thin job jar (default: jobs-jar/target/driftwatch-jobs.jar"
                            + " of this checkout, which bin/driftwatch builds).")
    Path jobJar;

    /** Checks the values before anything starts. */
    void validate() {
        if (taskManagers == 0) {
            if (parallelism != null || jobJar != null) {
                throw new InputException(
                        (parallelism != null ? "--parallelism" : "--job-jar")
                                + " is for the cluster mode: give --task-managers N too");
            }
            return;
        }
        if (taskManagers < 0 || taskManagers > MAX_TASK_MANAGERS) {
            throw new InputException(
                    "--task-managers must be between 0 and "
                            + MAX_TASK_MANAGERS
                            + ", was "
                            + taskManagers);
        }
        int p = parallelism();
        if (p < 1 || p > taskManagers) {
            throw new InputException(
                    "--parallelism must be between 1 and --task-managers ("
                            + taskManagers
                            + "): each of the two jobs takes P of the "
                            + taskManagers * FlinkCluster.SLOTS_PER_TASK_MANAGER
                            + " slots, was "
                            + p);
        }
        if (p > ClusterConfiguration.MAX_PARALLELISM) {
            throw new InputException(
                    "--parallelism must be at most " + ClusterConfiguration.MAX_PARALLELISM);
        }
        Path jar = jobJar();
        if (!Files.isRegularFile(jar)) {
            throw new InputException(
                    "--job-jar "
                            + jar
                            + " does not exist; build it with ./mvnw -B -ntp -pl jobs-jar -am"
                            + " package -DskipTests");
        }
    }

    /** The cluster mode these options describe, or null for the single-process default. */
    LocalStack.Cluster cluster() {
        return taskManagers == 0
                ? null
                : new LocalStack.Cluster(taskManagers, parallelism(), jobJar().toAbsolutePath());
    }

    private int parallelism() {
        return parallelism == null ? 1 : parallelism;
    }

    /** The given jar, else {@link #defaultJobJar()}. */
    private Path jobJar() {
        return jobJar != null ? jobJar : defaultJobJar();
    }

    /**
     * The thin job jar of the checkout this program runs from: {@code cli/target/driftwatch.jar}
     * (or {@code cli/target/classes}) is three levels under the root.
     */
    static Path defaultJobJar() {
        try {
            Path here =
                    Path.of(
                            ClusterOptions.class
                                    .getProtectionDomain()
                                    .getCodeSource()
                                    .getLocation()
                                    .toURI());
            Path root = here.toAbsolutePath().getParent().getParent().getParent();
            return root.resolve("jobs-jar/target/driftwatch-jobs.jar");
        } catch (URISyntaxException | NullPointerException e) {
            return Path.of("jobs-jar/target/driftwatch-jobs.jar");
        }
    }
}
