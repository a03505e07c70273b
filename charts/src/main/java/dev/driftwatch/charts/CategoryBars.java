package dev.driftwatch.charts;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The proportions of categories in two or more series, as horizontal bars side by side per
 * category, with some categories highlighted (new in the current data, say).
 *
 * <p>Each category is a {@code <g class="category">} row (class {@code category highlighted} and a
 * {@code <rect class="highlight">} behind it when highlighted) holding one {@code <rect
 * class="bar">} per series; the bars also carry the series' index in {@code data-series}.
 */
public final class CategoryBars {
    private static final int WIDTH = 640;
    private static final int LABEL_W = 170;
    private static final int RIGHT = 60;
    private static final int TOP = 28;
    private static final int BAR_H = 8;
    private static final int GAP = 6;
    private static final String HIGHLIGHT = "#d62728";

    private final String title;
    private final List<String> categories;
    private final Set<String> highlighted;
    private final String highlightNote;
    private final List<Series> series;

    /**
     * @param title what the chart shows
     * @param categories the categories, in drawing order (top to bottom)
     * @param highlighted the categories to highlight
     * @param highlightNote the word that tells why (e.g. "new"), shown next to the highlighted
     * @param series one value (a share of a whole) per category each
     * @throws IllegalArgumentException when a series has another number of values
     */
    public CategoryBars(
            String title,
            List<String> categories,
            Set<String> highlighted,
            String highlightNote,
            List<Series> series) {
        this.title = title;
        this.categories = List.copyOf(categories);
        this.highlighted = Set.copyOf(highlighted);
        this.highlightNote = highlightNote;
        this.series = List.copyOf(series);
        for (Series s : this.series) {
            if (s.values().length != this.categories.size()) {
                throw new IllegalArgumentException(
                        "series has "
                                + s.values().length
                                + " values for "
                                + this.categories.size()
                                + " categories");
            }
        }
    }

    /** The chart as an SVG document. */
    public String toSvg() {
        double[][] values = new double[series.size()][];
        for (int i = 0; i < values.length; i++) {
            values[i] = series.get(i).values();
        }
        double max = Svg.maxFinite(1, values) * 1.05;
        int rowH = series.size() * BAR_H + GAP;
        int height = TOP + categories.size() * rowH + 8;
        double plotW = WIDTH - LABEL_W - RIGHT;
        Svg svg = new Svg(600 + categories.size() * (200 + series.size() * 160));
        svg.open("chart categories", WIDTH, height, title);
        svg.title(title);
        List<String> names = new ArrayList<>();
        series.forEach(s -> names.add(s.name()));
        Legend.draw(svg, LABEL_W, 14, names);
        for (int c = 0; c < categories.size(); c++) {
            String name = categories.get(c);
            boolean hi = highlighted.contains(name);
            double y = TOP + c * rowH;
            svg.raw(hi ? "<g class=\"category highlighted\">" : "<g class=\"category\">");
            if (hi) {
                svg.rect(
                                0,
                                y - GAP / 2.0,
                                WIDTH,
                                rowH,
                                "highlight",
                                "fill=\"" + HIGHLIGHT + "\" fill-opacity=\"0.12\"")
                        .raw("</rect>");
            }
            String shown = hi ? name + " (" + highlightNote + ")" : name;
            svg.label(
                    LABEL_W - 6,
                    y + rowH / 2.0,
                    "end",
                    hi ? "category-label highlighted" : "category-label",
                    Svg.shorten(name, 26) + (hi ? " (" + highlightNote + ")" : ""));
            for (int i = 0; i < series.size(); i++) {
                double v = values[i][c];
                double w = Double.isFinite(v) && v > 0 ? v / max * plotW : 0;
                double by = y + i * BAR_H;
                svg.rect(
                                LABEL_W,
                                by,
                                w,
                                BAR_H - 1,
                                "bar",
                                "data-series=\""
                                        + i
                                        + "\" fill=\""
                                        + Series.color(i)
                                        + (hi ? "\" stroke=\"" + HIGHLIGHT + "\"" : "\""))
                        .title(series.get(i).name() + ", " + shown + ": " + Axes.share(v))
                        .raw("</rect>");
                svg.label(LABEL_W + w + 4, by + BAR_H - 1, "start", "bar-value", Axes.share(v));
            }
            svg.raw("</g>");
        }
        return svg.close();
    }
}
