package dev.driftwatch.benchmarks;

/**
 * One measured run of one pipeline: events in, events its outputs account for, seconds from the
 * first event emitted to the last output, and the process CPU seconds the job took.
 */
record PipelineRun(
        String pipeline,
        int parallelism,
        long events,
        long eventsAccounted,
        long deadLetters,
        long eventsWithoutReference,
        double seconds,
        double cpuSeconds,
        java.util.Map<String, Double> cpuSecondsByStage) {

    static final String PASS_THROUGH = "pass-through";
    static final String DRIFT = "drift job";
    static final String NAIVE = "naive";
    static final String DRIFT_WITHOUT_OBJECT_REUSE = "drift job, no object reuse";

    double eventsPerSecond() {
        return events / seconds;
    }

    double cpuSecondsPerMillionEvents() {
        return cpuSeconds / (events / 1e6);
    }

    /** Every event was accounted for by the pipeline's outputs, none dead-lettered. */
    boolean complete() {
        return eventsAccounted == events && deadLetters == 0;
    }
}
