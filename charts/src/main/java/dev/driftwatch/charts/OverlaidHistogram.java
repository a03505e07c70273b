package dev.driftwatch.charts;

import java.util.ArrayList;
import java.util.List;

/**
 * Two or more series over the same bins, drawn as overlaid translucent bars, with the edges between
 * the bins marked and labelled.
 *
 * <p>Bins are drawn with equal widths whatever their edges' spacing: for quantile bins each holds
 * the same share of the reference, so a series' departure from the reference reads directly as the
 * bars' heights. There are {@code edges.length + 1} bins: (-inf, e1), [e1, e2), ..., [e_last,
 * +inf). Each series is a {@code <g class="series">} of one {@code <rect class="bar">} per bin;
 * each edge a {@code <line class="edge">}.
 */
public final class OverlaidHistogram {
    private static final int WIDTH = 640;
    private static final int HEIGHT = 220;
    private static final int LEFT = 48;
    private static final int RIGHT = 12;
    private static final int TOP = 28;
    private static final int BOTTOM = 36;
    private static final int MAX_EDGE_LABELS = 10;

    private final String title;
    private final double[] edges;
    private final List<Series> series;

    /**
     * @param title what the chart shows (its accessible name)
     * @param edges the inner bin edges, increasing
     * @param series the series, each with {@code edges.length + 1} values (shares of a whole)
     * @throws IllegalArgumentException when a series has another number of values
     */
    public OverlaidHistogram(String title, double[] edges, List<Series> series) {
        this.title = title;
        this.edges = edges.clone();
        this.series = List.copyOf(series);
        for (Series s : this.series) {
            if (s.values().length != this.edges.length + 1) {
                throw new IllegalArgumentException(
                        "series has "
                                + s.values().length
                                + " values for "
                                + (this.edges.length + 1)
                                + " bins");
            }
        }
    }

    /** The chart as an SVG document (an {@code <svg>} element to inline in HTML). */
    public String toSvg() {
        int bins = edges.length + 1;
        double[][] values = new double[series.size()][];
        for (int i = 0; i < values.length; i++) {
            values[i] = series.get(i).values();
        }
        double max = Svg.maxFinite(1, values) * 1.1;
        double plotW = WIDTH - LEFT - RIGHT;
        double plotH = HEIGHT - TOP - BOTTOM;
        double binW = plotW / bins;
        double baseY = TOP + plotH;
        Svg svg = new Svg(600 + bins * series.size() * 140 + edges.length * 120);
        svg.open("chart histogram", WIDTH, HEIGHT, title);
        svg.title(title);
        List<String> names = new ArrayList<>();
        series.forEach(s -> names.add(s.name()));
        Legend.draw(svg, LEFT, 14, names);
        Axes.yAxis(svg, LEFT, TOP, plotH, WIDTH - RIGHT, "0", Axes.share(max));
        for (int i = 0; i < series.size(); i++) {
            svg.raw("<g class=\"series\" data-series=\"")
                    .raw(Svg.text(Svg.shorten(series.get(i).name(), Svg.MAX_TITLE)))
                    .raw("\" fill=\"")
                    .raw(Series.color(i))
                    .raw("\" fill-opacity=\"0.45\" stroke=\"")
                    .raw(Series.color(i))
                    .raw("\">");
            for (int b = 0; b < bins; b++) {
                double v = values[i][b];
                double h = Double.isFinite(v) && v > 0 ? v / max * plotH : 0;
                svg.rect(LEFT + b * binW + 1, baseY - h, binW - 2, h, "bar", "")
                        .title(series.get(i).name() + ", " + binName(b) + ": " + Axes.share(v))
                        .raw("</rect>");
            }
            svg.raw("</g>");
        }
        svg.raw("<g class=\"edges\">");
        int every = (edges.length + MAX_EDGE_LABELS - 1) / MAX_EDGE_LABELS;
        for (int e = 0; e < edges.length; e++) {
            double x = LEFT + (e + 1) * binW;
            svg.line(
                    x,
                    TOP,
                    x,
                    baseY + 4,
                    "edge",
                    "stroke=\"#555\" stroke-dasharray=\"3,3\" stroke-width=\"1\"");
            if (e % Math.max(1, every) == 0) {
                svg.label(x, baseY + 16, "middle", "edge-label", Svg.value(edges[e]));
            }
        }
        svg.raw("</g>");
        return svg.close();
    }

    private String binName(int b) {
        String lo = b == 0 ? "-inf" : Svg.value(edges[b - 1]);
        String hi = b == edges.length ? "+inf" : Svg.value(edges[b]);
        return "[" + lo + ", " + hi + ")";
    }
}
