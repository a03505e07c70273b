package dev.driftwatch.cli;

import dev.driftwatch.cli.local.LocalStack;
import dev.driftwatch.jobs.shared.SharedJobOptions;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code driftwatch up}: the {@link LocalStack} on embedded defaults, until Ctrl-C or SIGTERM.
 *
 * <pre>
 * bin/driftwatch up --data-dir data --window 5min
 * </pre>
 */
@Command(
        name = "up",
        mixinStandardHelpOptions = true,
        description = {
            "Start the local stack: Kafka (in-process), PostgreSQL (embedded or --jdbc-url), the"
                    + " registry on --registry-port, the ingest endpoint for model servers'"
                    + " inference logs (127.0.0.1, a free port), the drift and performance jobs"
                    + " with the Flink web UI.",
            "With --task-managers N (cluster mode): Kafka as a broker process, and the jobs on"
                    + " a Flink standalone session cluster (a JobManager and N TaskManager"
                    + " processes), submitted as the thin job jar.",
            "Writes DIR/endpoints.json when everything answers; Ctrl-C stops it cleanly.",
            "Drift-job options (e.g. --window 28d) are passed on; see `driftwatch drift-job --help`."
        })
public final class UpCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin StackOptions stack;

    @Mixin ClusterOptions cluster;

    @Unmatched List<String> jobArgs = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        Configuration jobs = JobOptions.parse(jobArgs);
        if (jobs.contains(SharedJobOptions.BOOTSTRAP_SERVERS)) {
            throw new InputException(
                    "up runs its own Kafka broker: --bootstrap-servers is for drift-job and"
                            + " performance-job");
        }
        stack.validate();
        cluster.validate();
        if (jobs.contains(SharedJobOptions.JDBC_URL)) {
            Preflight.requirePostgres(
                    jobs.get(SharedJobOptions.JDBC_URL),
                    jobs.get(SharedJobOptions.JDBC_USER),
                    jobs.get(SharedJobOptions.JDBC_PASSWORD));
        }
        PrintWriter out = spec.commandLine().getOut();
        LocalStack running =
                LocalStack.start(stack.settings(jobs).withCluster(cluster.cluster()), out);
        out.println("driftwatch up: running. Ctrl-C stops it.");
        out.flush();
        UntilStopped.await(running, "up", out);
        return 0;
    }
}
