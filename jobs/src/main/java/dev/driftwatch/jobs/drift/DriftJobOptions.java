package dev.driftwatch.jobs.drift;

import static org.apache.flink.configuration.ConfigOptions.key;

import dev.driftwatch.core.contract.Topics;
import dev.driftwatch.jobs.shared.SharedJobOptions;
import dev.driftwatch.jobs.shared.WindowResolutions;
import dev.driftwatch.jobs.shared.WindowSpec;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

/**
 * The drift job's own options (beside {@code SharedJobOptions}): the feature-only topic, the extra
 * alert rules and the resolutions written and alerted on. docs/drift-job.md lists them; a test
 * checks it against this class.
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

    public static final ConfigOption<List<String>> WINDOW_RESOLUTIONS =
            key("driftwatch.window-resolutions")
                    .stringType()
                    .asList()
                    .defaultValues(WindowResolutions.DEFAULT_COARSER.toArray(new String[0]))
                    .withDescription(
                            "Coarser tumbling windows written beside the base --window, merged"
                                    + " exactly from its slices; each a multiple of --window. By"
                                    + " default those of 1h and 1d that are (none with --slide);"
                                    + " 'none' writes only the base windows.");

    public static final ConfigOption<List<String>> ALERT_RESOLUTIONS =
            key("driftwatch.alert-resolutions")
                    .stringType()
                    .asList()
                    .noDefaultValue()
                    .withDescription(
                            "The resolutions whose rows feed the alert rules (drift decisions and"
                                    + " --alert-rule): --window and/or --window-resolutions values."
                                    + " Default: the base --window alone.");

    /** The drift job's own options, for the CLI and the docs check. */
    public static List<ConfigOption<?>> all() {
        return List.of(FEATURES_TOPIC, ALERT_RULES, WINDOW_RESOLUTIONS, ALERT_RESOLUTIONS);
    }

    /**
     * The resolutions the drift job writes.
     *
     * @throws IllegalArgumentException naming a bad value
     */
    public static WindowResolutions resolutions(Configuration config) {
        return WindowResolutions.of(
                WindowSpec.of(
                        config.get(SharedJobOptions.WINDOW),
                        config.get(SharedJobOptions.SLIDE),
                        config.get(SharedJobOptions.ALLOWED_LATENESS)),
                config.getOptional(WINDOW_RESOLUTIONS).orElse(null),
                config.getOptional(ALERT_RESOLUTIONS).orElse(null));
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
        resolutions(config);
    }
}
