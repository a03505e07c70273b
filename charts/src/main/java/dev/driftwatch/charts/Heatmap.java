package dev.driftwatch.charts;

import java.util.List;
import java.util.Locale;

/**
 * A grid of cells (rows x columns, features x windows say) coloured by value from white to red,
 * with some cells marked (drift decided there).
 *
 * <p>Each cell is a {@code <rect class="cell">} with {@code data-row} and {@code data-col}; marked
 * cells have class {@code cell marked} and a dark outline, cells without a value class {@code cell
 * empty} and a grey fill.
 */
public final class Heatmap {
    private static final int WIDTH = 640;
    private static final int LABEL_W = 150;
    private static final int RIGHT = 12;
    private static final int TOP = 12;
    private static final int BOTTOM = 30;
    private static final int CELL_H = 14;
    private static final int MAX_COLUMN_LABELS = 8;

    private final String title;
    private final List<String> rows;
    private final List<String> columns;
    private final double[][] values;
    private final boolean[][] marked;
    private final double max;

    /**
     * @param title what the chart shows
     * @param rows the row labels
     * @param columns the column labels
     * @param values {@code values[row][col]}; a non-finite value is an empty cell
     * @param marked {@code marked[row][col]}: cells to outline
     * @param max the value drawn in full red (and above); not positive: the largest value
     * @throws IllegalArgumentException when the arrays do not match the labels
     */
    public Heatmap(
            String title,
            List<String> rows,
            List<String> columns,
            double[][] values,
            boolean[][] marked,
            double max) {
        this.title = title;
        this.rows = List.copyOf(rows);
        this.columns = List.copyOf(columns);
        if (values.length != this.rows.size() || marked.length != this.rows.size()) {
            throw new IllegalArgumentException("values and marks need one row per row label");
        }
        this.values = new double[values.length][];
        this.marked = new boolean[marked.length][];
        for (int r = 0; r < values.length; r++) {
            if (values[r].length != this.columns.size()
                    || marked[r].length != this.columns.size()) {
                throw new IllegalArgumentException(
                        "row " + r + " needs " + this.columns.size() + " cells");
            }
            this.values[r] = values[r].clone();
            this.marked[r] = marked[r].clone();
        }
        this.max = max > 0 && Double.isFinite(max) ? max : Svg.maxFinite(1, this.values);
    }

    /** The chart as an SVG document. */
    public String toSvg() {
        int cols = Math.max(1, columns.size());
        double cellW = Math.max(2, (WIDTH - LABEL_W - RIGHT) / (double) cols);
        int width = (int) Math.ceil(LABEL_W + cellW * cols + RIGHT);
        int height = TOP + rows.size() * CELL_H + BOTTOM;
        Svg svg = new Svg(400 + rows.size() * columns.size() * 160);
        svg.open("chart heatmap", width, height, title);
        svg.title(title);
        for (int r = 0; r < rows.size(); r++) {
            double y = TOP + r * CELL_H;
            svg.label(LABEL_W - 6, y + CELL_H - 3, "end", "row-label", rows.get(r));
            for (int c = 0; c < columns.size(); c++) {
                double v = values[r][c];
                boolean mark = marked[r][c];
                String cls = !Double.isFinite(v) ? "cell empty" : mark ? "cell marked" : "cell";
                String style =
                        "data-row=\""
                                + r
                                + "\" data-col=\""
                                + c
                                + "\" fill=\""
                                + (Double.isFinite(v) ? color(v) : "#dddddd")
                                + "\""
                                + (mark ? " stroke=\"#111\" stroke-width=\"2\"" : "");
                svg.rect(
                                LABEL_W + c * cellW,
                                y,
                                cellW - (cellW > 4 ? 1 : 0),
                                CELL_H - 1,
                                cls,
                                style)
                        .title(
                                rows.get(r)
                                        + " / "
                                        + columns.get(c)
                                        + ": "
                                        + Svg.value(v)
                                        + (mark ? " (marked)" : ""))
                        .raw("</rect>");
            }
        }
        int every = (columns.size() + MAX_COLUMN_LABELS - 1) / MAX_COLUMN_LABELS;
        for (int c = 0; c < columns.size(); c += Math.max(1, every)) {
            svg.label(
                    LABEL_W + (c + 0.5) * cellW,
                    TOP + rows.size() * CELL_H + 14,
                    "middle",
                    "column-label",
                    columns.get(c));
        }
        return svg.close();
    }

    /** White (0) to red ({@code max} and above), as #rrggbb. */
    private String color(double v) {
        double t = Math.max(0, Math.min(1, v / max));
        int g = (int) Math.round(255 * (1 - t * 0.85));
        return String.format(Locale.ROOT, "#ff%02x%02x", g, g);
    }
}
