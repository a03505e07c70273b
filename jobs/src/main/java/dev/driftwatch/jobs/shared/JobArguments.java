package dev.driftwatch.jobs.shared;

import dev.driftwatch.jobs.drift.DriftJobOptions;
import dev.driftwatch.jobs.ingest.InferenceLogOptions;
import dev.driftwatch.jobs.performance.PerformanceJobOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.util.TimeUtils;

/**
 * Reads the jobs' options from {@code --name value} arguments (names as in {@link
 * SharedJobOptions}, {@link InferenceLogOptions}, {@link DriftJobOptions} and {@link
 * PerformanceJobOptions} without the {@code driftwatch.} prefix; list options may repeat or take
 * comma-separated values). Every value is checked here, so a bad one is reported before anything
 * starts.
 */
public final class JobArguments {
    private static final String PREFIX = "driftwatch.";

    private JobArguments() {}

    /** The option's command-line name, e.g. {@code --window}. */
    public static String flag(ConfigOption<?> option) {
        return "--" + option.key().substring(PREFIX.length());
    }

    /**
     * Parses the arguments into a configuration.
     *
     * @throws IllegalArgumentException naming the bad argument
     */
    public static Configuration parse(List<String> args) {
        Map<String, ConfigOption<?>> byFlag = new LinkedHashMap<>();
        for (ConfigOption<?> o : allOptions()) {
            byFlag.put(flag(o), o);
        }
        Map<ConfigOption<?>, List<String>> values = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String flag = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                flag = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            ConfigOption<?> option = byFlag.get(flag);
            if (option == null) {
                throw new IllegalArgumentException("unknown option '" + arg + "'");
            }
            if (value == null) {
                if (i + 1 >= args.size()) {
                    throw new IllegalArgumentException("option " + flag + " needs a value");
                }
                value = args.get(++i);
            }
            values.computeIfAbsent(option, k -> new ArrayList<>()).add(value);
        }
        Configuration config = new Configuration();
        for (Map.Entry<ConfigOption<?>, List<String>> e : values.entrySet()) {
            ConfigOption<?> o = e.getKey();
            List<String> vs = e.getValue();
            boolean list = LIST_OPTIONS.contains(o);
            if (!list && vs.size() > 1) {
                throw new IllegalArgumentException("option " + flag(o) + " given more than once");
            }
            config.setString(o.key(), list ? String.join(";", splitLists(vs)) : vs.get(0));
            try {
                config.get(o);
            } catch (RuntimeException ex) {
                throw new IllegalArgumentException(
                        "bad value '"
                                + String.join(",", vs)
                                + "' for "
                                + flag(o)
                                + ": "
                                + describe(o));
            }
        }
        check(config);
        return config;
    }

    /**
     * The inverse of {@link #parse}: the {@code --name value} arguments of every job option that
     * {@code config} sets (list options as one argument per element), in the order of {@link
     * #allOptions}. How {@code up --task-managers} passes its job options to the jobs' entry
     * classes on the cluster.
     */
    public static List<String> format(Configuration config) {
        List<String> args = new ArrayList<>();
        Map<String, String> strings = config.toMap();
        for (ConfigOption<?> o : allOptions()) {
            if (!config.contains(o)) {
                continue;
            }
            Object value = config.get(o);
            if (value instanceof List<?> list) {
                for (Object element : list) {
                    args.add(flag(o));
                    args.add(element.toString());
                }
            } else if (value instanceof Duration d) {
                args.add(flag(o));
                args.add(TimeUtils.formatWithHighestUnit(d).replace(" ", ""));
            } else {
                args.add(flag(o));
                args.add(strings.get(o.key()));
            }
        }
        return args;
    }

    /**
     * Every option of both jobs: the shared ones, the normalization stage's, the drift job's, the
     * performance job's.
     */
    public static List<ConfigOption<?>> allOptions() {
        List<ConfigOption<?>> all = new ArrayList<>(SharedJobOptions.all());
        all.addAll(InferenceLogOptions.all());
        all.addAll(DriftJobOptions.all());
        all.addAll(PerformanceJobOptions.all());
        return all;
    }

    private static final java.util.Set<ConfigOption<?>> LIST_OPTIONS =
            java.util.Set.of(
                    SharedJobOptions.REFERENCE_PROFILE_FILES,
                    SharedJobOptions.SEGMENT_TAGS,
                    InferenceLogOptions.INFERENCE_LOGS,
                    DriftJobOptions.ALERT_RULES,
                    PerformanceJobOptions.TASKS,
                    PerformanceJobOptions.PERFORMANCE_RULES,
                    PerformanceJobOptions.ESTIMATED_PERFORMANCE_RULES,
                    PerformanceJobOptions.ESTIMATION_ERROR_RULES);

    private static List<String> splitLists(List<String> vs) {
        List<String> out = new ArrayList<>();
        for (String v : vs) {
            for (String part : v.split(",")) {
                if (!part.isBlank()) {
                    out.add(part.strip());
                }
            }
        }
        return out;
    }

    private static void check(Configuration config) {
        SharedJobOptions.check(config);
        InferenceLogOptions.check(config);
        DriftJobOptions.check(config);
        PerformanceJobOptions.check(config);
    }

    private static String describe(ConfigOption<?> o) {
        Object d = o.hasDefaultValue() ? o.defaultValue() : null;
        if (d instanceof Duration dur) {
            return "expected a duration such as 30s, 5min, 1h, 28d (default "
                    + TimeUtils.formatWithHighestUnit(dur)
                    + ")";
        }
        if (d instanceof Integer) {
            return "expected an integer";
        }
        return "see --help";
    }

    /** Usage text listing every option with its default and description. */
    public static String usage() {
        StringBuilder sb = new StringBuilder();
        for (ConfigOption<?> o : allOptions()) {
            sb.append(String.format("  %s V  (default: %s)%n", flag(o), defaultText(o)));
            sb.append("      ").append(descriptionText(o)).append(System.lineSeparator());
        }
        return sb.toString();
    }

    /**
     * The default as written in the docs: durations in Flink's syntax, "none" when absent or empty.
     */
    public static String defaultText(ConfigOption<?> o) {
        Object d = o.hasDefaultValue() ? o.defaultValue() : null;
        if (d == null || (d instanceof List<?> l && l.isEmpty()) || "".equals(d)) {
            return "none";
        }
        if (d instanceof List<?> l) {
            return l.stream()
                    .map(Object::toString)
                    .collect(java.util.stream.Collectors.joining(", "));
        }
        return d instanceof Duration dur
                ? TimeUtils.formatWithHighestUnit(dur).replace(" ", "")
                : d.toString();
    }

    /** The option's description as plain text. */
    public static String descriptionText(ConfigOption<?> o) {
        return new org.apache.flink.configuration.description.HtmlFormatter()
                .format(o.description())
                .replaceAll("<[^>]*>", "")
                .replace("&gt;", ">")
                .replace("&lt;", "<")
                .replace("&amp;", "&");
    }
}
