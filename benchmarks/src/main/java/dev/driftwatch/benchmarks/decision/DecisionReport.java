package dev.driftwatch.benchmarks.decision;

import static dev.driftwatch.benchmarks.decision.DecisionQualityBenchmark.fmt;

import dev.driftwatch.benchmarks.decision.DecisionQualityBenchmark.CellResult;
import dev.driftwatch.benchmarks.decision.DecisionQualityBenchmark.DatasetResult;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmark's Markdown report: the per-cell table, the 50-feature datasets, and per rule its
 * worst false-alarm cell and its worst detection cell against the best other rule (for the default
 * also against the baselines whose false-alarm rate is at most 1%, and at matched false-alarm
 * rates).
 */
final class DecisionReport {
    /** A false-alarm rate that a rule may have: 1%. */
    static final double TARGET_FALSE_ALARMS = 0.01;

    private final List<CellResult> results;
    private final List<DatasetResult> datasets;
    private final double seconds;
    private final int threads;
    private final long budget;
    private final boolean quick;
    private final Map<String, CellResult> byKey = new HashMap<>();
    private final StringBuilder sb = new StringBuilder();

    DecisionReport(
            List<CellResult> results,
            List<DatasetResult> datasets,
            double seconds,
            int threads,
            long budget,
            boolean quick) {
        this.results = results;
        this.datasets = datasets;
        this.seconds = seconds;
        this.threads = threads;
        this.budget = budget;
        this.quick = quick;
        for (CellResult r : results) {
            byKey.put(r.cell().key(), r);
        }
    }

    /** The no-drift cell of the same family and sizes, or null. */
    CellResult nullCell(CellResult r) {
        return byKey.get(r.cell().nullKey());
    }

    /** A drift cell whose effect is at least that of a 0.2 sd normal shift. */
    static boolean required(CellResult r) {
        return !r.cell().kase().noDrift() && r.effect() >= DecisionCases.REQUIRED_EFFECT - 1e-3;
    }

    String render() {
        line(
                "Decision quality: %d cells, %s, %d threads, %.0f s%s.",
                results.size(),
                quick ? "short grid" : "budget " + budget + " values per drift cell",
                threads,
                seconds,
                quick ? "" : fmt(", %d datasets of 50 features", datasets.size()));
        line("");
        line(
                "Rates in percent with 95%% Wilson intervals; `effect` is the populations' KS distance"
                        + " (numeric) or total-variation distance (categorical); cells with effect"
                        + " >= %.4f (a 0.2 sd normal shift) are marked `*`.",
                DecisionCases.REQUIRED_EFFECT);
        line("");
        StringBuilder head = new StringBuilder("| case | effect | n | m | reps |");
        StringBuilder rule = new StringBuilder("|---|---|---|---|---|");
        for (Rule r : Rule.values()) {
            head.append(' ').append(r.title()).append(" |");
            rule.append("---|");
        }
        line(head.toString());
        line(rule.toString());
        for (CellResult r : results) {
            StringBuilder row =
                    new StringBuilder(
                            fmt(
                                    "| %s%s | %.3f | %d | %d | %d |",
                                    r.cell().kase().id(),
                                    required(r) ? " *" : "",
                                    r.effect(),
                                    r.cell().n(),
                                    r.cell().m(),
                                    r.cell().reps()));
            for (Rule x : Rule.values()) {
                String cellText = r.rate(x).percent();
                if (x == Rule.NEW_EXACT && !r.exactDiffers()) {
                    cellText = "=";
                }
                row.append(' ').append(cellText).append(" |");
            }
            line(row.toString());
        }
        line("");
        datasets();
        summary();
        return sb.toString();
    }

    private void datasets() {
        if (datasets.isEmpty()) {
            return;
        }
        line(
                "50-feature datasets (20 normal, 10 lognormal, 5 Poisson, 5 rounded normal, 10"
                        + " categorical; with drift: a normal feature +0.3 sd, a Poisson one +0.3 sd,"
                        + " a categorical one by total variation 0.1). `any alarm`: at least one"
                        + " feature alarmed (what pages someone); `dataset drift`: the drifted"
                        + " share reached 0.5; `features`: false alarms per clean feature, or"
                        + " detections per drifted feature.");
        line("");
        line("| dataset | n | m | reps | rule | any alarm | dataset drift | features |");
        line("|---|---|---|---|---|---|---|---|");
        for (DatasetResult d : datasets) {
            for (Rule r : Rule.values()) {
                if (r == Rule.NEW_EXACT) {
                    continue;
                }
                int i = r.ordinal();
                Wilson features =
                        d.drift()
                                ? Wilson.of(d.detectedFeatures()[i], d.driftedFeatures())
                                : Wilson.of(d.falseFeatures()[i], d.cleanFeatures());
                line(
                        "| %s | %d | %d | %d | %s | %s | %s | %s |",
                        d.drift() ? "3 of 50 drift" : "no drift",
                        d.n(),
                        d.m(),
                        d.reps(),
                        r.title(),
                        Wilson.of(d.anyAlarm()[i], d.reps()).percent(),
                        Wilson.of(d.datasetDrift()[i], d.reps()).percent(),
                        features.percent());
            }
        }
        line("");
    }

    private void summary() {
        line(
                "Per rule: the worst no-drift cell (highest false-alarm rate) and the worst drift cell");
        line(
                "with effect >= 0.0797 (largest shortfall of its detection rate from the best other rule");
        line("in that cell).");
        line("");
        line(
                "| rule | worst false-alarm cell | rate | worst detection cell | rate | best other rule there |");
        line("|---|---|---|---|---|---|");
        for (Rule r : Rule.values()) {
            CellResult worstFa = null;
            CellResult worstDet = null;
            double worstGap = Double.NEGATIVE_INFINITY;
            Rule worstOther = null;
            for (CellResult c : results) {
                if (c.cell().kase().noDrift()) {
                    if (worstFa == null || c.rate(r).rate() > worstFa.rate(r).rate()) {
                        worstFa = c;
                    }
                } else if (required(c)) {
                    for (Rule o : Rule.values()) {
                        if (o == r || o == Rule.NEW_EXACT || r == Rule.NEW_EXACT && o == Rule.NEW) {
                            continue;
                        }
                        double gap = c.rate(o).rate() - c.rate(r).rate();
                        if (gap > worstGap) {
                            worstGap = gap;
                            worstDet = c;
                            worstOther = o;
                        }
                    }
                }
            }
            line(
                    "| %s | %s | %s | %s | %s | %s |",
                    r.title(),
                    worstFa == null ? "-" : worstFa.cell().key(),
                    worstFa == null ? "-" : worstFa.rate(r).percent(),
                    worstDet == null ? "-" : worstDet.cell().key(),
                    worstDet == null ? "-" : worstDet.rate(r).percent(),
                    worstDet == null
                            ? "-"
                            : fmt(
                                    "%s %s (false alarms %s)",
                                    worstOther.title(),
                                    worstDet.rate(worstOther).percent(),
                                    falseAlarms(worstDet, worstOther)));
        }
        line("");
        defaultAgainstBaselines();
    }

    private String falseAlarms(CellResult c, Rule r) {
        CellResult none = nullCell(c);
        return none == null ? "?" : none.rate(r).percent();
    }

    /**
     * The default against every baseline in every required cell: where the baseline's false-alarm
     * rate (its no-drift cell) is at most 1%, plainly; otherwise also at matched false-alarm rate,
     * the default's test run at the baseline's measured rate as its level.
     */
    private void defaultAgainstBaselines() {
        int cells = 0;
        int lossesPlain = 0;
        int lossesLowFa = 0;
        int lossesMatched = 0;
        StringBuilder losses = new StringBuilder();
        for (CellResult c : results) {
            if (!required(c)) {
                continue;
            }
            cells++;
            CellResult none = nullCell(c);
            double own = c.rate(Rule.NEW).rate();
            boolean plainLoss = false;
            for (Rule b : Rule.values()) {
                if (!b.baseline()) {
                    continue;
                }
                double theirs = c.rate(b).rate();
                if (theirs <= own) {
                    continue;
                }
                plainLoss = true;
                double fa = none == null ? Double.NaN : none.rate(b).rate();
                boolean lowFa = none != null && fa <= TARGET_FALSE_ALARMS;
                double matched = own;
                if (!lowFa && none != null) {
                    int hits = 0;
                    for (double p : c.defaultP()) {
                        if (p <= fa) {
                            hits++;
                        }
                    }
                    matched = (double) hits / c.defaultP().length;
                }
                if (lowFa) {
                    lossesLowFa++;
                } else if (matched < theirs) {
                    lossesMatched++;
                }
                losses.append(
                        fmt(
                                "| %s | %s | %s | %s | %s | %s |%n",
                                c.cell().key(),
                                Wilson.of(c.alarms()[Rule.NEW.ordinal()], c.cell().reps())
                                        .percent(),
                                b.title(),
                                c.rate(b).percent(),
                                none == null ? "?" : none.rate(b).percent(),
                                lowFa
                                        ? "(baseline within 1% false alarms)"
                                        : fmt("%s at level %.3g", Wilson.pct(matched), fa)));
            }
            if (plainLoss) {
                lossesPlain++;
            }
        }
        line(
                "The default against the baselines in the %d drift cells with effect >= 0.0797: it"
                        + " detects less than some baseline in %d of them; %d of those losses are"
                        + " to a baseline whose false-alarm rate is at most 1%%, %d remain at matched"
                        + " false-alarm rate (the default's test at the baseline's measured"
                        + " no-drift rate as its level). Every loss:",
                cells, lossesPlain, lossesLowFa, lossesMatched);
        line("");
        line(
                "| cell | two_sample_test | baseline | its detection | its false alarms | two_sample_test at its false-alarm rate |");
        line("|---|---|---|---|---|---|");
        sb.append(losses);
        line("");
    }

    private void line(String pattern, Object... args) {
        sb.append(args.length == 0 ? pattern : fmt(pattern, args)).append('\n');
    }
}
