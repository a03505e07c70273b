package dev.driftwatch.registry.console;

import dev.driftwatch.charts.CategoryBars;
import dev.driftwatch.charts.OverlaidHistogram;
import dev.driftwatch.charts.Series;
import dev.driftwatch.charts.Svg;
import dev.driftwatch.core.drift.WindowDistribution;
import dev.driftwatch.core.profile.FeatureType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A window's stored distribution against its reference, drawn as in the HTML drift report: shares
 * of values per reference quantile bin overlaid (the quantile edges marked), or category shares
 * side by side with the new categories highlighted and everything not kept as "(other)".
 */
final class DistributionChart {
    /** The label of the pooled bucket of a categorical distribution. */
    static final String OTHER = "(other)";

    private DistributionChart() {}

    /** The chart and a line on what it holds, as HTML. */
    static String html(String feature, WindowDistribution d) {
        StringBuilder b = new StringBuilder(8192);
        double refTotal = d.referenceTotal();
        double curTotal = d.currentTotal();
        if (d.type() == FeatureType.NUMERIC) {
            b.append(
                    new OverlaidHistogram(
                                    feature + ": share of values per reference quantile bin",
                                    d.edges(),
                                    List.of(
                                            new Series(
                                                    "reference", shares(d.reference(), refTotal)),
                                            new Series("current", shares(d.current(), curTotal))))
                            .toSvg());
            b.append("<p class=\"note\">")
                    .append(d.reference().length)
                    .append(" reference bins (dashed: the quantile edges); ")
                    .append(count(d.currentTotal()))
                    .append(" finite values in the window, ")
                    .append(count(d.referenceTotal()))
                    .append(" in the reference.</p>");
            return b.toString();
        }
        List<String> labels = new ArrayList<>(d.categories());
        List<Long> ref = new ArrayList<>();
        List<Long> cur = new ArrayList<>();
        Set<String> highlighted = new HashSet<>();
        for (int i = 0; i < d.categories().size(); i++) {
            ref.add(d.reference()[i]);
            cur.add(d.current()[i]);
            if (d.newCategories()[i]) {
                highlighted.add(d.categories().get(i));
            }
        }
        boolean other = d.referenceOther() > 0 || d.currentOther() > 0;
        if (other) {
            labels.add(OTHER);
            ref.add(d.referenceOther());
            cur.add(d.currentOther());
        }
        b.append(
                new CategoryBars(
                                feature + ": share of values per category",
                                labels,
                                highlighted,
                                "new",
                                List.of(
                                        new Series("reference", shares(ref, refTotal)),
                                        new Series("current", shares(cur, curTotal))))
                        .toSvg());
        b.append("<p class=\"note\">")
                .append(d.categories().size())
                .append(" of ")
                .append(d.distinctCategories())
                .append(" categories drawn")
                .append(other ? ", the rest as " + OTHER : "")
                .append("; ")
                .append(highlighted.size())
                .append(" new in the window. ")
                .append(count(d.currentTotal()))
                .append(" values in the window, ")
                .append(count(d.referenceTotal()))
                .append(" in the reference.</p>");
        return b.toString();
    }

    private static double[] shares(long[] counts, double total) {
        double[] s = new double[counts.length];
        for (int i = 0; i < counts.length; i++) {
            s[i] = total == 0 ? 0 : counts[i] / total;
        }
        return s;
    }

    private static double[] shares(List<Long> counts, double total) {
        double[] s = new double[counts.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = total == 0 ? 0 : counts.get(i) / total;
        }
        return s;
    }

    private static String count(long n) {
        return Svg.text(String.format(java.util.Locale.ROOT, "%,d", n));
    }
}
