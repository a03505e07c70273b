package dev.driftwatch.core.performance;

import dev.driftwatch.core.DriftCoreException;
import java.util.Locale;

/** What a model predicts, which decides its performance metrics. */
public enum TaskType {
    BINARY,
    MULTICLASS,
    REGRESSION;

    public static TaskType parse(String name) {
        try {
            return valueOf(name.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new DriftCoreException(
                    "unknown task type '" + name + "' (use binary, multiclass or regression)");
        }
    }

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
