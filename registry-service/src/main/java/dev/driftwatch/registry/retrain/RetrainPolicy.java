package dev.driftwatch.registry.retrain;

import com.fasterxml.jackson.databind.JsonNode;
import dev.driftwatch.core.alert.Alert;
import dev.driftwatch.registry.RegistryException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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

    /** Reads and checks a policy; the message of a refusal names the field. */
    public static RetrainPolicy parse(JsonNode n) {
        if (n == null || !n.isObject()) {
            throw RegistryException.invalid("the retrain policy must be a JSON object");
        }
        n.fieldNames()
                .forEachRemaining(
                        f -> {
                            if (!FIELDS.contains(f)) {
                                throw RegistryException.invalid(
                                        "unknown field '"
                                                + f
                                                + "' in the retrain policy; known: "
                                                + String.join(
                                                        ", ", FIELDS.stream().sorted().toList()));
                            }
                        });
        List<AlertMatch> triggers = new ArrayList<>();
        JsonNode t = n.get("triggers");
        if (t == null || !t.isArray() || t.isEmpty()) {
            throw RegistryException.invalid(
                    "'triggers' must be a non-empty array of {alertname, metric, severities}");
        }
        for (JsonNode m : t) {
            if (!m.isObject()) {
                throw RegistryException.invalid("each trigger must be an object");
            }
            Set<String> sev = new java.util.TreeSet<>();
            for (String s : strings(m, "severities", "triggers[].severities")) {
                if (!SEVERITIES.contains(s)) {
                    throw RegistryException.invalid(
                            "trigger severity must be one of critical, error, warning, info; was "
                                    + s);
                }
                sev.add(s);
            }
            triggers.add(
                    new AlertMatch(
                            optText(m, "alertname", "triggers[].alertname"),
                            optText(m, "metric", "triggers[].metric"),
                            Set.copyOf(sev)));
        }
        String approval = optText(n, "approval", "approval");
        if (approval != null && !approval.equals("automatic") && !approval.equals("manual")) {
            throw RegistryException.invalid(
                    "'approval' must be automatic or manual; was " + approval);
        }
        double budget = number(n, "gpu_hours_per_day", -1);
        if (n.has("gpu_hours_per_day") && budget < 0) {
            throw RegistryException.invalid("'gpu_hours_per_day' must be >= 0");
        }
        List<ValidationGate> gates = new ArrayList<>();
        JsonNode g = n.get("gates");
        if (g != null && !g.isNull()) {
            if (!g.isArray()) {
                throw RegistryException.invalid("'gates' must be an array");
            }
            g.forEach(x -> gates.add(ValidationGate.parse(x)));
        }
        JsonNode enabled = n.get("enabled");
        if (enabled != null && !enabled.isBoolean()) {
            throw RegistryException.invalid("'enabled' must be true or false");
        }
        return new RetrainPolicy(
                enabled == null || enabled.asBoolean(),
                List.copyOf(triggers),
                duration(n, "cooldown", Duration.ofHours(6)),
                duration(n, "dedup_window", Duration.ofHours(24)),
                budget < 0 ? Double.POSITIVE_INFINITY : budget,
                "manual".equals(approval),
                duration(n, "data_window", Duration.ofDays(7)),
                template(n.get("training"), "training"),
                template(n.get("validation"), "validation"),
                List.copyOf(gates));
    }

    private static RunTemplate template(JsonNode n, String field) {
        if (n == null || !n.isObject()) {
            throw RegistryException.invalid(
                    "'" + field + "' must be an object with at least 'command'");
        }
        List<String> command = strings(n, "command", field + ".command");
        if (command.isEmpty()) {
            throw RegistryException.invalid("'" + field + ".command' must not be empty");
        }
        int gpus = (int) number(n, "gpus", 0);
        int backoff = (int) number(n, "backoff_limit", 0);
        if (gpus < 0 || backoff < 0) {
            throw RegistryException.invalid(
                    "'" + field + ".gpus' and '" + field + ".backoff_limit' must be >= 0");
        }
        Duration deadline = duration(n, "deadline", Duration.ofHours(1));
        if (deadline.isZero()) {
            throw RegistryException.invalid("'" + field + ".deadline' must be positive");
        }
        String image = optText(n, "image", field + ".image");
        return new RunTemplate(
                image == null ? "" : image,
                command,
                stringMap(n, "env", field + ".env"),
                gpus,
                optText(n, "cpu", field + ".cpu"),
                optText(n, "memory", field + ".memory"),
                deadline,
                backoff,
                stringMap(n, "node_selector", field + ".node_selector"),
                optText(n, "queue", field + ".queue"));
    }

    static String optText(JsonNode n, String name, String path) {
        JsonNode v = n.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw RegistryException.invalid("'" + path + "' must be a string; was " + v);
        }
        return v.asText();
    }

    static double number(JsonNode n, String name, double dflt) {
        JsonNode v = n.get(name);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
            throw RegistryException.invalid("'" + name + "' must be a number; was " + v);
        }
        return v.asDouble();
    }

    private static Duration duration(JsonNode n, String name, Duration dflt) {
        String s = optText(n, name, name);
        return s == null ? dflt : DurationText.parse(name, s);
    }

    private static List<String> strings(JsonNode n, String name, String path) {
        JsonNode v = n.get(name);
        List<String> out = new ArrayList<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (!v.isArray()) {
            throw RegistryException.invalid("'" + path + "' must be an array of strings");
        }
        for (JsonNode e : v) {
            if (!e.isTextual()) {
                throw RegistryException.invalid("'" + path + "' must be an array of strings");
            }
            out.add(e.asText());
        }
        return List.copyOf(out);
    }

    private static Map<String, String> stringMap(JsonNode n, String name, String path) {
        JsonNode v = n.get(name);
        Map<String, String> out = new LinkedHashMap<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (!v.isObject()) {
            throw RegistryException.invalid("'" + path + "' must be an object of strings");
        }
        v.fields()
                .forEachRemaining(
                        e -> {
                            if (!e.getValue().isTextual()) {
                                throw RegistryException.invalid(
                                        "'" + path + "." + e.getKey() + "' must be a string");
                            }
                            out.put(e.getKey(), e.getValue().asText());
                        });
        return out;
    }
}
