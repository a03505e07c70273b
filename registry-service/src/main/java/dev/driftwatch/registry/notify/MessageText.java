package dev.driftwatch.registry.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.driftwatch.core.alert.Alert;
import dev.driftwatch.core.alert.AlertLabels;
import java.util.Locale;

/** The text every receiver's message shares: one-line headlines of alerts and run events. */
final class MessageText {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private MessageText() {}

    /** One line: "[FIRING] fraud v7 amount psi 0.31 (threshold 0.2): summary". */
    static String headline(Alert a) {
        StringBuilder s = new StringBuilder();
        s.append('[').append(a.status().toUpperCase(Locale.ROOT)).append("] ");
        s.append(a.label(AlertLabels.ALERTNAME));
        if (!a.label(AlertLabels.MODEL_NAME).isEmpty()) {
            s.append(" on ").append(a.label(AlertLabels.MODEL_NAME));
            if (!a.label(AlertLabels.MODEL_VERSION).isEmpty()) {
                s.append(" v").append(a.label(AlertLabels.MODEL_VERSION));
            }
        }
        if (!a.label(AlertLabels.FEATURE).isEmpty()) {
            s.append(", feature ").append(a.label(AlertLabels.FEATURE));
        }
        String value = a.annotations().get("value");
        if (value != null) {
            s.append(": ")
                    .append(
                            a.label(AlertLabels.METRIC).isEmpty()
                                    ? "value"
                                    : a.label(AlertLabels.METRIC));
            s.append(' ').append(value);
            String threshold = a.annotations().get("threshold");
            if (threshold != null) {
                s.append(" vs threshold ").append(threshold);
            }
        }
        String summary = a.annotations().get("summary");
        if (summary != null && !summary.isEmpty()) {
            s.append(" - ").append(summary);
        }
        return s.toString();
    }

    /**
     * One line: "[PROMOTED] retrain run 7 of fraud: candidate v2, champion v1 - 3 of 3 gate(s)
     * passed".
     */
    static String headline(RunEvent e) {
        StringBuilder s = new StringBuilder();
        s.append('[').append(e.event().toUpperCase(Locale.ROOT)).append("] retrain run ");
        s.append(e.runId()).append(" of ").append(e.modelName());
        s.append(": candidate ").append(version(e.candidateVersion()));
        s.append(", champion ").append(version(e.championVersion()));
        String why = e.failureReason() != null ? e.failureReason() : e.gatesSummary();
        if (why.isEmpty()) {
            why = e.detail();
        }
        if (!why.isEmpty()) {
            s.append(" - ").append(why);
        }
        return s.toString();
    }

    static String version(Integer v) {
        return v == null ? "none" : "v" + v;
    }

    static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
