package dev.driftwatch.charts;

import java.util.Locale;

/** The value axis the charts share: a baseline, a top line and their labels. */
final class Axes {
    private Axes() {}

    /** A y axis from {@code low} at {@code top + height} to {@code high} at {@code top}. */
    static void yAxis(
            Svg svg,
            double left,
            double top,
            double height,
            double right,
            String low,
            String high) {
        svg.raw("<g class=\"axis\">");
        svg.line(left, top + height, right, top + height, "baseline", "stroke=\"#333\"");
        svg.line(left, top, right, top, "gridline", "stroke=\"#ddd\"");
        svg.label(left - 4, top + height + 4, "end", "tick", low);
        svg.label(left - 4, top + 4, "end", "tick", high);
        svg.raw("</g>");
    }

    /** A share as a percentage with one decimal, or the non-finite value's name. */
    static String share(double v) {
        if (!Double.isFinite(v)) {
            return Svg.value(v);
        }
        return String.format(Locale.ROOT, "%.1f%%", v * 100);
    }
}
