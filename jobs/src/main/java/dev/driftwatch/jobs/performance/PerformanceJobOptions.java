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

    public static final ConfigOption<List<String>> ESTIMATED_PERFORMANCE_RULES =
            key("driftwatch.estimated-performance-rule")
                    .stringType()
                    .asList()
                    .defaultValues("roc_auc drop>0.1:warning", "accuracy drop>0.1:warning")
                    .withDescription(
                            "Alert rules on performance estimated before labels (models whose"
                                    + " reference profile has a calibration), in the syntax of"
                                    + " --performance-rule; evaluated when a window closes while its"
                                    + " label coverage is below --min-label-coverage, on the estimate"
                                    + " moved --estimate-guard-z standard errors towards the good side.");

    public static final ConfigOption<Double> ESTIMATE_GUARD_Z =
            key("driftwatch.estimate-guard-z")
                    .doubleType()
                    .defaultValue(2.0)
                    .withDescription(
                            "An estimated performance rule breaches only when the estimate is past its"
                                    + " threshold by more than this many standard errors.");

    public static final ConfigOption<List<String>> ESTIMATION_ERROR_RULES =
            key("driftwatch.estimation-error-rule")
                    .stringType()
                    .asList()
                    .defaultValues("accuracy>3:warning")
                    .withDescription(
                            "Alert rules on the estimation error, METRIC>K:SEVERITY: a window breaches"
                                    + " when |realised - estimated| exceeds K standard errors (windows"
                                    + " whose label coverage reached --min-label-coverage).");

    public static final ConfigOption<Integer> ESTIMATION_ERROR_WINDOWS =
            key("driftwatch.estimation-error-windows")
                    .intType()
                    .defaultValue(3)
                    .withDescription(
                            "An estimation error alert fires after this many consecutive breached"
                                    + " windows.");

    public static List<ConfigOption<?>> all() {
        return List.of(
                LABELS_TOPIC,
                LABEL_TTL,
                EMIT_INTERVAL,
                TASKS,
                POSITIVE_LABEL,
                DECISION_THRESHOLD,
                PERFORMANCE_RULES,
                MIN_LABEL_COVERAGE,
                ESTIMATED_PERFORMANCE_RULES,
                ESTIMATE_GUARD_Z,
                ESTIMATION_ERROR_RULES,
                ESTIMATION_ERROR_WINDOWS);
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

    /** The performance alert rules configured: realised, estimated and estimation error. */
    public static PerformanceAlertRules rules(Configuration config) {
        List<EstimationErrorRule> errorRules = new ArrayList<>();
        for (String r : config.get(ESTIMATION_ERROR_RULES)) {
            errorRules.add(EstimationErrorRule.parse(r));
        }
        return new PerformanceAlertRules(
                parse(config.get(PERFORMANCE_RULES)),
                config.get(MIN_LABEL_COVERAGE),
                parse(config.get(ESTIMATED_PERFORMANCE_RULES)),
                config.get(ESTIMATE_GUARD_Z),
                errorRules,
                config.get(ESTIMATION_ERROR_WINDOWS));
    }

    private static List<PerformanceRule> parse(List<String> texts) {
        List<PerformanceRule> rules = new ArrayList<>();
        for (String r : texts) {
            rules.add(PerformanceRule.parse(r));
        }
        return rules;
    }

    /**
     * How binary models' labels are read ({@code --positive-label}, {@code --decision-threshold}).
     */
    public static BinaryDecision decision(Configuration config) {
        return new BinaryDecision(config.get(POSITIVE_LABEL), config.get(DECISION_THRESHOLD));
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
        double z = config.get(ESTIMATE_GUARD_Z);
        if (!(z >= 0 && z < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("--estimate-guard-z must be a number >= 0");
        }
        if (config.get(ESTIMATION_ERROR_WINDOWS) < 1) {
            throw new IllegalArgumentException("--estimation-error-windows must be at least 1");
        }
    }
}
