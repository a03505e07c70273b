package dev.driftwatch.jobs.performance;

import static org.apache.flink.configuration.ConfigOptions.key;

import dev.driftwatch.core.DriftCoreException;
import dev.driftwatch.core.contract.Topics;
import dev.driftwatch.core.performance.TaskType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

/**
 * The performance job's own options; it also takes the {@code SharedJobOptions} (Kafka, windows,
 * PostgreSQL, alert persistence, checkpoints). docs/performance-job.md lists them; a test checks
 * it.
 */
public final class PerformanceJobOptions {
    private PerformanceJobOptions() {}

    public static final ConfigOption<String> LABELS_TOPIC =
            key("driftwatch.labels-topic")
                    .stringType()
                    .defaultValue(Topics.LABELS)
                    .withDescription("Topic of ground-truth labels.");

    public static final ConfigOption<Duration> LABEL_TTL =
            key("driftwatch.label-ttl")
                    .durationType()
                    .defaultValue(Duration.ofDays(7))
                    .withDescription(
                            "How long a prediction waits for its label (and a label for its"
                                    + " prediction); then it counts as unlabelled (orphaned).");

    public static final ConfigOption<Duration> EMIT_INTERVAL =
            key("driftwatch.performance-emit-interval")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(10))
                    .withDescription(
                            "A window whose labels changed is rewritten at the next watermark or after"
                                    + " this long, whichever comes first.");

    public static final ConfigOption<List<String>> TASKS =
            key("driftwatch.task")
                    .stringType()
                    .asList()
                    .defaultValues()
                    .withDescription(
                            "Task type per model, MODEL=binary|multiclass|regression (repeatable);"
                                    + " otherwise inferred from the first labelled prediction.");

    public static final ConfigOption<String> POSITIVE_LABEL =
            key("driftwatch.positive-label")
                    .stringType()
                    .defaultValue("1")
                    .withDescription("The positive class of binary models.");

    public static final ConfigOption<Double> DECISION_THRESHOLD =
            key("driftwatch.decision-threshold")
                    .doubleType()
                    .defaultValue(0.5)
                    .withDescription(
                            "Binary models without prediction.label predict positive when score >= this.");

    public static final ConfigOption<List<String>> PERFORMANCE_RULES =
            key("driftwatch.performance-rule")
                    .stringType()
                    .asList()
                    .defaultValues(
                            "roc_auc drop>0.1:warning",
                            "accuracy drop>0.1:warning",
                            "rmse rise>0.2:warning")
                    .withDescription(
                            "Performance alert rules: METRIC<VALUE:SEVERITY, METRIC>VALUE:SEVERITY, or"
                                    + " METRIC drop>SHARE:SEVERITY / METRIC rise>SHARE:SEVERITY relative to"
                                    + " the reference profile's performance.");

    public static final ConfigOption<Double> MIN_LABEL_COVERAGE =
            key("driftwatch.min-label-coverage")
                    .doubleType()
                    .defaultValue(0.3)
                    .withDescription(
                            "No performance alert for a window whose labelled share of predictions is"
                                    + " below this.");

    public static List<ConfigOption<?>> all() {
        return List.of(
                LABELS_TOPIC,
                LABEL_TTL,
                EMIT_INTERVAL,
                TASKS,
                POSITIVE_LABEL,
                DECISION_THRESHOLD,
                PERFORMANCE_RULES,
                MIN_LABEL_COVERAGE);
    }

    /** Task types configured per model ({@code MODEL=binary|multiclass|regression}). */
    public static Map<String, TaskType> tasks(Configuration config) {
        Map<String, TaskType> tasks = new LinkedHashMap<>();
        for (String t : config.get(TASKS)) {
            int eq = t.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(
                        "task must look like MODEL=binary|multiclass|regression, was '" + t + "'");
            }
            try {
                tasks.put(t.substring(0, eq).strip(), TaskType.parse(t.substring(eq + 1)));
            } catch (DriftCoreException e) {
                throw new IllegalArgumentException(e.getMessage());
            }
        }
        return tasks;
    }

    /** The performance alert rules configured. */
    public static List<PerformanceRule> rules(Configuration config) {
        List<PerformanceRule> rules = new ArrayList<>();
        for (String r : config.get(PERFORMANCE_RULES)) {
            rules.add(PerformanceRule.parse(r));
        }
        return rules;
    }

    /**
     * Checks the performance job's values.
     *
     * @throws IllegalArgumentException naming the bad one
     */
    public static void check(Configuration config) {
        tasks(config);
        rules(config);
        double coverage = config.get(MIN_LABEL_COVERAGE);
        if (!(coverage >= 0 && coverage <= 1)) {
            throw new IllegalArgumentException("--min-label-coverage must be in [0, 1]");
        }
    }
}
