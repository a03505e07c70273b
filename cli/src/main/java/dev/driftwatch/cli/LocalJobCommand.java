package dev.driftwatch.cli;

import dev.driftwatch.cli.local.LocalFlink;
import dev.driftwatch.jobs.LocalJobs;
import dev.driftwatch.jobs.shared.JobArguments;
import dev.driftwatch.jobs.shared.SharedJobOptions;
import dev.driftwatch.local.ListenAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Unmatched;

/**
 * Runs one of the jobs alone on a local Flink MiniCluster with the web UI, against the Kafka and
 * PostgreSQL its options name; the subclasses say which.
 */
abstract class LocalJobCommand implements Callable<Integer> {
    @Mixin LocalRunOptions local;

    @Unmatched List<String> jobArgs = new ArrayList<>();

    static {
        System.setProperty("driftwatch.job-usage", JobArguments.usage());
    }

    abstract LocalJobs.Pipelines pipelines();

    abstract String label();

    @Override
    public Integer call() throws Exception {
        Configuration config = JobOptions.parse(jobArgs);
        local.validate();
        Options.requireBootstrapServers(
                "--bootstrap-servers", config.get(SharedJobOptions.BOOTSTRAP_SERVERS));
        Preflight.requirePostgres(
                config.get(SharedJobOptions.JDBC_URL),
                config.get(SharedJobOptions.JDBC_USER),
                config.get(SharedJobOptions.JDBC_PASSWORD));
        Preflight.requireKafka(config.get(SharedJobOptions.BOOTSTRAP_SERVERS));
        ListenAddress address = local.bindAddress();
        LocalFlink.secure(config, address);
        if (!address.isLoopback()) {
            System.err.println(
                    "driftwatch: WARNING: --bind-address "
                            + address
                            + " opens the Flink web UI and REST API (read-only: no submission, no cancel) at "
                            + address.clientHostInUri()
                            + ":"
                            + local.webUiPort
                            + " to the network");
        }
        JobClient job = LocalJobs.start(config, local.dataDir, local.webUiPort, pipelines());
        System.out.println(
                label()
                        + " "
                        + job.getJobID()
                        + " running; Flink web UI http://"
                        + address.clientHostInUri()
                        + ":"
                        + local.webUiPort
                        + " (Ctrl-C stops it)");
        job.getJobExecutionResult().get();
        return 0;
    }
}
