package dev.driftwatch.cli;

import dev.driftwatch.jobs.LocalJobs;
import picocli.CommandLine.Command;

/**
 * {@code driftwatch drift-job}: the drift job alone against a given Kafka and PostgreSQL, on a
 * local Flink MiniCluster with the web UI. The same job runs on a cluster through {@code
 * DriftJobMain}.
 */
@Command(
        name = "drift-job",
        mixinStandardHelpOptions = true,
        description = {
            "Run the drift job against the given Kafka and PostgreSQL (local Flink, web UI on"
                    + " --web-ui-port).",
            "Job options are --name value pairs; see the list below and docs/drift-job.md."
        },
        footer = "%nJob options (e.g. --window 28d):%n${driftwatch.job-usage}")
final class DriftJobCommand extends LocalJobCommand {
    @Override
    LocalJobs.Pipelines pipelines() {
        return LocalJobs.Pipelines.DRIFT;
    }

    @Override
    String label() {
        return "drift job";
    }
}
