package dev.driftwatch.jobs.drift;

import dev.driftwatch.core.drift.DriftDecision;
import dev.driftwatch.jobs.records.AlertObservation;
import dev.driftwatch.jobs.records.DriftMetricRow;
import java.util.List;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * Turns metric rows into alert observations: every drift decision, and every row a rule watches.
 * Rows of a coarser resolution form alert series of their own (the resolution is part of the series
 * key); the base window's series keep the key they always had.
 */
public class AlertObservations implements FlatMapFunction<DriftMetricRow, AlertObservation> {
    private final List<AlertRule> rules;
    private final String resolution;

    /** Observations of the base window's rows. */
    public AlertObservations(List<AlertRule> rules) {
        this(rules, null);
    }

    /**
     * @param resolution the name of the coarser resolution whose rows these are (null: the base
     *     window)
     */
    public AlertObservations(List<AlertRule> rules, String resolution) {
        this.rules = List.copyOf(rules);
        this.resolution = resolution;
    }

    @Override
    public void flatMap(DriftMetricRow row, Collector<AlertObservation> out) {
        if (row.decisive && !Double.isNaN(row.value)) {
            AlertObservation o = base(row, AlertRule.FEATURE_DRIFT);
            o.breached = row.driftDetected;
            o.severity =
                    DriftDecision.NONE.equals(row.severity) ? DriftDecision.WARNING : row.severity;
            o.threshold = row.threshold;
            out.collect(o);
        }
        for (AlertRule rule : rules) {
            if (rule.metric().equals(row.metric) && !Double.isNaN(row.value)) {
                AlertObservation o = base(row, AlertRule.METRIC_THRESHOLD);
                o.breached = row.value >= rule.threshold();
                o.severity = rule.severity();
                o.threshold = rule.threshold();
                out.collect(o);
            }
        }
    }

    private AlertObservation base(DriftMetricRow row, String alertname) {
        AlertObservation o = new AlertObservation();
        o.alertname = alertname;
        o.seriesKey =
                resolution == null
                        ? dev.driftwatch.core.event.CompositeKey.of(alertname, row.seriesKey())
                        : dev.driftwatch.core.event.CompositeKey.of(
                                alertname, row.seriesKey(), resolution);
        o.modelName = row.modelName;
        o.modelVersion = row.modelVersion;
        o.segment = row.segment;
        o.feature = row.feature;
        o.metric = row.metric;
        o.value = row.value;
        o.windowStart = row.windowStart;
        o.windowEnd = row.windowEnd;
        return o;
    }
}
