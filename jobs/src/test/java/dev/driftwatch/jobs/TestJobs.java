package dev.driftwatch.jobs;

import dev.driftwatch.jobs.shared.SharedJobOptions;
import dev.driftwatch.testsupport.TestKafka;
import dev.driftwatch.testsupport.TestPostgres;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.executiongraph.AccessExecutionVertex;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.InMemoryReporter;

/** The job configuration the jobs' end-to-end tests start from. */
public final class TestJobs {
    private TestJobs() {}

    /**
     * The test broker and database, one-minute windows, and the topics {@code topics} (from {@link
     * TestKafka#createTopics}): predictions, the second input ({@code secondTopic}: features or
     * labels), reference profiles, alerts, dead letters.
     */
    public static Configuration config(
            List<String> topics, ConfigOption<String> secondTopic, TestPostgres.Connection db)
            throws Exception {
        Configuration config = new Configuration();
        config.set(SharedJobOptions.BOOTSTRAP_SERVERS, TestKafka.bootstrapServers());
        config.set(SharedJobOptions.PREDICTIONS_TOPIC, topics.get(0));
        config.set(secondTopic, topics.get(1));
        config.set(SharedJobOptions.REFERENCE_PROFILES_TOPIC, topics.get(2));
        config.set(SharedJobOptions.ALERTS_TOPIC, topics.get(3));
        config.set(SharedJobOptions.DEAD_LETTERS_TOPIC, topics.get(4));
        config.set(SharedJobOptions.GROUP_ID, "test-" + topics.get(0));
        config.set(SharedJobOptions.WINDOW, Duration.ofMinutes(1));
        config.set(SharedJobOptions.JDBC_URL, db.url());
        config.set(SharedJobOptions.JDBC_USER, db.user());
        config.set(SharedJobOptions.JDBC_PASSWORD, db.password());
        return config;
    }

    /**
     * The sum over subtasks of a counter or gauge of a job's operator ({@code operator} "": any
     * operator), as an {@link InMemoryReporter} on the MiniCluster has it.
     */
    public static long metric(InMemoryReporter metrics, JobID job, String operator, String name) {
        long sum = 0;
        for (Map.Entry<MetricGroup, Map<String, Metric>> e :
                metrics.getMetricsByGroup().entrySet()) {
            Map<String, String> scope = e.getKey().getAllVariables();
            if (!job.toString().equals(scope.get("<job_id>"))
                    || !(operator.isEmpty() || operator.equals(scope.get("<operator_name>")))) {
                continue;
            }
            Metric m = e.getValue().get(name);
            if (m instanceof Counter c) {
                sum += c.getCount();
            } else if (m instanceof Gauge<?> g && g.getValue() instanceof Number n) {
                sum += n.longValue();
            }
        }
        return sum;
    }

    /**
     * How often the job was restarted: the highest attempt number of its tasks (0 when every task
     * runs or ran in its first attempt). Works for running and finished jobs.
     */
    public static int restarts(MiniCluster cluster, JobID job) throws Exception {
        int restarts = 0;
        for (AccessExecutionVertex v :
                cluster.getArchivedExecutionGraph(job).get().getAllExecutionVertices()) {
            restarts = Math.max(restarts, v.getCurrentExecutionAttempt().getAttemptNumber());
        }
        return restarts;
    }
}
