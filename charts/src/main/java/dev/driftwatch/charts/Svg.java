package dev.driftwatch.charts;

import java.util.Locale;

/**
 * Writes SVG markup: escapes text for XML, formats coordinates and values, and shortens labels.
 *
 * <p>Every string that reaches the output goes through {@link #text}: the five XML special
 * characters are escaped and characters XML 1.0 cannot carry (NUL and the other C0 controls but
 * tab, line feed and carriage return, lone surrogates, U+FFFE, U+FFFF) become U+FFFD, so the result
 * is well-formed XML whatever the input. Coordinates are never NaN or infinite: the charts skip
 * non-finite values before they reach {@link #coordinate}.
 */
public final class Svg {
    /** Longest label drawn in a chart; longer ones are cut and end in an ellipsis. */
    public static final int MAX_LABEL = 40;

    /** Longest text kept in a tooltip ({@code <title>}). */
    public static final int MAX_TITLE = 300;

    private final StringBuilder out;

    /** A writer for one chart of about {@code capacity} characters. */
    public Svg(int capacity) {
        this.out = new StringBuilder(capacity);
    }

    /** Opens the root element with a view box of {@code width} x {@code height}. */
    public Svg open(String cssClass, int width, int height, String ariaLabel) {
        out.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"")
                .append(text(cssClass))
                .append("\" viewBox=\"0 0 ")
                .append(width)
                .append(' ')
                .append(height)
                .append("\" width=\"")
                .append(width)
                .append("\" height=\"")
                .append(height)
                .append("\" role=\"img\" aria-label=\"")
                .append(text(shorten(ariaLabel, MAX_TITLE)))
                .append("\" font-family=\"sans-serif\" font-size=\"11\">");
        return this;
    }

    /** Appends raw markup the chart built itself (never user text). */
    public Svg raw(String markup) {
        out.append(markup);
        return this;
    }

    /** Appends a {@code <title>} child: the tooltip of the enclosing element. */
    public Svg title(String tooltip) {
        out.append("<title>").append(text(shorten(tooltip, MAX_TITLE))).append("</title>");
        return this;
    }

    /** Appends a {@code <text>} element at (x, y) with the given anchor and class. */
    public Svg label(double x, double y, String anchor, String cssClass, String label) {
        out.append("<text x=\"")
                .append(coordinate(x))
                .append("\" y=\"")
                .append(coordinate(y))
                .append("\" text-anchor=\"")
                .append(anchor)
                .append("\" class=\"")
                .append(cssClass)
                .append("\">")
                .append(text(shorten(label, MAX_LABEL)))
                .append("</text>");
        return this;
    }

    /** Appends a line from (x1, y1) to (x2, y2). */
    public Svg line(double x1, double y1, double x2, double y2, String cssClass, String style) {
        out.append("<line class=\"")
                .append(cssClass)
                .append("\" x1=\"")
                .append(coordinate(x1))
                .append("\" y1=\"")
                .append(coordinate(y1))
                .append("\" x2=\"")
                .append(coordinate(x2))
                .append("\" y2=\"")
                .append(coordinate(y2))
                .append("\" ")
                .append(style)
                .append("/>");
        return this;
    }

    /** Opens a rectangle; close it with {@code raw("</rect>")} after an optional title. */
    public Svg rect(double x, double y, double w, double h, String cssClass, String style) {
        out.append("<rect class=\"")
                .append(cssClass)
                .append("\" x=\"")
                .append(coordinate(x))
                .append("\" y=\"")
                .append(coordinate(y))
                .append("\" width=\"")
                .append(coordinate(Math.max(0, w)))
                .append("\" height=\"")
                .append(coordinate(Math.max(0, h)))
                .append("\" ")
                .append(style)
                .append('>');
        return this;
    }

    /** Closes the root element and returns the document. */
    public String close() {
        out.append("</svg>");
        return out.toString();
    }

    /**
     * XML-escapes {@code s} for text content and attribute values; characters XML cannot carry
     * become U+FFFD. Null becomes the empty string.
     */
    public static String text(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> {
                    if (Character.isHighSurrogate(c)
                            && i + 1 < s.length()
                            && Character.isLowSurrogate(s.charAt(i + 1))) {
                        b.append(c).append(s.charAt(++i));
                    } else if (allowed(c)) {
                        b.append(c);
                    } else {
                        b.append('\uFFFD');
                    }
                }
            }
        }
        return b.toString();
    }

    private static boolean allowed(char c) {
        if (c < 0x20) {
            return c == '\t' || c == '\n' || c == '\r';
        }
        return !Character.isSurrogate(c) && c != '\uFFFE' && c != '\uFFFF';
    }

    /** {@code s} cut to {@code max} characters (the last one an ellipsis) when longer. */
    public static String shorten(String s, int max) {
        if (s == null || s.length() <= max) {
            return s;
        }
        int end = max - 1;
        if (Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end) + "\u2026";
    }

    /** A coordinate with two decimals; a non-finite one (a caller's bug) is drawn at 0. */
    public static String coordinate(double v) {
        if (!Double.isFinite(v)) {
            return "0";
        }
        double r = Math.round(v * 100) / 100.0;
        if (r == Math.rint(r)) {
            return Long.toString((long) r);
        }
        return String.format(Locale.ROOT, "%.2f", r);
    }

    /** A value for people: four significant digits, or NaN, +inf, -inf. */
    public static String value(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+inf" : "-inf";
        }
        if (v == 0) {
            return "0";
        }
        double a = Math.abs(v);
        if (a >= 1e6 || a < 1e-3) {
            return String.format(Locale.ROOT, "%.3e", v);
        }
        String s = String.format(Locale.ROOT, "%.4g", v);
        if (s.contains(".") && !s.contains("e")) {
            s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return s;
    }

    /** The largest finite value of the arrays, or {@code fallback} when there is none above 0. */
    static double maxFinite(double fallback, double[]... arrays) {
        double max = 0;
        for (double[] a : arrays) {
            for (double v : a) {
                if (Double.isFinite(v) && v > max) {
                    max = v;
                }
            }
        }
        return max > 0 ? max : fallback;
    }
}
