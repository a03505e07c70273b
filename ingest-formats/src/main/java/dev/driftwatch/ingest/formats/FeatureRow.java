package dev.driftwatch.ingest.formats;

/**
 * One row of features in the representation of drift-core's prediction event: feature {@code i} is
 * named {@code names[i]}; its value is {@code numbers[i]} for a number, {@code strings[i]} for a
 * string or boolean ({@code "true"}/{@code "false"}; {@code numbers[i]} is NaN then), and missing
 * when {@code numbers[i]} is NaN and {@code strings[i]} is null.
 *
 * <p>The arrays are not copied; {@code names} is usually shared by every row of a payload. Treat
 * all three as read-only.
 */
public record FeatureRow(String[] names, double[] numbers, String[] strings) {
    public int size() {
        return names.length;
    }
}
