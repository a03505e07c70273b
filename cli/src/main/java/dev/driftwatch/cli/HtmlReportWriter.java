package dev.driftwatch.cli;

import dev.driftwatch.charts.CategoryBars;
import dev.driftwatch.charts.OverlaidHistogram;
import dev.driftwatch.charts.Series;
import dev.driftwatch.charts.Svg;
import dev.driftwatch.core.drift.DriftDecision;
import dev.driftwatch.core.drift.DriftMethod;
import dev.driftwatch.core.drift.DriftPolicies;
import dev.driftwatch.core.drift.DriftPolicy;
import dev.driftwatch.core.drift.DriftReport;
import dev.driftwatch.core.drift.DriftRule;
import dev.driftwatch.core.drift.FeatureMetrics;
import dev.driftwatch.core.drift.MetricNames;
import dev.driftwatch.core.drift.Statistic;
import dev.driftwatch.core.profile.CategoricalReference;
import dev.driftwatch.core.profile.CategoricalWindow;
import dev.driftwatch.core.profile.FeatureReference;
import dev.driftwatch.core.profile.FeatureType;
import dev.driftwatch.core.profile.FeatureWindow;
import dev.driftwatch.core.profile.NumericReference;
import dev.driftwatch.core.profile.NumericWindow;
import dev.driftwatch.core.profile.ReferenceProfile;
import dev.driftwatch.core.profile.WindowProfile;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Renders a {@link DriftReport} as one self-contained HTML page: a summary, an index with a search
 * box, and per feature its reference and current distributions, its statistics and its decision.
 *
 * <p>Everything is inline (CSS, SVG charts, a few lines of script for the search box); a
 * Content-Security-Policy forbids loading anything else, so the page works offline and makes no
 * request. Features are ordered drifted first, then by how far the deciding statistic is past its
 * threshold ({@link #driftScore}), then by name. Each feature is a {@code <details>} element, open
 * when it drifted. The output depends only on its inputs (no clock), so a report is reproducible.
 */
final class HtmlReportWriter {
    /** Categories drawn per categorical feature; the others are listed as a count. */
    static final int MAX_CATEGORIES_DRAWN = 30;

    /** Category names listed per list (new, missing) in the text; the rest as a count. */
    static final int MAX_CATEGORIES_LISTED = 50;

    private HtmlReportWriter() {}

    /**
     * The report page.
     *
     * @param report the drift report
     * @param profile the reference profile it was computed against
     * @param window the current window it was computed from
     * @param policies the policies that decided
     * @param referenceName what the reference was (a file name)
     * @param currentName what the current data was (a file name)
     */
    static String html(
            DriftReport report,
            ReferenceProfile profile,
            WindowProfile window,
            DriftPolicies policies,
            String referenceName,
            String currentName) {
        List<DriftReport.FeatureDrift> features = new ArrayList<>(report.features());
        features.sort(ORDER);
        StringBuilder b = new StringBuilder(4096 + features.size() * 6000);
        String title = "Drift report: " + currentName + " against " + referenceName;
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append(
                        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';"
                                + " style-src 'unsafe-inline'; script-src 'unsafe-inline'\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>")
                .append(esc(Svg.shorten(title, 200)))
                .append("</title><style>")
                .append(CSS)
                .append("</style></head><body>\n");
        b.append("<header><h1>Drift report</h1><p class=\"sources\">current <b>")
                .append(esc(Svg.shorten(currentName, 200)))
                .append("</b> against reference <b>")
                .append(esc(Svg.shorten(referenceName, 200)))
                .append("</b>");
        if (profile.modelName() != null && !profile.modelName().isEmpty()) {
            b.append(" (model ")
                    .append(esc(Svg.shorten(profile.modelName(), 200)))
                    .append(' ')
                    .append(esc(Svg.shorten(String.valueOf(profile.modelVersion()), 100)))
                    .append(')');
        }
        b.append("</p></header>\n");
        summary(b, report, features, policies);
        index(b, features);
        b.append("<main id=\"features\">\n");
        for (int i = 0; i < features.size(); i++) {
            DriftReport.FeatureDrift fd = features.get(i);
            String name = fd.metrics().feature();
            feature(
                    b,
                    i,
                    fd,
                    profile.feature(name),
                    window.indexOf(name) < 0 ? null : window.feature(window.indexOf(name)),
                    policies);
        }
        b.append("</main>\n<script>").append(SCRIPT).append("</script>\n</body></html>\n");
        return b.toString();
    }

    /** Drifted first, then most drifted by the deciding statistic, then by name. */
    static final Comparator<DriftReport.FeatureDrift> ORDER =
            Comparator.comparing((DriftReport.FeatureDrift fd) -> !fd.decision().detected())
                    .thenComparing(fd -> -driftScore(fd.decision()))
                    .thenComparing(fd -> fd.metrics().feature());

    /**
     * How far a decision's value is past its threshold, comparable across methods: value /
     * threshold for an effect size, threshold / p-value for a test (larger is more drifted); -inf
     * when nothing was decided.
     */
    static double driftScore(DriftDecision d) {
        if (d.value() == null || d.value().isNaN()) {
            return Double.NEGATIVE_INFINITY;
        }
        double v = d.value();
        if (d.method().isPValueMethod()) {
            return v <= 0 ? Double.POSITIVE_INFINITY : d.threshold() / v;
        }
        return d.threshold() <= 0 ? v : v / d.threshold();
    }

    private static void summary(
            StringBuilder b,
            DriftReport report,
            List<DriftReport.FeatureDrift> features,
            DriftPolicies policies) {
        int decided = 0;
        Map<String, Integer> methods = new LinkedHashMap<>();
        for (DriftReport.FeatureDrift fd : features) {
            DriftDecision d = fd.decision();
            if (d.value() != null) {
                decided++;
            }
            methods.merge(ruleText(d, policies, fd.metrics()), 1, Integer::sum);
        }
        b.append("<section id=\"summary\"><h2>Summary</h2><p class=\"verdict ")
                .append(
                        report.datasetDrift()
                                ? "drifted\">Dataset drifted"
                                : "stable\">No dataset drift")
                .append("</p><p><b id=\"drifted-count\">")
                .append(report.driftedFeatures())
                .append("</b> of ")
                .append(features.size())
                .append(" features drifted (")
                .append(decided)
                .append(" decided); drift share ")
                .append(num(report.driftShare()))
                .append(report.datasetDrift() ? " &ge; " : " &lt; ")
                .append(num(policies.datasetDriftShare()))
                .append(", the share at which the dataset counts as drifted.</p>");
        b.append("<table class=\"rules\"><thead><tr><th>features</th><th>decided by</th></tr>")
                .append("</thead><tbody>");
        for (Map.Entry<String, Integer> e : methods.entrySet()) {
            b.append("<tr><td class=\"n\">")
                    .append(e.getValue())
                    .append("</td><td>")
                    .append(e.getKey())
                    .append("</td></tr>");
        }
        b.append("</tbody></table><p class=\"note\">Sample-size guard quantile ")
                .append(num(policies.guardQuantile()))
                .append(
                        ": an effect size must also exceed what sampling noise gives at these"
                                + " sample sizes (its noise floor). Test p-values are corrected"
                                + " together with Benjamini-Hochberg.</p></section>\n");
    }

    /** The rule of a decision in words (HTML-escaped). */
    private static String ruleText(DriftDecision d, DriftPolicies policies, FeatureMetrics m) {
        DriftMethod method = d.method();
        DriftPolicy policy = policies.forFeature(m.feature(), m.type());
        String critical = policy.method() == method ? ", critical " + num(policy.critical()) : "";
        String stat = esc(method.statistic().metric());
        String rule =
                d.rule() == null ? "" : "rule <code>" + esc(d.rule().configName()) + "</code>, ";
        if (d.rule() == DriftRule.TWO_SAMPLE_TEST && m.type() == FeatureType.NUMERIC) {
            return rule
                    + "<code>"
                    + esc(method.configName())
                    + "</code>: drift when Simes' combination of the ks_statistic (less its error"
                    + " bound), rank-sum, Ansari-Bradley and pooled chi-square p-values,"
                    + " Benjamini-Hochberg adjusted, is &le; "
                    + num(d.threshold())
                    + " and the ks_statistic less its error bound is &ge; "
                    + num(policies.effectFloor());
        }
        if (method.isPValueMethod()) {
            return rule
                    + "<code>"
                    + esc(method.configName())
                    + "</code>: drift when the "
                    + stat
                    + " p-value, Benjamini-Hochberg adjusted, is &le; "
                    + num(d.threshold())
                    + critical;
        }
        return rule
                + "<code>"
                + esc(method.configName())
                + "</code>: drift when "
                + stat
                + " &ge; "
                + num(d.threshold())
                + critical
                + " and above its noise floor";
    }

    private static void index(StringBuilder b, List<DriftReport.FeatureDrift> features) {
        b.append("<nav id=\"index\"><h2>Features</h2><p><input type=\"search\" id=\"filter\"")
                .append(" placeholder=\"Filter features by name\" aria-label=\"Filter features")
                .append(" by name\" autocomplete=\"off\"> <span id=\"shown\">")
                .append(features.size())
                .append(" of ")
                .append(features.size())
                .append(" features</span></p><table class=\"index\"><thead><tr><th>feature</th>")
                .append("<th>type</th><th>method</th><th>value</th><th>threshold</th>")
                .append("<th>severity</th></tr></thead><tbody>\n");
        for (int i = 0; i < features.size(); i++) {
            DriftReport.FeatureDrift fd = features.get(i);
            DriftDecision d = fd.decision();
            String name = fd.metrics().feature();
            b.append("<tr data-name=\"")
                    .append(esc(name))
                    .append("\" class=\"")
                    .append(d.detected() ? "drifted" : "stable")
                    .append("\"><td><a href=\"#f")
                    .append(i)
                    .append("\">")
                    .append(esc(Svg.shorten(name, 80)))
                    .append("</a></td><td>")
                    .append(fd.metrics().type().configName())
                    .append("</td><td>")
                    .append(esc(d.method().configName()))
                    .append("</td><td class=\"n\">")
                    .append(d.value() == null ? "&ndash;" : num(d.value()))
                    .append("</td><td class=\"n\">")
                    .append(num(d.threshold()))
                    .append("</td><td>")
                    .append(severity(d))
                    .append("</td></tr>\n");
        }
        b.append("</tbody></table></nav>\n");
    }

    private static void feature(
            StringBuilder b,
            int index,
            DriftReport.FeatureDrift fd,
            FeatureReference ref,
            FeatureWindow window,
            DriftPolicies policies) {
        FeatureMetrics m = fd.metrics();
        DriftDecision d = fd.decision();
        b.append("<details class=\"feature ")
                .append(d.detected() ? "drifted" : "stable")
                .append("\" id=\"f")
                .append(index)
                .append("\" data-name=\"")
                .append(esc(m.feature()))
                .append('"')
                .append(d.detected() ? " open" : "")
                .append("><summary>")
                .append(severity(d))
                .append(" <span class=\"name\">")
                .append(esc(Svg.shorten(m.feature(), 120)))
                .append("</span> <span class=\"type\">")
                .append(m.type().configName())
                .append("</span> <span class=\"headline\">")
                .append(esc(d.method().statistic().metric()))
                .append(' ')
                .append(d.value() == null ? "undecided" : num(d.value()))
                .append("</span></summary>\n<div class=\"body\">");
        if (m.feature().length() > 120) {
            b.append("<p class=\"fullname\">").append(esc(m.feature())).append("</p>");
        }
        b.append("<div class=\"chart\">");
        if (ref instanceof NumericReference nr && window instanceof NumericWindow nw) {
            b.append(numericChart(m.feature(), nr, nw));
        } else if (ref instanceof CategoricalReference cr
                && window instanceof CategoricalWindow cw) {
            categoricalChart(b, m, cr, cw);
        }
        b.append("</div><div class=\"facts\"><p class=\"decision\"><b>Decision:</b> ")
                .append(reason(d, policies, m))
                .append("</p>");
        statistics(b, m, ref);
        b.append("<p class=\"counts\">reference ")
                .append(m.referenceRows())
                .append(" rows (")
                .append(m.referenceMissing())
                .append(" missing), current ")
                .append(m.currentRows())
                .append(" rows (")
                .append(m.currentMissing())
                .append(" missing); ")
                .append(m.bins())
                .append(" bins</p>");
        for (Map.Entry<String, List<String>> e : m.categoryLists().entrySet()) {
            if (e.getValue().isEmpty()) {
                continue;
            }
            b.append("<p class=\"")
                    .append(e.getKey().replace('_', '-'))
                    .append("\"><b>")
                    .append(e.getKey().replace('_', ' '))
                    .append(":</b> ");
            List<String> list = e.getValue();
            for (int i = 0; i < Math.min(list.size(), MAX_CATEGORIES_LISTED); i++) {
                b.append(i == 0 ? "" : ", ")
                        .append("<code>")
                        .append(esc(Svg.shorten(list.get(i), 80)))
                        .append("</code>");
            }
            if (list.size() > MAX_CATEGORIES_LISTED) {
                b.append(" and ").append(list.size() - MAX_CATEGORIES_LISTED).append(" more");
            }
            b.append("</p>");
        }
        b.append("</div></div></details>\n");
    }

    private static String numericChart(String name, NumericReference ref, NumericWindow cur) {
        double[] refShares = ref.binProportions();
        long[] counts = cur.binCounts();
        double total = 0;
        for (long c : counts) {
            total += c;
        }
        double[] curShares = new double[counts.length];
        for (int i = 0; i < counts.length; i++) {
            curShares[i] = total == 0 ? 0 : counts[i] / total;
        }
        return new OverlaidHistogram(
                        name + ": share of values per reference quantile bin",
                        ref.edges(),
                        List.of(
                                new Series("reference", refShares),
                                new Series("current", curShares)))
                .toSvg();
    }

    private static void categoricalChart(
            StringBuilder b, FeatureMetrics m, CategoricalReference ref, CategoricalWindow cur) {
        Map<String, double[]> shares = new LinkedHashMap<>();
        double refTotal = 0;
        for (long c : ref.categoryCounts()) {
            refTotal += c;
        }
        refTotal += ref.otherCount();
        double curTotal = cur.nonMissingCount();
        Set<String> known = new HashSet<>(ref.categories());
        long[] refCounts = ref.categoryCounts();
        for (int i = 0; i < refCounts.length; i++) {
            shares.put(
                    ref.categories().get(i),
                    new double[] {
                        refTotal == 0 ? 0 : refCounts[i] / refTotal,
                        curTotal == 0 ? 0 : cur.count(ref.categories().get(i)) / curTotal
                    });
        }
        long curOther = cur.overflowCount();
        Set<String> newCategories =
                new LinkedHashSet<>(
                        m.categoryLists().getOrDefault(MetricNames.NEW_CATEGORIES, List.of()));
        for (Map.Entry<String, Long> e : cur.counts().entrySet()) {
            if (known.contains(e.getKey())) {
                continue;
            }
            if (newCategories.contains(e.getKey())) {
                shares.put(
                        e.getKey(), new double[] {0, curTotal == 0 ? 0 : e.getValue() / curTotal});
            } else {
                curOther += e.getValue();
            }
        }
        String otherName = "(other)";
        if (ref.otherCount() > 0 || curOther > 0) {
            shares.put(
                    otherName,
                    new double[] {
                        refTotal == 0 ? 0 : ref.otherCount() / refTotal,
                        curTotal == 0 ? 0 : curOther / curTotal
                    });
        }
        List<String> drawn = new ArrayList<>();
        for (String c : newCategories) {
            if (drawn.size() < MAX_CATEGORIES_DRAWN / 2 && shares.containsKey(c)) {
                drawn.add(c);
            }
        }
        List<String> byShare = new ArrayList<>(shares.keySet());
        byShare.sort(
                Comparator.comparingDouble(
                                (String c) -> -Math.max(shares.get(c)[0], shares.get(c)[1]))
                        .thenComparing(c -> c));
        for (String c : byShare) {
            if (drawn.size() >= MAX_CATEGORIES_DRAWN) {
                break;
            }
            if (!drawn.contains(c)) {
                drawn.add(c);
            }
        }
        drawn.sort(
                Comparator.comparingDouble(
                                (String c) -> -Math.max(shares.get(c)[0], shares.get(c)[1]))
                        .thenComparing(c -> c));
        double[] r = new double[drawn.size()];
        double[] c = new double[drawn.size()];
        for (int i = 0; i < drawn.size(); i++) {
            r[i] = shares.get(drawn.get(i))[0];
            c[i] = shares.get(drawn.get(i))[1];
        }
        b.append(
                new CategoryBars(
                                m.feature() + ": share of values per category",
                                drawn,
                                newCategories,
                                "new",
                                List.of(new Series("reference", r), new Series("current", c)))
                        .toSvg());
        if (drawn.size() < shares.size()) {
            b.append("<p class=\"note\">The ")
                    .append(drawn.size())
                    .append(" largest of ")
                    .append(shares.size())
                    .append(" categories are drawn.</p>");
        }
    }

    private static void statistics(StringBuilder b, FeatureMetrics m, FeatureReference ref) {
        Double ksBound = m.metrics().get(Statistic.KS_ERROR_BOUND.metric());
        Double wBound = m.metrics().get(Statistic.WASSERSTEIN_ERROR_BOUND.metric());
        b.append("<table class=\"stats\"><thead><tr><th>statistic</th><th>value</th>")
                .append("<th>p-value</th><th>error bound</th></tr></thead><tbody>");
        for (Statistic s : Statistic.forType(m.type())) {
            if (s.kind() == Statistic.Kind.ERROR_BOUND) {
                continue;
            }
            Double v = m.value(s);
            Double bound = null;
            if (s == Statistic.KS) {
                bound = ksBound;
            } else if (s == Statistic.WASSERSTEIN) {
                bound = wBound;
            } else if (s == Statistic.WASSERSTEIN_NORMALIZED
                    && wBound != null
                    && ref instanceof NumericReference nr
                    && nr.std() > 0) {
                bound = wBound / nr.std();
            }
            b.append("<tr><td>")
                    .append(esc(s.metric()))
                    .append("</td><td class=\"n\">")
                    .append(v == null ? "&ndash;" : num(v))
                    .append("</td><td class=\"n\">")
                    .append(s.pValueMetric() == null ? "" : pValue(m.pValue(s)))
                    .append("</td><td class=\"n\">")
                    .append(
                            bound == null || bound == 0
                                    ? (v == null ? "" : "exact")
                                    : "&plusmn; " + num(bound))
                    .append("</td></tr>");
        }
        b.append("</tbody></table>");
    }

    private static String pValue(Double p) {
        return p == null ? "&ndash;" : num(p);
    }

    /** The decision and why, in words (HTML-escaped). */
    static String reason(DriftDecision d, DriftPolicies policies, FeatureMetrics m) {
        StringBuilder r = new StringBuilder();
        String stat = esc(d.method().statistic().metric());
        r.append(d.detected() ? "drift (" + esc(d.severity()) + "). " : "no drift. ");
        if (d.value() == null) {
            r.append("Nothing to decide on");
        } else if (d.method().isPValueMethod()) {
            r.append("<code>")
                    .append(esc(d.method().configName()))
                    .append("</code>: ")
                    .append(stat)
                    .append(" p-value ")
                    .append(num(d.value()))
                    .append(d.detected() ? " rejected" : " not rejected")
                    .append(" at false discovery rate ")
                    .append(num(d.threshold()))
                    .append(" (Benjamini-Hochberg across the features decided by a p-value)");
        } else {
            r.append("<code>")
                    .append(esc(d.method().configName()))
                    .append("</code>: ")
                    .append(stat)
                    .append(" = ")
                    .append(num(d.value()))
                    .append(d.value() >= d.threshold() ? " &ge; " : " &lt; ")
                    .append("threshold ")
                    .append(num(d.threshold()));
            DriftPolicy policy = policies.forFeature(m.feature(), m.type());
            if (policy.method() == d.method()) {
                r.append(" (critical ").append(num(policy.critical())).append(')');
            }
            if (d.noiseFloor() != null) {
                r.append("; noise floor ").append(num(d.noiseFloor()));
            }
        }
        if (d.note() != null) {
            r.append(": ").append(esc(d.note()));
        }
        return r.append('.').toString();
    }

    private static String severity(DriftDecision d) {
        String s = d.severity() == null ? DriftDecision.NONE : d.severity();
        String cls =
                switch (s) {
                    case "critical" -> "critical";
                    case "warning" -> "warning";
                    default -> "none";
                };
        return "<span class=\"badge " + cls + "\">" + esc(s) + "</span>";
    }

    private static String num(double v) {
        return esc(Svg.value(v));
    }

    private static String esc(String s) {
        return Svg.text(s);
    }

    private static final String CSS =
            String.join(
                    "",
                    "body{font:14px/1.4 system-ui,sans-serif;margin:0 auto;max-width:980px;",
                    "padding:0 16px 48px;color:#222}",
                    "h1{margin:16px 0 4px}h2{margin:20px 0 8px;font-size:18px}",
                    ".sources{color:#555;margin:0;overflow-wrap:anywhere}",
                    ".verdict{font-size:18px;font-weight:bold;margin:4px 0}",
                    ".verdict.drifted{color:#b21f1f}.verdict.stable{color:#2b7a2b}",
                    "table{border-collapse:collapse;margin:6px 0}",
                    "th,td{padding:2px 8px;text-align:left;border-bottom:1px solid #eee}",
                    "td.n{text-align:right;font-variant-numeric:tabular-nums}",
                    "table.index{width:100%}table.index td:first-child{overflow-wrap:anywhere}",
                    "tr.drifted td:first-child a{font-weight:bold}",
                    ".note{color:#555;font-size:12px}",
                    "#filter{font-size:14px;padding:4px 8px;width:280px}",
                    "details.feature{border:1px solid #ddd;border-radius:4px;margin:8px 0}",
                    "details.feature.drifted{border-left:4px solid #d62728}",
                    "summary{cursor:pointer;padding:6px 10px;background:#fafafa}",
                    "summary .name{font-weight:bold;overflow-wrap:anywhere}",
                    "summary .type,summary .headline{color:#555;margin-left:8px}",
                    ".body{padding:6px 10px}.fullname{overflow-wrap:anywhere;font-size:12px}",
                    ".chart svg{max-width:100%;height:auto}",
                    ".badge{display:inline-block;min-width:52px;text-align:center;",
                    "border-radius:3px;font-size:12px;padding:0 4px;color:#fff;background:#888}",
                    ".badge.critical{background:#b21f1f}.badge.warning{background:#d68a00}",
                    ".badge.none{background:#6b8e6b}",
                    ".new-categories code{background:#fde2e2}",
                    "[hidden]{display:none!important}");

    /** The search box: hides index rows and sections whose name does not contain the text. */
    private static final String SCRIPT =
            String.join(
                    "",
                    "(function(){var q=document.getElementById('filter'),",
                    "shown=document.getElementById('shown'),",
                    "rows=document.querySelectorAll('[data-name]'),",
                    "total=document.querySelectorAll('details.feature').length;",
                    "q.addEventListener('input',function(){var t=q.value.toLowerCase(),n=0;",
                    "for(var i=0;i<rows.length;i++){var e=rows[i],",
                    "m=e.getAttribute('data-name').toLowerCase().indexOf(t)>=0;e.hidden=!m;",
                    "if(m&&e.tagName==='DETAILS')n++;}",
                    "shown.textContent=n+' of '+total+' features';});})();");
}
