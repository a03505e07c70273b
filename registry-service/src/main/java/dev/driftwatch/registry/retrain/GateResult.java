package dev.driftwatch.registry.retrain;

/**
 * One validation gate's verdict with its numbers.
 *
 * @param gate the gate's type ({@code min_vs_champion}, {@code max_value}, {@code max_segment_gap})
 * @param metric the metric it looked at
 * @param passed whether the candidate passed
 * @param observed the candidate's value (for a segment gap: the gap), null when not reported
 * @param threshold the bound it was compared with (champion − tolerance, or the maximum)
 * @param championValue the champion's value on the same holdout, null when none
 * @param detail the comparison in words
 */
public record GateResult(
        String gate,
        String metric,
        boolean passed,
        Double observed,
        Double threshold,
        Double championValue,
        String detail) {}
