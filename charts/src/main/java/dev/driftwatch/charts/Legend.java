package dev.driftwatch.charts;

import java.util.List;

/** The row of colour swatches and names above a chart. */
final class Legend {
    private Legend() {}

    /** Draws one swatch and name per entry from (x, y), left to right. */
    static void draw(Svg svg, double x, double y, List<String> names) {
        svg.raw("<g class=\"legend\">");
        double at = x;
        for (int i = 0; i < names.size(); i++) {
            svg.rect(at, y - 9, 10, 10, "swatch", "fill=\"" + Series.color(i) + "\"")
                    .raw("</rect>");
            String name = Svg.shorten(names.get(i), Svg.MAX_LABEL);
            svg.label(at + 14, y, "start", "legend-label", name);
            at += 24 + 6.5 * name.length();
        }
        svg.raw("</g>");
    }
}
