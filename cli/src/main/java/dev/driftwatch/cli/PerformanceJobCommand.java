package dev.driftwatch.cli;

import dev.driftwatch.jobs.DriftJobArguments;
import dev.driftwatch.jobs.LocalDriftJob;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/**
 * {@code driftwatch performance-job}: the performance job alone against a given Kafka and
 * PostgreSQL, on a local Flink MiniCluster with the web UI. The same job runs on a cluster through
 * {@code DriftJobMain}.
 */
@Command(
        name = "performance-job",
        mixinStandardHelpOptions = true,
        description = {
            "Run the performance job (labels joined to predictions) against the given Kafka and PostgreSQL (local Flink, web UI on --web-ui-port).",
            "Job options are --name value pairs; see the list below and docs/performance-job.md."
        },
        footer = "%nJob options (e.g. --window 28d):%n${driftwatch.job-usage}")
final class PerformanceJobCommand implements Callable<Integer> {
    @Option(
            names = "--data-dir",
            defaultValue = "data",
            paramLabel = "DIR",
            description = "Checkpoints go here (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(
            names = "--web-ui-port",
            defaultValue = "8081",
            paramLabel = "PORT",
            description = "Flink web UI port (default: ${DEFAULT-VALUE}).")
    int webUiPort;

    @Unmatched List<String> jobArgs = new ArrayList<>();

    static {
        System.setProperty("driftwatch.job-usage", DriftJobArguments.usage());
    }

    @Override
    public Integer call() throws Exception {
        Configuration config = JobOptions.parse(jobArgs);
        JobClient job =
                LocalDriftJob.start(
                        config, dataDir, webUiPort, LocalDriftJob.Pipelines.PERFORMANCE);
        System.out.println(
                "performance job "
                        + job.getJobID()
                        + " running; Flink web UI http://localhost:"
                        + webUiPort
                        + " (Ctrl-C stops it)");
        job.getJobExecutionResult().get();
        return 0;
    }
}
