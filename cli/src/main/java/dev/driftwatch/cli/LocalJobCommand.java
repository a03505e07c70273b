package dev.driftwatch.cli;

import dev.driftwatch.jobs.LocalJobs;
import dev.driftwatch.jobs.shared.JobArguments;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/**
 * Runs one of the jobs alone on a local Flink MiniCluster with the web UI, against the Kafka and
 * PostgreSQL its options name; the subclasses say which.
 */
abstract class LocalJobCommand implements Callable<Integer> {
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
        System.setProperty("driftwatch.job-usage", JobArguments.usage());
    }

    abstract LocalJobs.Pipelines pipelines();

    abstract String label();

    @Override
    public Integer call() throws Exception {
        Configuration config = JobOptions.parse(jobArgs);
        JobClient job = LocalJobs.start(config, dataDir, webUiPort, pipelines());
        System.out.println(
                label()
                        + " "
                        + job.getJobID()
                        + " running; Flink web UI http://localhost:"
                        + webUiPort
                        + " (Ctrl-C stops it)");
        job.getJobExecutionResult().get();
        return 0;
    }
}
