package dev.driftwatch.jobs.performance;

import java.io.Serializable;

/**
 * How a binary model's labels are read: which label is the positive class ({@code "1"} also accepts
 * {@code "true"}), and the predicted label when an event has none: positive when the score is at
 * least the threshold.
 */
public record BinaryDecision(String positiveLabel, double threshold) implements Serializable {
    /** Whether {@code label} is the positive class. */
    public boolean isPositive(String label) {
        return positiveLabel.equals(label)
                || ("1".equals(positiveLabel) && "true".equalsIgnoreCase(label));
    }

    /** The predicted class: {@code predictedLabel} when given, else {@code score >= threshold}. */
    public boolean predictsPositive(double score, String predictedLabel) {
        return predictedLabel != null ? isPositive(predictedLabel) : score >= threshold;
    }
}
