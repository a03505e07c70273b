package dev.driftwatch.charts;

import java.util.Objects;

/**
 * One named series of values over the bins or categories of a chart, in their order.
 *
 * @param name the legend's name for it
 * @param values one value per bin or category; a non-finite value is drawn as 0 and its tooltip
 *     says so
 */
public record Series(String name, double[] values) {
    public Series {
        Objects.requireNonNull(name, "name");
        values = values.clone();
    }

    @Override
    public double[] values() {
        return values.clone();
    }

    /** The colour of the series at {@code index} in a chart (a fixed, colour-blind-safe list). */
    public static String color(int index) {
        String[] palette = {"#4c78a8", "#f58518", "#54a24b", "#b279a2", "#9d755d", "#e45756"};
        return palette[Math.floorMod(index, palette.length)];
    }
}
