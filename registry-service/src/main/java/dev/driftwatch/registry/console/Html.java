package dev.driftwatch.registry.console;

import dev.driftwatch.charts.Svg;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Builds one console page: escaped text, links with encoded path segments, the shared header and
 * stylesheet. Every text that came from a table or a request goes through {@link #text}.
 */
final class Html {
    /** Names longer than this are shown cut, with an ellipsis (the full name is in the link). */
    static final int MAX_NAME = 120;

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    private static final String STYLE =
            "body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#222;background:#fafafa}"
                    + "header{display:flex;gap:18px;align-items:center;padding:8px 16px;"
                    + "background:#1f3b57;color:#fff;flex-wrap:wrap}"
                    + "header a{color:#fff}header form{margin-left:auto}"
                    + ".ranges a{margin-right:6px}.ranges a.current{font-weight:bold;"
                    + "text-decoration:none;border-bottom:2px solid #fff}"
                    + "main{padding:12px 16px;max-width:1280px}"
                    + "table{border-collapse:collapse;margin:8px 0 16px}"
                    + "th,td{border:1px solid #ccc;padding:3px 8px;text-align:left;"
                    + "vertical-align:top}th{background:#eee}"
                    + "td.num{text-align:right;font-variant-numeric:tabular-nums}"
                    + ".drifted{color:#b00020;font-weight:bold}.note{color:#666}"
                    + ".error{color:#b00020;font-weight:bold}"
                    + "section{margin-bottom:18px}svg{background:#fff;max-width:100%}"
                    + "ul.transitions{margin:0;padding-left:16px}";

    private final StringBuilder out = new StringBuilder(16_384);

    /** Starts a page; {@code session} null: the login page (no navigation). */
    Html(String title, ConsoleSessions.Session session, TimeRange range, String path) {
        out.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<title>")
                .append(text(title))
                .append(" \u00b7 Driftwatch</title><style>")
                .append(STYLE)
                .append("</style></head><body><header><strong>Driftwatch</strong>");
        if (session != null) {
            String r = range.name();
            out.append("<nav><a href=\"/ui?range=")
                    .append(r)
                    .append("\">Models</a> &nbsp; <a href=\"/ui/alerts?range=")
                    .append(r)
                    .append("\">Alerts</a></nav><span class=\"ranges\">");
            for (String name : TimeRange.NAMES) {
                out.append("<a href=\"")
                        .append(text(path))
                        .append("?range=")
                        .append(name)
                        .append("\"")
                        .append(name.equals(r) ? " class=\"current\"" : "")
                        .append(">")
                        .append(name)
                        .append("</a>");
            }
            out.append("</span><form method=\"post\" action=\"/ui/logout\">")
                    .append(text(session.tokenName()))
                    .append(" (")
                    .append(text(session.role()))
                    .append(") <button type=\"submit\">Log out</button></form>");
        }
        out.append("</header><main>");
    }

    /** Escapes {@code s} for HTML text and attribute values (null: empty). */
    static String text(String s) {
        return Svg.text(s);
    }

    /** A name for display: escaped, cut to {@value #MAX_NAME} characters. */
    static String name(String s) {
        return text(Svg.shorten(s, MAX_NAME));
    }

    /** A path segment: percent-encoded (spaces as %20). */
    static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The model page's path. */
    static String modelPath(String model) {
        return "/ui/models/" + segment(model);
    }

    /** A feature page's path. */
    static String featurePath(String model, String feature) {
        return modelPath(model) + "/features/" + segment(feature);
    }

    static String time(Instant t) {
        return t == null ? "" : TIME.format(t);
    }

    static String number(Double v) {
        return v == null ? "" : Svg.value(v);
    }

    Html raw(String markup) {
        out.append(markup);
        return this;
    }

    Html esc(String s) {
        out.append(text(s));
        return this;
    }

    Html link(String href, String label) {
        out.append("<a href=\"")
                .append(text(href))
                .append("\">")
                .append(name(label))
                .append("</a>");
        return this;
    }

    Html cell(String s) {
        out.append("<td>").append(text(s)).append("</td>");
        return this;
    }

    Html num(String s) {
        out.append("<td class=\"num\">").append(text(s)).append("</td>");
        return this;
    }

    String end() {
        out.append("</main></body></html>");
        return out.toString();
    }
}
