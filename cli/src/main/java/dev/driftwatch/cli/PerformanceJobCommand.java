package dev.driftwatch.cli;

import dev.driftwatch.jobs.LocalJobs;
import picocli.CommandLine.Command;

/**
 * {@code driftwatch performance-job}: the performance job alone against a given Kafka and
 * PostgreSQL, on a local Flink MiniCluster with the web UI. The same job runs on a cluster through
 * {@code PerformanceJobMain}.
 */
@Command(
        name = "performance-job",
        mixinStandardHelpOptions = true,
        description = {
            "Run the performance job (labels joined to predictions) against the given Kafka and"
                    + " PostgreSQL (local Flink, web UI on --web-ui-port).",
            "Job options are --name value pairs; see the list below and docs/performance-job.md."
        },
        footer = "%nJob options (e.g. --label-ttl 3d):%n${driftwatch.job-usage}")
final class PerformanceJobCommand extends LocalJobCommand {
    @Override
    LocalJobs.Pipelines pipelines() {
        return LocalJobs.Pipelines.PERFORMANCE;
    }

    @Override
    String label() {
        return "performance job";
    }
}
