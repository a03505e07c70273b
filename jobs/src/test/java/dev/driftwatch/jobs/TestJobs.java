package dev.driftwatch.jobs;

import dev.driftwatch.jobs.shared.SharedJobOptions;
import dev.driftwatch.testsupport.TestKafka;
import dev.driftwatch.testsupport.TestPostgres;
import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

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
}
