package dev.driftwatch.charts;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Lines of values over time, with an optional horizontal threshold line and vertical marks at given
 * instants (alerts, retraining runs).
 *
 * <p>Each line is a {@code <g class="series">} with {@code data-points} (the finite points drawn)
 * holding one {@code <path class="line">}, broken where a value is not finite, and, for lines of at
 * most {@value #MAX_DOTS} points, one {@code <circle class="point">} per point with its tooltip.
 * The threshold is a {@code <line class="threshold">}; each mark a {@code <g class="mark">}.
 */
public final class TimeSeriesChart {
    /** Lines with more points are drawn without a dot per point. */
    public static final int MAX_DOTS = 300;

    private static final int WIDTH = 640;
    private static final int HEIGHT = 220;
    private static final int LEFT = 52;
    private static final int RIGHT = 12;
    private static final int TOP = 28;
    private static final int BOTTOM = 30;
    private static final int TICKS = 4;
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

    /**
     * One line.
     *
     * @param name its legend name
     * @param times the instants, in epoch milliseconds, increasing
     * @param values a value per instant; non-finite values break the line
     */
    public record Line(String name, long[] times, double[] values) {
        public Line {
            Objects.requireNonNull(name, "name");
            if (times.length != values.length) {
                throw new IllegalArgumentException(
                        times.length + " times for " + values.length + " values");
            }
            times = times.clone();
            values = values.clone();
        }
    }

    /**
     * A vertical mark.
     *
     * @param time its instant in epoch milliseconds
     * @param label what happened then
     */
    public record Mark(long time, String label) {}

    private final String title;
    private final List<Line> lines;
    private final Double threshold;
    private final List<Mark> marks;
    private final long[] timeAxis;

    /**
     * @param title what the chart shows
     * @param lines the lines
     * @param threshold a horizontal line's value, or null for none
     * @param marks vertical marks
     */
    public TimeSeriesChart(String title, List<Line> lines, Double threshold, List<Mark> marks) {
        this.title = title;
        this.lines = List.copyOf(lines);
        this.threshold = threshold != null && Double.isFinite(threshold) ? threshold : null;
        this.marks = List.copyOf(marks);
        this.timeAxis = null;
    }

    private TimeSeriesChart(TimeSeriesChart c, long from, long to) {
        this.title = c.title;
        this.lines = c.lines;
        this.threshold = c.threshold;
        this.marks = c.marks;
        this.timeAxis = new long[] {from, to};
    }

    /**
     * This chart with its time axis fixed to [{@code from}, {@code to}] (epoch milliseconds), so
     * that charts of one page share an axis; points and marks outside it are not drawn.
     *
     * @throws IllegalArgumentException when {@code to <= from}
     */
    public TimeSeriesChart over(long from, long to) {
        if (to <= from) {
            throw new IllegalArgumentException("the time axis needs from < to");
        }
        return new TimeSeriesChart(this, from, to);
    }

    /** The chart as an SVG document. */
    public String toSvg() {
        long t0 = Long.MAX_VALUE;
        long t1 = Long.MIN_VALUE;
        double lo = 0;
        double hi = threshold == null ? 0 : threshold;
        lo = Math.min(lo, hi);
        int points = 0;
        for (Line l : lines) {
            for (int i = 0; i < l.times().length; i++) {
                t0 = Math.min(t0, l.times()[i]);
                t1 = Math.max(t1, l.times()[i]);
                double v = l.values()[i];
                if (Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
            points += l.times().length;
        }
        for (Mark m : marks) {
            t0 = Math.min(t0, m.time());
            t1 = Math.max(t1, m.time());
        }
        if (timeAxis != null) {
            t0 = timeAxis[0];
            t1 = timeAxis[1];
        }
        if (t0 > t1) {
            t0 = 0;
            t1 = 1;
        } else if (t0 == t1) {
            if (t1 < Long.MAX_VALUE) {
                t1++;
            } else {
                t0--;
            }
        }
        if (hi <= lo) {
            hi = lo + 1;
        }
        hi = hi + (hi - lo) * 0.08;
        double plotW = WIDTH - LEFT - RIGHT;
        double plotH = HEIGHT - TOP - BOTTOM;
        Scale scale = new Scale(t0, t1, lo, hi, plotW, plotH);
        Svg svg = new Svg(1000 + points * 40 + marks.size() * 200);
        svg.open("chart timeseries", WIDTH, HEIGHT, title);
        svg.title(title);
        List<String> names = new ArrayList<>();
        lines.forEach(l -> names.add(l.name()));
        Legend.draw(svg, LEFT, 14, names);
        Axes.yAxis(svg, LEFT, TOP, plotH, WIDTH - RIGHT, Svg.value(lo), Svg.value(hi));
        svg.raw("<g class=\"time-axis\">");
        for (int k = 0; k <= TICKS; k++) {
            long t = (long) (t0 + ((double) t1 - t0) * k / TICKS);
            String anchor = k == 0 ? "start" : k == TICKS ? "end" : "middle";
            svg.label(scale.x(t), TOP + plotH + 16, anchor, "tick", TIME.format(instant(t)));
        }
        svg.raw("</g>");
        if (threshold != null) {
            double y = scale.y(threshold);
            svg.line(
                            LEFT,
                            y,
                            WIDTH - RIGHT,
                            y,
                            "threshold",
                            "stroke=\"#d62728\" stroke-dasharray=\"6,3\"")
                    .label(WIDTH - RIGHT, y - 3, "end", "threshold-label", Svg.value(threshold));
        }
        for (Mark m : marks) {
            if (m.time() < t0 || m.time() > t1) {
                continue;
            }
            double x = scale.x(m.time());
            svg.raw("<g class=\"mark\">")
                    .line(x, TOP, x, TOP + plotH, "mark-line", "stroke=\"#9467bd\"")
                    .raw("<circle cx=\"")
                    .raw(Svg.coordinate(x))
                    .raw("\" cy=\"")
                    .raw(Svg.coordinate(TOP + 3.0))
                    .raw("\" r=\"4\" fill=\"#9467bd\">")
                    .title(TIME.format(instant(m.time())) + " " + m.label())
                    .raw("</circle></g>");
        }
        for (int i = 0; i < lines.size(); i++) {
            drawLine(svg, scale, lines.get(i), Series.color(i), t0, t1);
        }
        return svg.close();
    }

    private static void drawLine(Svg svg, Scale scale, Line l, String color, long t0, long t1) {
        StringBuilder d = new StringBuilder(l.times().length * 16);
        int drawn = 0;
        boolean pen = false;
        for (int i = 0; i < l.times().length; i++) {
            double v = l.values()[i];
            if (!Double.isFinite(v) || l.times()[i] < t0 || l.times()[i] > t1) {
                pen = false;
                continue;
            }
            d.append(pen ? 'L' : 'M')
                    .append(Svg.coordinate(scale.x(l.times()[i])))
                    .append(',')
                    .append(Svg.coordinate(scale.y(v)));
            pen = true;
            drawn++;
        }
        svg.raw("<g class=\"series\" data-series=\"")
                .raw(Svg.text(Svg.shorten(l.name(), Svg.MAX_TITLE)))
                .raw("\" data-points=\"")
                .raw(Integer.toString(drawn))
                .raw("\"><path class=\"line\" fill=\"none\" stroke=\"")
                .raw(color)
                .raw("\" stroke-width=\"1.5\" d=\"")
                .raw(d.length() == 0 ? "M0,0" : d.toString())
                .raw("\"/>");
        if (l.times().length <= MAX_DOTS) {
            for (int i = 0; i < l.times().length; i++) {
                double v = l.values()[i];
                if (!Double.isFinite(v) || l.times()[i] < t0 || l.times()[i] > t1) {
                    continue;
                }
                svg.raw("<circle class=\"point\" cx=\"")
                        .raw(Svg.coordinate(scale.x(l.times()[i])))
                        .raw("\" cy=\"")
                        .raw(Svg.coordinate(scale.y(v)))
                        .raw("\" r=\"2.5\" fill=\"")
                        .raw(color)
                        .raw("\">")
                        .title(
                                l.name()
                                        + " "
                                        + TIME.format(instant(l.times()[i]))
                                        + ": "
                                        + Svg.value(v))
                        .raw("</circle>");
            }
        }
        svg.raw("</g>");
    }

    private static Instant instant(long millis) {
        return Instant.ofEpochMilli(Math.max(-62135596800000L, Math.min(millis, 253402300799000L)));
    }

    /** Maps (time, value) to the plot's pixels. */
    private record Scale(long t0, long t1, double lo, double hi, double w, double h) {
        double x(long t) {
            return LEFT + ((double) t - t0) / ((double) t1 - t0) * w;
        }

        double y(double v) {
            return TOP + h - (v - lo) / (hi - lo) * h;
        }
    }
}
