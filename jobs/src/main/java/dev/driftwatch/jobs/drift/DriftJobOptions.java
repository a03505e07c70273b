package dev.driftwatch.jobs.drift;

import static org.apache.flink.configuration.ConfigOptions.key;

import dev.driftwatch.core.contract.Topics;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

/**
 * The drift job's own options (beside {@code SharedJobOptions}): the feature-only topic and the
 * extra alert rules. docs/drift-job.md lists them; a test checks it against this class.
 */
public final class DriftJobOptions {
    private DriftJobOptions() {}

    public static final ConfigOption<String> FEATURES_TOPIC =
            key("driftwatch.features-topic")
                    .stringType()
                    .defaultValue(Topics.FEATURES)
                    .withDescription("Topic of feature-only events (monitored like predictions).");

    public static final ConfigOption<List<String>> ALERT_RULES =
            key("driftwatch.alert-rule")
                    .stringType()
                    .asList()
                    .defaultValues()
                    .withDescription(
                            "Extra alert rules METRIC>=THRESHOLD:SEVERITY on any metric (e.g."
                                    + " missing_rate>=0.2:warning); drift decisions always alert.");

    /** The drift job's own options, for the CLI and the docs check. */
    public static List<ConfigOption<?>> all() {
        return List.of(FEATURES_TOPIC, ALERT_RULES);
    }

    /**
     * Checks the drift job's values.
     *
     * @throws IllegalArgumentException naming the bad one
     */
    public static void check(Configuration config) {
        for (String rule : config.get(ALERT_RULES)) {
            AlertRule.parse(rule);
        }
    }
}
