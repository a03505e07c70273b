package dev.driftwatch.registry.model;

import dev.driftwatch.registry.RegistryException;
import java.util.regex.Pattern;

/**
 * The rules for model names, versions, aliases and tags; breaking one is INVALID_PARAMETER_VALUE.
 */
public final class NameRules {
    private static final Pattern MODEL_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,255}");
    private static final Pattern ALIAS = Pattern.compile("[A-Za-z0-9_-]{1,255}");
    private static final Pattern RESERVED_ALIAS = Pattern.compile("(?i)latest|v\\d+|version\\d+");
    private static final Pattern VERSION = Pattern.compile("[1-9][0-9]{0,8}");
    public static final int MAX_TAG_KEY = 250;
    public static final int MAX_TAG_VALUE = 5000;
    public static final int MAX_DESCRIPTION = 65536;
    public static final int MAX_TEXT = 4096;

    private NameRules() {}

    public static String modelName(String name) {
        if (name == null || name.isEmpty()) {
            throw RegistryException.invalid("Registered model name cannot be empty.");
        }
        if (!MODEL_NAME.matcher(name).matches()) {
            throw RegistryException.invalid(
                    "Invalid model name '"
                            + clip(name)
                            + "': use 1 to 256 letters, digits, '.', '_' or '-', starting with a"
                            + " letter or digit.");
        }
        return name;
    }

    /** A version given as a string ("7"), as an int. */
    public static int version(String version) {
        if (version == null || !VERSION.matcher(version).matches()) {
            throw RegistryException.invalid(
                    "Invalid version '"
                            + clip(String.valueOf(version))
                            + "': a model version is a positive whole number given as a string.");
        }
        return Integer.parseInt(version);
    }

    public static String alias(String alias) {
        if (alias == null || !ALIAS.matcher(alias).matches()) {
            throw RegistryException.invalid(
                    "Invalid alias '"
                            + clip(String.valueOf(alias))
                            + "': use 1 to 255 letters, digits, '_' or '-'.");
        }
        if (RESERVED_ALIAS.matcher(alias).matches()) {
            throw RegistryException.invalid(
                    "Invalid alias '"
                            + alias
                            + "': 'latest', 'v<N>' and 'version<N>' are reserved.");
        }
        return alias;
    }

    public static String tagKey(String key) {
        if (key == null || key.isEmpty() || key.length() > MAX_TAG_KEY) {
            throw RegistryException.invalid(
                    "Invalid tag key: it must be 1 to " + MAX_TAG_KEY + " characters.");
        }
        return key;
    }

    public static String tagValue(String value) {
        if (value == null) {
            throw RegistryException.invalid("Missing value for required parameter 'value'.");
        }
        if (value.length() > MAX_TAG_VALUE) {
            throw RegistryException.invalid(
                    "Tag value is "
                            + value.length()
                            + " characters; the limit is "
                            + MAX_TAG_VALUE);
        }
        return value;
    }

    public static String description(String description) {
        if (description != null && description.length() > MAX_DESCRIPTION) {
            throw RegistryException.invalid(
                    "description is "
                            + description.length()
                            + " characters; the limit is "
                            + MAX_DESCRIPTION);
        }
        return description == null ? "" : description;
    }

    public static String text(String field, String value) {
        if (value != null && value.length() > MAX_TEXT) {
            throw RegistryException.invalid(
                    field + " is " + value.length() + " characters; the limit is " + MAX_TEXT);
        }
        return value == null ? "" : value;
    }

    static String clip(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }
}
