package dev.driftwatch.registry.retrain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.driftwatch.launcher.TrainerEnvironment;
import dev.driftwatch.registry.JsonFields;
import dev.driftwatch.registry.RegistryException;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * What a training or validation run executes, chosen by an admin: image, command, environment,
 * resources, limits and placement, and the parameters a retrain policy may set (each becomes an
 * environment variable of the run). A policy (approver) names a template and gives values for its
 * declared parameters only; it never sets a command, an image or an environment variable itself.
 *
 * <p>Everything is checked when the template is saved: variable names ({@link
 * TrainerEnvironment#refusal}: no {@code LD_*}, {@code PATH}, ...; {@code DRIFTWATCH_*} is the
 * registry's), resource quantities (Kubernetes quantities greater than zero), the deadline (at most
 * {@value #MAX_DEADLINE_DAYS} days), GPUs (at most {@value #MAX_GPUS}), node selector labels and
 * parameter patterns.
 *
 * <pre>{@code
 * TrainingTemplate t = TrainingTemplate.builder("fraud-train")
 *         .image("ghcr.io/acme/fraud-trainer:1.4")
 *         .command(List.of("python", "-m", "train"))
 *         .parameter("EPOCHS", "20", "[0-9]{1,4}")
 *         .gpus(1).cpu("8").memory("32Gi").deadline(Duration.ofHours(2))
 *         .build();
 * RetrainPolicy.RunTemplate run = t.apply(Map.of("EPOCHS", "30"), "training.parameters");
 * }</pre>
 */
public record TrainingTemplate(
        String name,
        String image,
        List<String> command,
        Map<String, String> env,
        Map<String, Parameter> parameters,
        int gpus,
        String cpu,
        String memory,
        Duration deadline,
        int backoffLimit,
        Map<String, String> nodeSelector,
        String queue) {

    /** The longest deadline a template may give a run. */
    public static final int MAX_DEADLINE_DAYS = 7;

    /** The most GPUs one run may hold. */
    public static final int MAX_GPUS = 64;

    /** The most retries after a failed attempt. */
    public static final int MAX_BACKOFF_LIMIT = 10;

    /** The longest parameter value. */
    public static final int MAX_VALUE_LENGTH = 256;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,299}");
    private static final Pattern QUANTITY =
            Pattern.compile(
                    "(\\d+(?:\\.\\d*)?|\\.\\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\\d{1,3})?");
    private static final Pattern LABEL_VALUE =
            Pattern.compile("(?:[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?");
    private static final Pattern LABEL_KEY =
            Pattern.compile(
                    "(?:[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*/)?"
                            + "[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");
    private static final Pattern IMAGE = Pattern.compile("[\\x21-\\x7e]{0,512}");
    private static final String RESERVED_PREFIX = "DRIFTWATCH_";

    static final Set<String> FIELDS =
            Set.of(
                    "image",
                    "command",
                    "env",
                    "parameters",
                    "gpus",
                    "cpu",
                    "memory",
                    "deadline",
                    "backoff_limit",
                    "node_selector",
                    "queue");
    private static final Set<String> PARAMETER_FIELDS = Set.of("default", "pattern", "description");

    /**
     * A parameter a policy may set: its default (null: the policy must give it) and the pattern a
     * value must match entirely (null: any text of at most {@value #MAX_VALUE_LENGTH} characters
     * without control characters).
     */
    public record Parameter(String defaultValue, String pattern, String description) {}

    public TrainingTemplate {
        checkName(name);
        command = List.copyOf(command);
        env = Map.copyOf(env);
        parameters = Map.copyOf(parameters);
        nodeSelector = Map.copyOf(nodeSelector);
        image = image == null ? "" : image;
        check(
                image,
                command,
                env,
                parameters,
                gpus,
                cpu,
                memory,
                deadline,
                backoffLimit,
                nodeSelector,
                queue);
    }

    /** Refuses a template name that is not 1-300 of {@code A-Z a-z 0-9 . _ -}. */
    static String checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw RegistryException.invalid(
                    "template name must be 1 to 300 letters, digits, '.', '_' or '-', starting"
                            + " with a letter or digit");
        }
        return name;
    }

    private static void check(
            String image,
            List<String> command,
            Map<String, String> env,
            Map<String, Parameter> parameters,
            int gpus,
            String cpu,
            String memory,
            Duration deadline,
            int backoffLimit,
            Map<String, String> nodeSelector,
            String queue) {
        if (command.isEmpty()) {
            throw RegistryException.invalid("'command' must not be empty");
        }
        for (String arg : command) {
            if (arg.indexOf('\0') >= 0) {
                throw RegistryException.invalid("'command' must not contain NUL characters");
            }
        }
        if (!IMAGE.matcher(image).matches()) {
            throw RegistryException.invalid(
                    "'image' must be at most 512 printable characters without spaces");
        }
        env.forEach((k, v) -> checkVariable("env." + k, k, v));
        for (Map.Entry<String, Parameter> p : parameters.entrySet()) {
            String path = "parameters." + p.getKey();
            checkVariable(path, p.getKey(), "");
            if (env.containsKey(p.getKey())) {
                throw RegistryException.invalid(
                        "'" + path + "' is also set in 'env'; a variable is one or the other");
            }
            Parameter spec = p.getValue();
            if (spec.pattern() != null) {
                if (spec.pattern().length() > 256) {
                    throw RegistryException.invalid(
                            "'" + path + ".pattern' must be at most 256 characters");
                }
                try {
                    Pattern.compile(spec.pattern());
                } catch (PatternSyntaxException e) {
                    throw RegistryException.invalid(
                            "'"
                                    + path
                                    + ".pattern' is not a regular expression: "
                                    + e.getDescription());
                }
            }
            if (spec.defaultValue() != null) {
                checkValue(path + ".default", spec, spec.defaultValue());
            }
        }
        if (gpus < 0 || gpus > MAX_GPUS) {
            throw RegistryException.invalid("'gpus' must be a whole number from 0 to " + MAX_GPUS);
        }
        checkQuantity("cpu", cpu);
        checkQuantity("memory", memory);
        if (deadline == null
                || deadline.isNegative()
                || deadline.isZero()
                || deadline.compareTo(Duration.ofDays(MAX_DEADLINE_DAYS)) > 0) {
            throw RegistryException.invalid(
                    "'deadline' must be positive and at most " + MAX_DEADLINE_DAYS + "d");
        }
        if (backoffLimit < 0 || backoffLimit > MAX_BACKOFF_LIMIT) {
            throw RegistryException.invalid(
                    "'backoff_limit' must be a whole number from 0 to " + MAX_BACKOFF_LIMIT);
        }
        nodeSelector.forEach(
                (k, v) -> {
                    if (k.length() > 317
                            || !LABEL_KEY.matcher(k).matches()
                            || !LABEL_VALUE.matcher(v).matches()) {
                        throw RegistryException.invalid(
                                "'node_selector' entry '"
                                        + clip(k)
                                        + "' is not a Kubernetes label key and value");
                    }
                });
        if (queue != null && (queue.isEmpty() || !LABEL_VALUE.matcher(queue).matches())) {
            throw RegistryException.invalid(
                    "'queue' must be a Kubernetes label value (a Kueue LocalQueue name)");
        }
    }

    private static void checkVariable(String path, String name, String value) {
        String refused =
                TrainerEnvironment.refusal(name)
                        .or(
                                () ->
                                        name.toUpperCase(java.util.Locale.ROOT)
                                                        .startsWith(RESERVED_PREFIX)
                                                ? java.util.Optional.of(
                                                        "is reserved for the variables the"
                                                                + " registry sets")
                                                : java.util.Optional.empty())
                        .or(() -> TrainerEnvironment.valueRefusal(value))
                        .orElse(null);
        if (refused != null) {
            throw RegistryException.invalid("'" + path + "': " + clip(name) + " " + refused);
        }
        if (value.length() > 4096) {
            throw RegistryException.invalid("'" + path + "' must be at most 4096 characters");
        }
    }

    private static void checkQuantity(String field, String q) {
        if (q == null) {
            return;
        }
        Matcher m = QUANTITY.matcher(q);
        if (!m.matches() || new BigDecimal(m.group(1)).signum() <= 0) {
            throw RegistryException.invalid(
                    "'"
                            + field
                            + "' must be a Kubernetes quantity greater than zero (e.g. 500m, 8,"
                            + " 32Gi); was '"
                            + clip(q)
                            + "'");
        }
    }

    private static void checkValue(String path, Parameter spec, String value) {
        if (value.length() > MAX_VALUE_LENGTH) {
            throw RegistryException.invalid(
                    "'" + path + "' must be at most " + MAX_VALUE_LENGTH + " characters");
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                throw RegistryException.invalid(
                        "'" + path + "' must not contain control characters");
            }
        }
        if (spec.pattern() != null && !Pattern.compile(spec.pattern()).matcher(value).matches()) {
            throw RegistryException.invalid(
                    "'" + path + "' must match " + spec.pattern() + "; was '" + clip(value) + "'");
        }
    }

    /** The most GPU-hours one run of this template may use. */
    public double maxGpuHours() {
        return gpus * deadline.toSeconds() / 3600.0;
    }

    /**
     * The run this template makes with a policy's parameter {@code values}; {@code path} names them
     * in refusals ({@code training.parameters}). A value for an undeclared parameter, a missing
     * required one or a value that breaks its pattern is refused.
     */
    public RetrainPolicy.RunTemplate apply(Map<String, String> values, String path) {
        for (String given : values.keySet()) {
            if (!parameters.containsKey(given)) {
                throw RegistryException.invalid(
                        "'"
                                + path
                                + "."
                                + clip(given)
                                + "' is not a parameter of template "
                                + name
                                + (parameters.isEmpty()
                                        ? ", which declares none"
                                        : "; it declares "
                                                + String.join(
                                                        ", ", new TreeMap<>(parameters).keySet())));
            }
        }
        Map<String, String> runEnv = new LinkedHashMap<>(env);
        for (Map.Entry<String, Parameter> p : new TreeMap<>(parameters).entrySet()) {
            String v = values.get(p.getKey());
            if (v == null) {
                v = p.getValue().defaultValue();
            }
            if (v == null) {
                throw RegistryException.invalid(
                        "'"
                                + path
                                + "."
                                + p.getKey()
                                + "' is missing: template "
                                + name
                                + " needs it (it has no default)");
            }
            checkValue(path + "." + p.getKey(), p.getValue(), v);
            runEnv.put(p.getKey(), v);
        }
        return new RetrainPolicy.RunTemplate(
                name,
                image,
                command,
                runEnv,
                gpus,
                cpu,
                memory,
                deadline,
                backoffLimit,
                nodeSelector,
                queue);
    }

    /** Reads a template sent to {@code PUT /api/v1/training-templates/{name}}, strictly. */
    public static TrainingTemplate parse(String name, JsonNode n) {
        checkName(name);
        JsonFields t = JsonFields.of(n, "", FIELDS);
        Map<String, Parameter> parameters = new LinkedHashMap<>();
        t.object("parameters")
                .ifPresent(
                        ps -> {
                            for (String p : ps.fieldNames()) {
                                JsonFields spec =
                                        ps.object(p, PARAMETER_FIELDS)
                                                .orElseThrow(
                                                        () ->
                                                                ps.invalid(
                                                                        p,
                                                                        "must be an object with"
                                                                                + " optional"
                                                                                + " default,"
                                                                                + " pattern and"
                                                                                + " description"));
                                parameters.put(
                                        p,
                                        new Parameter(
                                                spec.optText("default"),
                                                spec.optText("pattern"),
                                                spec.optText("description")));
                            }
                        });
        String deadline = t.optText("deadline");
        return new TrainingTemplate(
                name,
                t.optText("image"),
                t.strings("command"),
                t.stringMap("env"),
                parameters,
                t.wholeNumber("gpus", 0, 0),
                t.optText("cpu"),
                t.optText("memory"),
                deadline == null ? Duration.ofHours(1) : DurationText.parse("deadline", deadline),
                t.wholeNumber("backoff_limit", 0, 0),
                t.stringMap("node_selector"),
                t.optText("queue"));
    }

    /** The template as JSON, in the shape {@link #parse} reads (plus its name). */
    public ObjectNode toJson() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("name", name);
        n.put("image", image);
        command.forEach(n.putArray("command")::add);
        ObjectNode e = n.putObject("env");
        new TreeMap<>(env).forEach(e::put);
        ObjectNode ps = n.putObject("parameters");
        new TreeMap<>(parameters)
                .forEach(
                        (k, p) -> {
                            ObjectNode x = ps.putObject(k);
                            if (p.defaultValue() != null) {
                                x.put("default", p.defaultValue());
                            }
                            if (p.pattern() != null) {
                                x.put("pattern", p.pattern());
                            }
                            if (p.description() != null) {
                                x.put("description", p.description());
                            }
                        });
        n.put("gpus", gpus);
        if (cpu != null) {
            n.put("cpu", cpu);
        }
        if (memory != null) {
            n.put("memory", memory);
        }
        n.put("deadline", DurationText.format(deadline));
        n.put("backoff_limit", backoffLimit);
        ObjectNode ns = n.putObject("node_selector");
        new TreeMap<>(nodeSelector).forEach(ns::put);
        if (queue != null) {
            n.put("queue", queue);
        }
        return n;
    }

    /** The template's JSON without its name, as {@link #parse} reads it (stored as such). */
    ObjectNode specJson() {
        ObjectNode n = toJson();
        n.remove("name");
        return n;
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** Builds a template in code (templates given in the registry's configuration). */
    public static final class Builder {
        private final String name;
        private String image = "";
        private List<String> command = List.of();
        private final Map<String, String> env = new LinkedHashMap<>();
        private final Map<String, Parameter> parameters = new LinkedHashMap<>();
        private int gpus;
        private String cpu;
        private String memory;
        private Duration deadline = Duration.ofHours(1);
        private int backoffLimit;
        private Map<String, String> nodeSelector = Map.of();
        private String queue;

        private Builder(String name) {
            this.name = name;
        }

        public Builder image(String v) {
            this.image = v;
            return this;
        }

        public Builder command(List<String> v) {
            this.command = new ArrayList<>(v);
            return this;
        }

        public Builder env(String variable, String value) {
            this.env.put(variable, value);
            return this;
        }

        /** A parameter a policy may set; {@code defaultValue} or {@code pattern} may be null. */
        public Builder parameter(String variable, String defaultValue, String pattern) {
            this.parameters.put(variable, new Parameter(defaultValue, pattern, null));
            return this;
        }

        public Builder gpus(int v) {
            this.gpus = v;
            return this;
        }

        public Builder cpu(String v) {
            this.cpu = v;
            return this;
        }

        public Builder memory(String v) {
            this.memory = v;
            return this;
        }

        public Builder deadline(Duration v) {
            this.deadline = v;
            return this;
        }

        public Builder backoffLimit(int v) {
            this.backoffLimit = v;
            return this;
        }

        public Builder nodeSelector(Map<String, String> v) {
            this.nodeSelector = v;
            return this;
        }

        public Builder queue(String v) {
            this.queue = v;
            return this;
        }

        public TrainingTemplate build() {
            return new TrainingTemplate(
                    name,
                    image,
                    command,
                    env,
                    parameters,
                    gpus,
                    cpu,
                    memory,
                    deadline,
                    backoffLimit,
                    nodeSelector,
                    queue);
        }
    }

    private static String clip(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }
}
