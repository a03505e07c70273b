package dev.driftwatch.registry.retrain;

import com.fasterxml.jackson.databind.JsonNode;
import dev.driftwatch.core.alert.Alert;
import dev.driftwatch.core.alert.AlertLabels;
import dev.driftwatch.core.alert.Severity;
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
 * window, GPU-hours per day), which {@link TrainingTemplate}s the training and validation runs use
 * and with which of their parameters, which gates a candidate must pass and whether promotion needs
 * an approver. What a run executes is the template's (chosen by an admin); a policy only names it.
 *
 * <pre>{@code
 * RetrainPolicy p = RetrainPolicy.parse(JsonRequest.parse(bytes));
 * boolean triggers = p.matches(alert);
 * RunTemplates runs = templates.resolve(p);      // the templates with the policy's parameters
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
        TemplateChoice training,
        TemplateChoice validation,
        List<ValidationGate> gates) {

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
    private static final Set<String> CHOICE_FIELDS = Set.of("template", "parameters");

    /** Which alerts request a run; an absent field matches anything. */
    public record AlertMatch(String alertname, String metric, Set<String> severities) {
        boolean matches(Alert a) {
            return (alertname == null || alertname.equals(a.label(AlertLabels.ALERTNAME)))
                    && (metric == null || metric.equals(a.label(AlertLabels.METRIC)))
                    && (severities.isEmpty() || severities.contains(a.label(AlertLabels.SEVERITY)));
        }
    }

    /**
     * Which template a part of a run uses, and the values of the template's parameters the policy
     * sets.
     */
    public record TemplateChoice(String template, Map<String, String> parameters) {}

    /**
     * A training or validation run's shape, resolved from its template and the policy's parameter
     * values: image, command, environment, resources, limits, placement.
     */
    public record RunTemplate(
            String template,
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

    /** The template choice of a training or a validation run. */
    public TemplateChoice choice(RunKind kind) {
        return kind == RunKind.TRAINING ? training : validation;
    }

    /** A policy's two parts resolved: the training and the validation run templates. */
    public record RunTemplates(RunTemplate training, RunTemplate validation) {
        /** The most GPU-hours one run (training + validation) may use. */
        public double maxGpuHoursPerRun() {
            return training.maxGpuHours() + validation.maxGpuHours();
        }

        /** The template of a training or a validation run. */
        public RunTemplate of(RunKind kind) {
            return kind == RunKind.TRAINING ? training : validation;
        }
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
                if (!Severity.isLabel(s)) {
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

    private static TemplateChoice template(JsonFields policy, String field) {
        policy.object(field)
                .ifPresent(
                        o -> {
                            for (String f : o.fieldNames()) {
                                if (TrainingTemplate.FIELDS.contains(f)
                                        && !CHOICE_FIELDS.contains(f)) {
                                    throw RegistryException.invalid(
                                            "a retrain policy cannot set '"
                                                    + field
                                                    + "."
                                                    + f
                                                    + "': what a run executes (image, command,"
                                                    + " env, resources) comes from a training"
                                                    + " template that an admin sets (PUT"
                                                    + " /api/v1/training-templates/<name>); the"
                                                    + " policy names it in '"
                                                    + field
                                                    + ".template' and may set its declared"
                                                    + " parameters in '"
                                                    + field
                                                    + ".parameters'");
                                }
                            }
                        });
        JsonFields t =
                policy.object(field, CHOICE_FIELDS)
                        .orElseThrow(
                                () ->
                                        RegistryException.invalid(
                                                "'"
                                                        + field
                                                        + "' must be an object naming a training"
                                                        + " template: {\"template\": \"<name>\","
                                                        + " \"parameters\": {...}}; templates are"
                                                        + " set by admins (PUT"
                                                        + " /api/v1/training-templates/<name>)"));
        String name = t.text("template");
        TrainingTemplate.checkName(name);
        return new TemplateChoice(name, Map.copyOf(t.stringMap("parameters")));
    }

    private static Duration duration(JsonFields n, String field, Duration dflt) {
        String s = n.optText(field);
        return s == null ? dflt : DurationText.parse(n.path(field), s);
    }
}
