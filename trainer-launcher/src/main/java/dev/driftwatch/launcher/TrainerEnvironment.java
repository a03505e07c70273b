package dev.driftwatch.launcher;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The rules for a trainer's environment. Variables that change how programs are loaded or
 * interpreted ({@code LD_PRELOAD}, {@code PATH}, {@code PYTHONPATH}, {@code JAVA_TOOL_OPTIONS},
 * {@code BASH_ENV}, ...) are never set from a run's {@code env}: whoever may set them decides what
 * runs. A local trainer process starts from an empty environment with only {@link #INHERITED} taken
 * from the registry's own, so the registry's secrets (admin token, database password) never reach
 * it.
 *
 * <pre>{@code
 * TrainerEnvironment.refusal("LD_PRELOAD");   // Optional["changes how programs are loaded"]
 * TrainerEnvironment.refusal("EPOCHS");       // Optional.empty()
 * }</pre>
 */
public final class TrainerEnvironment {
    /** The variables a local trainer inherits from the registry's environment, when set there. */
    public static final Set<String> INHERITED =
            Set.of("PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR");

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

    /** Exact names that change which code runs or how it is loaded. */
    private static final Set<String> LOADER_NAMES =
            Set.of(
                    "PATH",
                    "CLASSPATH",
                    "JAVA_TOOL_OPTIONS",
                    "_JAVA_OPTIONS",
                    "JDK_JAVA_OPTIONS",
                    "JAVA_OPTIONS",
                    "PYTHONPATH",
                    "PYTHONHOME",
                    "PYTHONSTARTUP",
                    "PYTHONUSERBASE",
                    "PYTHONEXECUTABLE",
                    "PYTHONINSPECT",
                    "PERL5LIB",
                    "PERLLIB",
                    "PERL5OPT",
                    "PERL5DB",
                    "RUBYLIB",
                    "RUBYOPT",
                    "NODE_OPTIONS",
                    "NODE_PATH",
                    "BASH_ENV",
                    "ENV",
                    "SHELLOPTS",
                    "BASHOPTS",
                    "PS4",
                    "IFS",
                    "CDPATH",
                    "GCONV_PATH",
                    "GLIBC_TUNABLES",
                    "HOSTALIASES",
                    "LOCALDOMAIN",
                    "RES_OPTIONS",
                    "NLSPATH",
                    "LOCPATH");

    /** Prefixes of names with the same effect (the dynamic loader's, glibc's malloc, bash). */
    private static final List<String> LOADER_PREFIXES =
            List.of("LD_", "DYLD_", "MALLOC_", "BASH_FUNC_");

    private TrainerEnvironment() {}

    /** Why {@code name} may not be set from a run's env, or empty when it may. */
    public static Optional<String> refusal(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            return Optional.of(
                    "is not a variable name (1-128 of A-Z a-z 0-9 _, not starting with a digit)");
        }
        String upper = name.toUpperCase(java.util.Locale.ROOT);
        if (LOADER_NAMES.contains(upper) || LOADER_PREFIXES.stream().anyMatch(upper::startsWith)) {
            return Optional.of(
                    "changes which program runs or how it is loaded; a run's env may not set it");
        }
        return Optional.empty();
    }

    /** Why {@code value} may not be a variable's value, or empty when it may. */
    public static Optional<String> valueRefusal(String value) {
        if (value == null) {
            return Optional.of("has no value");
        }
        if (value.indexOf('\0') >= 0) {
            return Optional.of("contains a NUL character");
        }
        return Optional.empty();
    }

    /**
     * The environment a local trainer starts with: {@link #INHERITED} (or {@code inherited}) taken
     * from {@code registryEnvironment}, then the run's own variables.
     */
    public static Map<String, String> forLocalProcess(
            Set<String> inherited,
            Map<String, String> registryEnvironment,
            Map<String, String> run) {
        Map<String, String> out = new TreeMap<>();
        for (String name : inherited) {
            String v = registryEnvironment.get(name);
            if (v != null) {
                out.put(name, v);
            }
        }
        out.putAll(run);
        return out;
    }
}
