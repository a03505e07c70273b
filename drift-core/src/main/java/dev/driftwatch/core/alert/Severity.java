package dev.driftwatch.core.alert;

import dev.driftwatch.core.DriftCoreException;
import java.util.Locale;

/**
 * The severity vocabulary of alerts (label {@code severity}), Alertmanager's usual four, most
 * severe first. Written in lower case.
 */
public enum Severity {
    CRITICAL,
    ERROR,
    WARNING,
    INFO;

    /** The label value, e.g. "critical". */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** True for one of the four label values. */
    public static boolean isLabel(String text) {
        for (Severity s : values()) {
            if (s.label().equals(text)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The severity of a label value (case-insensitive).
     *
     * @throws DriftCoreException naming the valid values
     */
    public static Severity of(String text) {
        for (Severity s : values()) {
            if (s.label().equalsIgnoreCase(text.strip())) {
                return s;
            }
        }
        throw new DriftCoreException(
                "severity must be critical, error, warning or info, was '" + text + "'");
    }
}
