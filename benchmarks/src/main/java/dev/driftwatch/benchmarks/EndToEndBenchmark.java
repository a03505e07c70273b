package dev.driftwatch.benchmarks;

import com.sun.management.OperatingSystemMXBean;
import dev.driftwatch.core.profile.ReferenceProfile;
import dev.driftwatch.jobs.records.RawRecord;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The end-to-end throughput harness: in one process and one run, on the same pre-generated events,
 * it measures (1) pass-through: source and JSON parsing, then discard; (2) the drift job as
 * shipped; (3) the naive per-feature design with raw values and exact KS; and prints events/s,
 * their ratios, CPU seconds per million events, state size per feature × window and a
 * models/features scaling table. Its last stdout line is the JSON summary.
 *
 * <p>All jobs run on one local Flink MiniCluster in this JVM, with object reuse on (as {@code
 * LocalJobs} runs the job) and no checkpointing. Events/s is timed from the first event the source
 * emits to the last output a sink receives, so cluster start and job deployment are not counted;
 * CPU is the process CPU time from job submission to completion.
 *
 * <pre>
 * ./mvnw -B -ntp -pl benchmarks -am package -DskipTests
 * java -cp benchmarks/target/benchmarks.jar dev.driftwatch.benchmarks.EndToEndBenchmark \
 *     --parallelism 1,2
 * </pre>
 */
public final class EndToEndBenchmark {
    private static final long EVENT_SPACING_MS = 1;

    private final BenchmarkOptions options;
    private final PrintStream out;
    private final MiniCluster cluster;

    private EndToEndBenchmark(BenchmarkOptions options, PrintStream out, MiniCluster cluster) {
        this.options = options;
        this.out = out;
        this.cluster = cluster;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the harness; returns the exit code (2 for bad flags, 1 if events went missing). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        BenchmarkOptions options;
        try {
            options = BenchmarkOptions.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("bench: " + e.getMessage());
            err.println(BenchmarkOptions.USAGE);
            return 2;
        }
        if (options.help()) {
            out.println(BenchmarkOptions.USAGE);
            return 0;
        }
        BenchmarkReport report;
        try {
            report = measure(options, out);
        } catch (Exception e) {
            err.println("bench: failed: " + e);
            e.printStackTrace(err);
            return 1;
        }
        if (!report.complete()) {
            err.println("bench: a pipeline did not account for every event (see the table)");
        }
        out.println(report.summaryJson());
        return report.complete() ? 0 : 1;
    }

    /**
     * Checks the harness' flags without running anything.
     *
     * @throws IllegalArgumentException with a one-line message naming the bad flag
     */
    public static void checkFlags(String[] args) {
        BenchmarkOptions.parse(args);
    }

    /** Runs every measurement and prints the tables (not the JSON summary) to {@code out}. */
    static BenchmarkReport measure(BenchmarkOptions options, PrintStream out) throws Exception {
        int slots = 1;
        for (int p : options.parallelism()) {
            slots = Math.max(slots, p);
        }
        Configuration clusterConfig = new Configuration();
        // a loaded machine (other builds beside the harness) must not look like a lost task manager
        clusterConfig.set(
                org.apache.flink.configuration.HeartbeatManagerOptions.HEARTBEAT_TIMEOUT,
                java.time.Duration.ofMinutes(5));
        MiniClusterConfiguration config =
                new MiniClusterConfiguration.Builder()
                        .setConfiguration(clusterConfig)
                        .setNumTaskManagers(1)
                        .setNumSlotsPerTaskManager(slots)
                        .withRandomPorts()
                        .build();
        MiniCluster cluster = new MiniCluster(config);
        try {
            cluster.start();
            return new EndToEndBenchmark(options, out, cluster).measureAll();
        } finally {
            cluster.close();
        }
    }

    private BenchmarkReport measureAll() throws Exception {
        BenchmarkReport report = new BenchmarkReport();
        report.events = options.events();
        report.summaryParallelism = options.parallelism().get(0);
        printMachine();

        SyntheticTraffic traffic = new SyntheticTraffic(options.models(), options.features(), 42);
        List<ReferenceProfile> profiles = traffic.referenceProfiles(options.referenceSample());
        String corpus =
                EventCorpus.register(
                        traffic.events(options.events(), SyntheticTraffic.T0, EVENT_SPACING_MS));
        long windowMs = options.windowEvents() * EVENT_SPACING_MS;
        out.printf(
                Locale.ROOT,
                "events: %d per run (%d models, %d numeric + %d categorical features,"
                        + " %d-event windows), warm-up %d, repeats %d,"
                        + " state backend %s, object reuse on, no checkpoints%n",
                options.events(),
                options.models(),
                options.features(),
                SyntheticTraffic.CATEGORICAL_FEATURES,
                options.windowEvents(),
                options.warmupEvents(),
                options.repeats(),
                options.stateBackend());
        try {
            for (int p : options.parallelism()) {
                if (options.warmupEvents() > 0) {
                    runRound(corpus, traffic, profiles, windowMs, p, options.warmupEvents());
                }
                for (int r = 0; r < options.repeats(); r++) {
                    List<PipelineRun> round =
                            runRound(corpus, traffic, profiles, windowMs, p, options.events());
                    report.runs.addAll(round);
                    report.rounds.add(round);
                }
            }
        } finally {
            EventCorpus.release(corpus);
        }
        printThroughput(report);
        printStages(report);
        measureState(report, traffic, profiles.get(0));
        if (options.scaling()) {
            measureScaling(report);
        }
        return report;
    }

    /**
     * One round: each pipeline once, back to back, so that the ratios within a round see the same
     * machine load; at the summary's parallelism also the drift job without object reuse.
     */
    private List<PipelineRun> runRound(
            String corpus,
            SyntheticTraffic traffic,
            List<ReferenceProfile> profiles,
            long windowMs,
            int parallelism,
            int events)
            throws Exception {
        PipelineRun pass =
                runPipeline(
                        PipelineRun.PASS_THROUGH,
                        parallelism,
                        corpus,
                        events,
                        (env, source, tally) -> PassThroughPipeline.build(env, source, tally));
        PipelineRun drift =
                runPipeline(
                        PipelineRun.DRIFT,
                        parallelism,
                        corpus,
                        events,
                        (env, source, tally) ->
                                ShippedDriftPipeline.build(env, source, profiles, windowMs, tally));
        PipelineRun naive =
                runPipeline(
                        PipelineRun.NAIVE,
                        parallelism,
                        corpus,
                        events,
                        (env, source, tally) ->
                                NaivePipeline.build(
                                        env,
                                        source,
                                        traffic,
                                        options.referenceSample(),
                                        windowMs,
                                        tally));
        if (parallelism != options.parallelism().get(0)) {
            return List.of(pass, drift, naive);
        }
        PipelineRun driftWithoutReuse =
                runPipeline(
                        PipelineRun.DRIFT_WITHOUT_OBJECT_REUSE,
                        parallelism,
                        corpus,
                        events,
                        false,
                        (env, source, tally) ->
                                ShippedDriftPipeline.build(env, source, profiles, windowMs, tally));
        return List.of(pass, drift, naive, driftWithoutReuse);
    }

    /** Adds one pipeline to an environment. */
    @FunctionalInterface
    private interface PipelineBuilder {
        void build(StreamExecutionEnvironment env, Source<RawRecord, ?, ?> events, RunTally tally);
    }

    private PipelineRun runPipeline(
            String name, int parallelism, String corpus, int events, PipelineBuilder builder)
            throws Exception {
        return runPipeline(name, parallelism, corpus, events, true, builder);
    }

    private PipelineRun runPipeline(
            String name,
            int parallelism,
            String corpus,
            int events,
            boolean objectReuse,
            PipelineBuilder builder)
            throws Exception {
        RunTally tally = RunTally.create(name.replace(' ', '-'));
        try {
            Configuration jobConfig = new Configuration();
            jobConfig.set(StateBackendOptions.STATE_BACKEND, options.stateBackend());
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.createLocalEnvironment(parallelism, jobConfig);
            if (objectReuse) {
                env.getConfig().enableObjectReuse();
            }
            builder.build(env, EventCorpus.source(corpus, events, tally), tally);
            JobGraph job = env.getStreamGraph().getJobGraph();
            System.gc();
            long cpuBefore = processCpuNanos();
            StageCpuSampler stages = new StageCpuSampler();
            try {
                cluster.executeJobBlocking(job);
            } finally {
                stages.close();
            }
            long cpuAfter = processCpuNanos();
            return new PipelineRun(
                    name,
                    parallelism,
                    events,
                    tally.eventsAccounted(),
                    tally.deadLetters(),
                    tally.eventsWithoutReference(),
                    tally.processingSeconds(),
                    (cpuAfter - cpuBefore) / 1e9,
                    stages.cpuSecondsByStage());
        } finally {
            tally.release();
        }
    }

    private static long processCpuNanos() {
        return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private void printMachine() {
        Runtime rt = Runtime.getRuntime();
        out.printf(
                Locale.ROOT,
                "machine: %d CPUs, max heap %d MiB, Java %s (%s), load average %.2f%n",
                rt.availableProcessors(),
                rt.maxMemory() >> 20,
                System.getProperty("java.version"),
                System.getProperty("java.vm.name"),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    private void printThroughput(BenchmarkReport report) {
        out.println();
        out.println("## Throughput (median of repeats)");
        out.println(
                "| parallelism | pipeline | events/s | CPU s per 1M events | events accounted |"
                        + " dead letters | events without reference |");
        out.println("|---|---|---|---|---|---|---|");
        for (int p : options.parallelism()) {
            for (String pipeline :
                    List.of(PipelineRun.PASS_THROUGH, PipelineRun.DRIFT, PipelineRun.NAIVE)) {
                PipelineRun r = report.median(pipeline, p);
                out.printf(
                        Locale.ROOT,
                        "| %d | %s | %.0f | %.2f | %d / %d | %d | %d |%n",
                        p,
                        pipeline,
                        r.eventsPerSecond(),
                        r.cpuSecondsPerMillionEvents(),
                        r.eventsAccounted(),
                        r.events(),
                        r.deadLetters(),
                        r.eventsWithoutReference());
            }
            double pass = report.median(PipelineRun.PASS_THROUGH, p).eventsPerSecond();
            double drift = report.median(PipelineRun.DRIFT, p).eventsPerSecond();
            double naive = report.median(PipelineRun.NAIVE, p).eventsPerSecond();
            if (p == report.summaryParallelism) {
                PipelineRun r = report.median(PipelineRun.DRIFT_WITHOUT_OBJECT_REUSE, p);
                out.printf(
                        Locale.ROOT,
                        "| %d | %s | %.0f | %.2f | %d / %d | %d | %d |%n",
                        p,
                        r.pipeline(),
                        r.eventsPerSecond(),
                        r.cpuSecondsPerMillionEvents(),
                        r.eventsAccounted(),
                        r.events(),
                        r.deadLetters(),
                        r.eventsWithoutReference());
            }
            out.printf(
                    Locale.ROOT,
                    "parallelism %d: drift / pass-through = %.3f, drift / naive = %.3f%n",
                    p,
                    drift / pass,
                    drift / naive);
        }
        if (options.repeats() > 1) {
            out.println("all rounds, in order (events/s; ratios within the round):");
            for (List<PipelineRun> round : report.rounds) {
                PipelineRun pass = round.get(0);
                PipelineRun drift = round.get(1);
                PipelineRun naive = round.get(2);
                out.printf(
                        Locale.ROOT,
                        "  p=%d pass-through %.0f, drift %.0f, naive %.0f%s:"
                                + " drift / pass-through %.3f, drift / naive %.3f%n",
                        pass.parallelism(),
                        pass.eventsPerSecond(),
                        drift.eventsPerSecond(),
                        naive.eventsPerSecond(),
                        round.size() > 3
                                ? String.format(
                                        Locale.ROOT,
                                        ", drift without object reuse %.0f",
                                        round.get(3).eventsPerSecond())
                                : "",
                        drift.eventsPerSecond() / pass.eventsPerSecond(),
                        drift.eventsPerSecond() / naive.eventsPerSecond());
            }
        }
    }

    private void printStages(BenchmarkReport report) {
        out.println();
        out.printf(
                Locale.ROOT,
                "## CPU per stage (median runs, parallelism %d; microseconds of CPU per event;"
                        + " Java threads sampled every 50 ms)%n",
                report.summaryParallelism);
        for (String pipeline :
                List.of(PipelineRun.PASS_THROUGH, PipelineRun.DRIFT, PipelineRun.NAIVE)) {
            PipelineRun r = report.median(pipeline, report.summaryParallelism);
            out.printf(
                    Locale.ROOT,
                    "%s (process CPU %.2f us/event):%n",
                    pipeline,
                    r.cpuSeconds() * 1e6 / r.events());
            double javaThreads = 0;
            for (Map.Entry<String, Double> e : r.cpuSecondsByStage().entrySet()) {
                javaThreads += e.getValue();
                double perEvent = e.getValue() * 1e6 / r.events();
                if (perEvent >= 0.05) {
                    out.printf(Locale.ROOT, "  %7.2f  %s%n", perEvent, e.getKey());
                }
            }
            out.printf(
                    Locale.ROOT,
                    "  %7.2f  other: GC, JIT compiler, job deployment (process CPU minus Java"
                            + " threads)%n",
                    (r.cpuSeconds() - javaThreads) * 1e6 / r.events());
        }
    }

    private void measureState(
            BenchmarkReport report, SyntheticTraffic traffic, ReferenceProfile reference) {
        out.println();
        out.println("## Serialised state per feature x window (one model's window)");
        out.println(
                "| events in window | drift job (WindowProfile bytes / features) | naive (raw values) |");
        out.println("|---|---|---|");
        int naivePerValue = WindowStateSize.naiveBytesPerValue();
        double max = 0;
        for (int n : options.stateWindowEvents()) {
            double bytes = WindowStateSize.driftBytesPerFeature(traffic, reference, n);
            max = Math.max(max, bytes);
            out.printf(Locale.ROOT, "| %d | %.1f | %d |%n", n, bytes, (long) n * naivePerValue);
        }
        report.stateBytesPerFeatureWindow = max;
    }

    private void measureScaling(BenchmarkReport report) throws Exception {
        out.println();
        out.println("## Scaling (parallelism 1)");
        out.println(
                "| models | numeric features | events | pass-through events/s | drift events/s |"
                        + " drift / pass-through | state bytes per feature x window |");
        out.println("|---|---|---|---|---|---|---|");
        int mostModels = java.util.Collections.max(options.scaleModels());
        for (int m : options.scaleModels()) {
            double ratio = scalingPoint(report, m, options.features());
            if (m == mostModels) {
                report.ratioManyModels = ratio;
            }
        }
        int mostFeatures = java.util.Collections.max(options.scaleFeatures());
        for (int f : options.scaleFeatures()) {
            double ratio = scalingPoint(report, options.models(), f);
            if (f == mostFeatures) {
                report.ratioManyFeatures = ratio;
            }
        }
        measureKeyWindows(report);
    }

    /**
     * The fixed CPU per (key, window): the drift job twice on the same events of {@code
     * --key-window-models} models, once in windows of {@code --key-window-size} events and once in
     * one window over all of them; the difference in process CPU divided by the difference in (key,
     * window) pairs. Same keys, same reference profiles, same events: only the number of windows
     * differs, so per-event and per-key costs (parsing the reference profiles) cancel. Rounds
     * alternate the two runs; the median of the rounds' figures is reported, with the per-stage
     * differences of the median round.
     */
    private void measureKeyWindows(BenchmarkReport report) throws Exception {
        int events = options.keyWindowEvents();
        int models = options.keyWindowModels();
        long windowMs = options.keyWindowSize() * EVENT_SPACING_MS;
        long wholeMs = events * EVENT_SPACING_MS;
        SyntheticTraffic traffic = new SyntheticTraffic(models, options.features(), 44);
        List<ReferenceProfile> profiles = traffic.referenceProfiles(options.scaleReferenceSample());
        String corpus =
                EventCorpus.register(traffic.events(events, SyntheticTraffic.T0, EVENT_SPACING_MS));
        long fewKeyWindows = keyWindows(models, events, wholeMs);
        long manyKeyWindows = keyWindows(models, events, windowMs);
        if (manyKeyWindows <= fewKeyWindows) {
            EventCorpus.release(corpus);
            out.println("fixed CPU per (key, window): not measured (--key-window-size >= events)");
            return;
        }
        List<double[]> rounds = new java.util.ArrayList<>();
        List<PipelineRun[]> runs = new java.util.ArrayList<>();
        try {
            for (int r = 0; r < options.repeats(); r++) {
                PipelineRun fewRun =
                        runPipeline(
                                PipelineRun.DRIFT,
                                1,
                                corpus,
                                events,
                                (env, source, tally) ->
                                        ShippedDriftPipeline.build(
                                                env, source, profiles, wholeMs, tally));
                PipelineRun manyRun =
                        runPipeline(
                                PipelineRun.DRIFT,
                                1,
                                corpus,
                                events,
                                (env, source, tally) ->
                                        ShippedDriftPipeline.build(
                                                env, source, profiles, windowMs, tally));
                report.scalingRuns.add(fewRun);
                report.scalingRuns.add(manyRun);
                double us =
                        (manyRun.cpuSeconds() - fewRun.cpuSeconds())
                                * 1e6
                                / (manyKeyWindows - fewKeyWindows);
                rounds.add(new double[] {us, runs.size()});
                runs.add(new PipelineRun[] {fewRun, manyRun});
            }
        } finally {
            EventCorpus.release(corpus);
        }
        rounds.sort(java.util.Comparator.comparingDouble(a -> a[0]));
        double[] median = rounds.get(rounds.size() / 2);
        report.usPerKeyWindow = median[0];
        PipelineRun fewRun = runs.get((int) median[1])[0];
        PipelineRun manyRun = runs.get((int) median[1])[1];
        out.println();
        out.printf(
                Locale.ROOT,
                "## Fixed CPU per (key, window) (parallelism 1, %d events of %d models,"
                        + " %d numeric + %d categorical features)%n",
                events,
                models,
                options.features(),
                SyntheticTraffic.CATEGORICAL_FEATURES);
        out.println("| events per window | (key, window) pairs | process CPU s | drift events/s |");
        out.println("|---|---|---|---|");
        out.printf(
                Locale.ROOT,
                "| %d | %d | %.3f | %.0f |%n| %d | %d | %.3f | %.0f |%n",
                events,
                fewKeyWindows,
                fewRun.cpuSeconds(),
                fewRun.eventsPerSecond(),
                options.keyWindowSize(),
                manyKeyWindows,
                manyRun.cpuSeconds(),
                manyRun.eventsPerSecond());
        StringBuilder all = new StringBuilder();
        for (double[] r : rounds) {
            all.append(all.length() == 0 ? "" : ", ")
                    .append(String.format(Locale.ROOT, "%.1f", r[0]));
        }
        out.printf(
                Locale.ROOT,
                "fixed CPU per (key, window): %.1f us (rounds, sorted: %s)%n",
                median[0],
                all);
        out.println("difference per extra (key, window) by stage (us):");
        java.util.Set<String> stages = new java.util.TreeSet<>(fewRun.cpuSecondsByStage().keySet());
        stages.addAll(manyRun.cpuSecondsByStage().keySet());
        double javaThreads = 0;
        for (String stage : stages) {
            double diff =
                    manyRun.cpuSecondsByStage().getOrDefault(stage, 0.0)
                            - fewRun.cpuSecondsByStage().getOrDefault(stage, 0.0);
            javaThreads += diff;
            out.printf(
                    Locale.ROOT,
                    "  %9.1f  %s%n",
                    diff * 1e6 / (manyKeyWindows - fewKeyWindows),
                    stage);
        }
        out.printf(
                Locale.ROOT,
                "  %9.1f  other: GC, JIT compiler, job deployment%n",
                ((manyRun.cpuSeconds() - fewRun.cpuSeconds()) - javaThreads)
                        * 1e6
                        / (manyKeyWindows - fewKeyWindows));
    }

    /**
     * The (key, window) pairs of {@link SyntheticTraffic#events}: event i belongs to model i %
     * models and has event time T0 + i ms; tumbling windows of {@code windowMs} from the epoch.
     */
    static long keyWindows(int models, int events, long windowMs) {
        java.util.Set<Long> pairs = new java.util.HashSet<>();
        for (int i = 0; i < events; i++) {
            long window = Math.floorDiv(SyntheticTraffic.T0 + i * EVENT_SPACING_MS, windowMs);
            pairs.add(window * models + i % models);
        }
        return pairs.size();
    }

    /** Returns drift / pass-through events/s. */
    private double scalingPoint(BenchmarkReport report, int models, int features) throws Exception {
        int events = (int) Math.max(1000, (long) options.scaleEvents() * 20 / features);
        SyntheticTraffic traffic = new SyntheticTraffic(models, features, 43);
        List<ReferenceProfile> profiles = traffic.referenceProfiles(options.scaleReferenceSample());
        String corpus =
                EventCorpus.register(traffic.events(events, SyntheticTraffic.T0, EVENT_SPACING_MS));
        long windowEvents = Math.max(1, events / 2);
        try {
            PipelineRun pass =
                    runPipeline(
                            PipelineRun.PASS_THROUGH,
                            1,
                            corpus,
                            events,
                            (env, source, tally) -> PassThroughPipeline.build(env, source, tally));
            PipelineRun drift =
                    runPipeline(
                            PipelineRun.DRIFT,
                            1,
                            corpus,
                            events,
                            (env, source, tally) ->
                                    ShippedDriftPipeline.build(
                                            env,
                                            source,
                                            profiles,
                                            windowEvents * EVENT_SPACING_MS,
                                            tally));
            report.scalingRuns.add(pass);
            report.scalingRuns.add(drift);
            double state =
                    WindowStateSize.driftBytesPerFeature(
                            traffic, profiles.get(0), Math.max(1, windowEvents / models));
            out.printf(
                    Locale.ROOT,
                    "| %d | %d | %d | %.0f | %.0f | %.3f | %.1f |%n",
                    models,
                    features,
                    events,
                    pass.eventsPerSecond(),
                    drift.eventsPerSecond(),
                    drift.eventsPerSecond() / pass.eventsPerSecond(),
                    state);
            if (!pass.complete() || !drift.complete()) {
                out.printf(
                        Locale.ROOT,
                        "  incomplete: pass-through %d / %d, drift %d / %d%n",
                        pass.eventsAccounted(),
                        events,
                        drift.eventsAccounted(),
                        events);
            }
            return drift.eventsPerSecond() / pass.eventsPerSecond();
        } finally {
            EventCorpus.release(corpus);
        }
    }
}
