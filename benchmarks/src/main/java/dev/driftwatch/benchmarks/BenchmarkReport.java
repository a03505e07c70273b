package dev.driftwatch.benchmarks;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** The harness' results and its JSON summary (docs/benchmarks.md, "How to run"). */
final class BenchmarkReport {
    final List<PipelineRun> runs = new ArrayList<>();

    /** The measured rounds in order: pass-through, drift job, naive (and the ablation). */
    final List<List<PipelineRun>> rounds = new ArrayList<>();

    final List<PipelineRun> scalingRuns = new ArrayList<>();
    double stateBytesPerFeatureWindow = Double.NaN;

    /** Drift / pass-through events/s at the largest --scale-models (NaN: not measured). */
    double ratioManyModels = Double.NaN;

    /** Drift / pass-through events/s at the largest --scale-features (NaN: not measured). */
    double ratioManyFeatures = Double.NaN;

    /** Fixed CPU microseconds per (key, window) of the drift job (NaN: not measured). */
    double usPerKeyWindow = Double.NaN;

    int events;
    int summaryParallelism;

    /** Median events/s over the runs of one pipeline at one parallelism. */
    PipelineRun median(String pipeline, int parallelism) {
        List<PipelineRun> matching = new ArrayList<>();
        for (PipelineRun r : runs) {
            if (r.pipeline().equals(pipeline) && r.parallelism() == parallelism) {
                matching.add(r);
            }
        }
        if (matching.isEmpty()) {
            throw new IllegalStateException("no run of " + pipeline + " at " + parallelism);
        }
        matching.sort(Comparator.comparingDouble(PipelineRun::eventsPerSecond));
        return matching.get(matching.size() / 2);
    }

    boolean complete() {
        for (PipelineRun r : runs) {
            if (!r.complete()) {
                return false;
            }
        }
        for (PipelineRun r : scalingRuns) {
            if (!r.complete()) {
                return false;
            }
        }
        return true;
    }

    /** The one-line JSON summary, with exactly the keys docs/benchmarks.md names. */
    String summaryJson() {
        double pass = median(PipelineRun.PASS_THROUGH, summaryParallelism).eventsPerSecond();
        double drift = median(PipelineRun.DRIFT, summaryParallelism).eventsPerSecond();
        double naive = median(PipelineRun.NAIVE, summaryParallelism).eventsPerSecond();
        return String.format(
                Locale.ROOT,
                "{\"passthrough_eps\":%.1f,\"drift_eps\":%.1f,\"naive_eps\":%.1f,"
                        + "\"ratio_drift_passthrough\":%.3f,\"ratio_drift_naive\":%.3f,"
                        + "\"state_bytes_per_feature_window\":%.1f,\"parallelism\":%d,"
                        + "\"events\":%d,\"cpu_us_per_event_passthrough\":%.3f,"
                        + "\"cpu_us_per_event_drift\":%.3f,\"ratio_1000_models\":%s,"
                        + "\"ratio_500_features\":%s,\"us_per_key_window\":%s}",
                pass,
                drift,
                naive,
                drift / pass,
                drift / naive,
                stateBytesPerFeatureWindow,
                summaryParallelism,
                events,
                cpuMicrosPerEvent(PipelineRun.PASS_THROUGH),
                cpuMicrosPerEvent(PipelineRun.DRIFT),
                number("%.3f", ratioManyModels),
                number("%.3f", ratioManyFeatures),
                number("%.1f", usPerKeyWindow));
    }

    /** Process CPU microseconds per event of the median run of a pipeline. */
    double cpuMicrosPerEvent(String pipeline) {
        PipelineRun r = median(pipeline, summaryParallelism);
        return r.cpuSeconds() * 1e6 / r.events();
    }

    /** A JSON number, or null for a figure that was not measured. */
    private static String number(String format, double value) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, format, value) : "null";
    }
}
