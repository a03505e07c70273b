package dev.driftwatch.registry.retrain;

import com.fasterxml.jackson.databind.JsonNode;
import dev.driftwatch.core.alert.Alert;
import dev.driftwatch.launcher.RunKind;
import dev.driftwatch.registry.JsonFields;
import dev.driftwatch.registry.RegistryException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A model's retraining configuration: which firing alerts request a run, how often (cooldown, dedup
 * window, GPU-hours per day), how the training and validation runs look, which gates a candidate
 * must pass and whether promotion needs an approver.
 *
 * <pre>{@code
 * RetrainPolicy p = RetrainPolicy.parse(JsonRequest.parse(bytes));
 * boolean triggers = p.matches(alert);
 * }</pre>
 */
public record RetrainPolicy(
        boolean enabled,
        List<AlertMatch> triggers,
        Duration cooldown,
        Duration dedupWindow,
        double gpuHoursPerDay,
        boolean manualApproval,
        Duration dataWindow,
        RunTemplate training,
        RunTemplate validation,
        List<ValidationGate> gates) {

    private static final Set<String> SEVERITIES = Set.of("critical", "error", "warning", "info");
    private static final Set<String> FIELDS =
            Set.of(
                    "enabled",
                    "triggers",
                    "cooldown",
                    "dedup_window",
                    "gpu_hours_per_day",
                    "approval",
                    "data_window",
                    "training",
                    "validation",
                    "gates");
    private static final Set<String> TRIGGER_FIELDS = Set.of("alertname", "metric", "severities");
    private static final Set<String> TEMPLATE_FIELDS =
            Set.of(
                    "image",
                    "command",
                    "env",
                    "gpus",
                    "cpu",
                    "memory",
                    "deadline",
                    "backoff_limit",
                    "node_selector",
                    "queue");

    /** Which alerts request a run; an absent field matches anything. */
    public record AlertMatch(String alertname, String metric, Set<String> severities) {
        boolean matches(Alert a) {
            return (alertname == null || alertname.equals(a.label("alertname")))
                    && (metric == null || metric.equals(a.label("metric")))
                    && (severities.isEmpty() || severities.contains(a.label("severity")));
        }
    }

    /** A training or validation run's shape: image, command, resources, limits, placement. */
    public record RunTemplate(
            String image,
            List<String> command,
            Map<String, String> env,
            int gpus,
            String cpu,
            String memory,
            Duration deadline,
            int backoffLimit,
            Map<String, String> nodeSelector,
            String queue) {

        /** The most GPU-hours one run of this template may use. */
        public double maxGpuHours() {
            return gpus * deadline.toSeconds() / 3600.0;
        }
    }

    /** Whether a firing alert requests a run under this policy. */
    public boolean matches(Alert a) {
        return enabled && a.isFiring() && triggers.stream().anyMatch(t -> t.matches(a));
    }

    /** The most GPU-hours one run (training + validation) may use. */
    public double maxGpuHoursPerRun() {
        return training.maxGpuHours() + validation.maxGpuHours();
    }

    /** The template of a training or a validation run. */
    public RunTemplate template(RunKind kind) {
        return kind == RunKind.TRAINING ? training : validation;
    }

    /**
     * Reads and checks a policy; unknown or misplaced fields are refused, and the message of a
     * refusal names the field by its path ({@code training.gpus}, {@code gates[1].max}).
     */
    public static RetrainPolicy parse(JsonNode n) {
        if (n == null || !n.isObject()) {
            throw RegistryException.invalid("the retrain policy must be a JSON object");
        }
        JsonFields p = JsonFields.of(n, "", FIELDS);
        List<JsonNode> t = p.array("triggers");
        if (t.isEmpty()) {
            throw RegistryException.invalid(
                    "'triggers' must be a non-empty array of {alertname, metric, severities}");
        }
        List<AlertMatch> triggers = new ArrayList<>();
        for (int i = 0; i < t.size(); i++) {
            JsonFields m = JsonFields.of(t.get(i), "triggers[" + i + "]", TRIGGER_FIELDS);
            Set<String> sev = new TreeSet<>();
            for (String s : m.strings("severities")) {
                if (!SEVERITIES.contains(s)) {
                    throw RegistryException.invalid(
                            "'"
                                    + m.path("severities")
                                    + "': severity must be one of critical, error, warning,"
                                    + " info; was "
                                    + s);
                }
                sev.add(s);
            }
            triggers.add(
                    new AlertMatch(m.optText("alertname"), m.optText("metric"), Set.copyOf(sev)));
        }
        String approval = p.optText("approval");
        if (approval != null && !approval.equals("automatic") && !approval.equals("manual")) {
            throw RegistryException.invalid(
                    "'approval' must be automatic or manual; was " + approval);
        }
        double budget = p.number("gpu_hours_per_day", Double.POSITIVE_INFINITY);
        if (budget < 0) {
            throw RegistryException.invalid("'gpu_hours_per_day' must be >= 0");
        }
        List<JsonNode> g = p.array("gates");
        List<ValidationGate> gates = new ArrayList<>();
        for (int i = 0; i < g.size(); i++) {
            gates.add(ValidationGate.parse(g.get(i), "gates[" + i + "]"));
        }
        return new RetrainPolicy(
                p.bool("enabled", true),
                List.copyOf(triggers),
                duration(p, "cooldown", Duration.ofHours(6)),
                duration(p, "dedup_window", Duration.ofHours(24)),
                budget,
                "manual".equals(approval),
                duration(p, "data_window", Duration.ofDays(7)),
                template(p, "training"),
                template(p, "validation"),
                List.copyOf(gates));
    }

    private static RunTemplate template(JsonFields policy, String field) {
        JsonFields t =
                policy.object(field, TEMPLATE_FIELDS)
                        .orElseThrow(
                                () ->
                                        RegistryException.invalid(
                                                "'"
                                                        + field
                                                        + "' must be an object with at least"
                                                        + " 'command'"));
        List<String> command = t.strings("command");
        if (command.isEmpty()) {
            throw t.invalid("command", "must not be empty");
        }
        Duration deadline = duration(t, "deadline", Duration.ofHours(1));
        if (deadline.isZero()) {
            throw t.invalid("deadline", "must be positive");
        }
        String image = t.optText("image");
        return new RunTemplate(
                image == null ? "" : image,
                command,
                t.stringMap("env"),
                t.wholeNumber("gpus", 0, 0),
                t.optText("cpu"),
                t.optText("memory"),
                deadline,
                t.wholeNumber("backoff_limit", 0, 0),
                t.stringMap("node_selector"),
                t.optText("queue"));
    }

    private static Duration duration(JsonFields n, String field, Duration dflt) {
        String s = n.optText(field);
        return s == null ? dflt : DurationText.parse(n.path(field), s);
    }
}
