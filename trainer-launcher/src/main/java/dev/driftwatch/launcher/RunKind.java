package dev.driftwatch.launcher;

import java.util.Locale;

/** Whether a run trains a candidate or validates one against the champion on a holdout. */
public enum RunKind {
    TRAINING,
    VALIDATION;

    /** The lower-case name used in labels and environment variables. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
