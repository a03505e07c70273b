package dev.driftwatch.benchmarks.decision;

import dev.driftwatch.core.drift.DriftDecision;
import dev.driftwatch.core.drift.DriftPolicies;
import dev.driftwatch.core.drift.DriftRule;

/** A column of the benchmark's tables: a drift rule as the product runs it, on one path. */
public enum Rule {
    /**
     * The default, {@code two_sample_test} at level 0.01, on the profiles (the drift job's path).
     */
    NEW("two_sample_test", DriftRule.TWO_SAMPLE_TEST, false),
    /** The default on exact samples ({@code compare} with a CSV reference). */
    NEW_EXACT("two_sample_test, exact", DriftRule.TWO_SAMPLE_TEST, false),
    /** The previous default: PSI >= 0.1 behind the 99% noise floor. */
    THRESHOLD("threshold (old default)", DriftRule.THRESHOLD, false),
    /** Evidently's default rule. */
    EVIDENTLY("evidently", DriftRule.EVIDENTLY, false),
    /** PSI >= 0.1. */
    PSI_01("psi >= 0.1", DriftRule.PSI, false),
    /** PSI >= 0.25: the critical decisions of the {@code psi} rule. */
    PSI_025("psi >= 0.25", DriftRule.PSI, true),
    /** KS p < 0.05 (chi-square p < 0.05 for categories). */
    KS("ks p < 0.05", DriftRule.KS, false);

    private final String title;
    private final DriftRule rule;
    private final boolean criticalOnly;

    Rule(String title, DriftRule rule, boolean criticalOnly) {
        this.title = title;
        this.rule = rule;
        this.criticalOnly = criticalOnly;
    }

    public String title() {
        return title;
    }

    public DriftPolicies policies() {
        return DriftPolicies.of(rule);
    }

    public DriftRule rule() {
        return rule;
    }

    /** Whether this column counts the decision as an alarm. */
    public boolean alarms(DriftDecision d) {
        return criticalOnly ? DriftDecision.CRITICAL.equals(d.severity()) : d.detected();
    }

    /** Whether this is a baseline (neither form of the new default). */
    public boolean baseline() {
        return this != NEW && this != NEW_EXACT;
    }
}
