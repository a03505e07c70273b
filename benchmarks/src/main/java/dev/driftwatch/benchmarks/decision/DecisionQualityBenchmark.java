package dev.driftwatch.benchmarks.decision;

import dev.driftwatch.core.drift.DriftDecision;
import dev.driftwatch.core.drift.DriftDetector;
import dev.driftwatch.core.drift.DriftPolicies;
import dev.driftwatch.core.drift.DriftReport;
import dev.driftwatch.core.drift.FeatureMetrics;
import dev.driftwatch.core.drift.NumericMetrics;
import dev.driftwatch.core.drift.ProfileComparison;
import dev.driftwatch.core.drift.Statistic;
import dev.driftwatch.core.profile.CategoricalReferenceBuilder;
import dev.driftwatch.core.profile.FeatureReference;
import dev.driftwatch.core.profile.NumericReference;
import dev.driftwatch.core.profile.NumericReferenceBuilder;
import dev.driftwatch.core.profile.ReferenceProfile;
import dev.driftwatch.core.profile.WindowProfile;
import dev.driftwatch.core.stats.EmpiricalDistribution;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.random.RandomGenerator;

/**
 * Decision quality of the drift rules: on synthetic cases with known truth (no drift, or drift of a
 * known kind and size), how often each rule alarms. Every rule decides on the metrics the product
 * computes: a reference profile built from the reference sample (and read back from its JSON, as
 * the drift job reads it) and a window profile fed the current sample value by value (and read back
 * from its bytes, as the job merges it); the default rule also on exact samples, as {@code compare}
 * with a CSV reference computes KS. Each cell is repeated with seeded, independent draws; rates
 * come with 95% Wilson intervals. Where the reference has at least 10 times the current window's
 * values, one reference serves {@code min(50, m / 10n)} consecutive windows (its own sampling noise
 * is then a tenth of the window's or less).
 *
 * <pre>
 * ./mvnw -B -ntp -pl benchmarks -am package -DskipTests
 * java -cp benchmarks/target/benchmarks.jar dev.driftwatch.benchmarks.decision.DecisionQualityBenchmark \
 *     --out decision-quality.md
 * </pre>
 *
 * <p>{@code --short} runs the few cells the unit test checks; {@code --budget V} sets the values
 * drawn per drift cell (no-drift cells four times that; default 2,000,000), which sets each cell's
 * repeats: {@code V / (n + m / windows per reference)}, between 20 and 500 (40 and 1,000 without
 * drift); at current sizes of 10^5 and more only the cases marked for them run. Progress goes to
 * stderr.
 */
public final class DecisionQualityBenchmark {
    static final String USAGE =
            "usage: DecisionQualityBenchmark [--short] [--budget VALUES] [--threads T] [--out FILE]";

    /** Current and reference sizes of the single-feature grid. */
    static final int[][] SIZES = {
        {50, 1_000},
        {100, 1_000},
        {100, 1_000_000},
        {1_000, 1_000},
        {1_000, 100_000},
        {10_000, 10_000},
        {100_000, 100_000},
        {1_000_000, 1_000_000}
    };

    /** Current size, reference size and repeats of the 50-feature datasets. */
    static final int[][] DATASET_SIZES = {
        {100, 10_000, 400}, {1_000, 10_000, 200}, {10_000, 100_000, 40}
    };

    /** Current sizes from which only the cases marked for them run. */
    static final int LARGE = 100_000;

    private DecisionQualityBenchmark() {}

    /** One cell: a case at one pair of sizes, repeated. */
    record Cell(DecisionCase kase, int n, int m, int reps, int windowsPerReference, long seed) {
        String key() {
            return kase.id() + "@" + n + "," + m;
        }

        String nullKey() {
            return kase.family() + "/none@" + n + "," + m;
        }
    }

    /** A cell's outcome: alarms per rule, the default rule's p-values, time taken. */
    record CellResult(
            Cell cell, double effect, int[] alarms, double[] defaultP, boolean exactDiffers) {
        Wilson rate(Rule r) {
            return Wilson.of(alarms[r.ordinal()], cell.reps());
        }
    }

    /** A dataset cell's outcome per rule. */
    record DatasetResult(
            boolean drift,
            int n,
            int m,
            int reps,
            int[] anyAlarm,
            int[] datasetDrift,
            long[] falseFeatures,
            long cleanFeatures,
            long[] detectedFeatures,
            long driftedFeatures) {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the benchmark; returns the exit code (2 for bad flags). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        boolean quick = false;
        long budget = 2_000_000L;
        int threads = Runtime.getRuntime().availableProcessors();
        Path file = null;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--short" -> quick = true;
                    case "--budget" -> budget = positive(args, ++i);
                    case "--threads" -> threads = (int) positive(args, ++i);
                    case "--out" -> file = Path.of(value(args, ++i));
                    case "--help" -> {
                        out.println(USAGE);
                        return 0;
                    }
                    default -> throw new IllegalArgumentException("unknown flag " + args[i]);
                }
            }
        } catch (IllegalArgumentException e) {
            err.println("DecisionQualityBenchmark: error: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
        long start = System.nanoTime();
        List<Cell> cells = quick ? shortGrid() : grid(budget);
        List<CellResult> results;
        List<DatasetResult> datasets;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            results = runCells(cells, pool, err);
            datasets = quick ? List.of() : runDatasets(pool);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("DecisionQualityBenchmark: interrupted");
            return 1;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        String report = report(results, datasets, seconds, threads, budget, quick);
        out.print(report);
        out.flush();
        if (file != null) {
            try {
                Files.writeString(file, report, StandardCharsets.UTF_8);
            } catch (IOException e) {
                err.println("DecisionQualityBenchmark: error: cannot write " + file + ": " + e);
                return 1;
            }
        }
        return 0;
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
    }

    private static long positive(String[] args, int i) {
        String v = value(args, i);
        try {
            long x = Long.parseLong(v);
            if (x > 0) {
                return x;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(args[i - 1] + " must be a positive integer, was " + v);
    }

    /** The full grid: every case at every size pair (large sizes for the marked cases only). */
    static List<Cell> grid(long budget) {
        List<Cell> cells = new ArrayList<>();
        for (int[] size : SIZES) {
            for (DecisionCase c : DecisionCases.all()) {
                if (size[0] >= LARGE && !c.atLargeSizes()) {
                    continue;
                }
                cells.add(cell(c, size[0], size[1], budget));
            }
        }
        return cells;
    }

    /**
     * The unit test's cells: the known failures of the old default, a scale change and discrete
     * data at n = 100, and their no-drift cells.
     */
    static List<Cell> shortGrid() {
        Map<String, DecisionCase> byId = new HashMap<>();
        for (DecisionCase c : DecisionCases.all()) {
            byId.put(c.id(), c);
        }
        return List.of(
                fixed(byId.get("normal/none"), 1_000, 1_000, 300),
                fixed(byId.get("normal/shift 0.3 sd"), 1_000, 1_000, 100),
                fixed(byId.get("rounded/none"), 1_000, 1_000, 300),
                fixed(byId.get("rounded/shift 0.3 sd"), 1_000, 1_000, 100),
                fixed(byId.get("cat5/none"), 1_000, 1_000, 300),
                fixed(byId.get("normal/none"), 100, 100_000, 1_000),
                fixed(byId.get("normal/shift 0.5 sd"), 100, 100_000, 100),
                // the full grid's cells (same seeds and repeats): discrete data and a scale change
                fixed(byId.get("normal/none"), 100, 1_000, 1_000),
                fixed(byId.get("normal/scale x1.5"), 100, 1_000, 500),
                fixed(byId.get("poisson3/none"), 100, 1_000, 1_000),
                fixed(byId.get("poisson3/mean +0.5 sd"), 100, 1_000, 500));
    }

    static Cell cell(DecisionCase c, int n, int m, long budget) {
        int wpr = windowsPerReference(n, m);
        double cost = n + (double) m / wpr;
        long want = (long) ((c.noDrift() ? 4 : 1) * budget / cost);
        int reps = (int) Math.max(c.noDrift() ? 40 : 20, Math.min(c.noDrift() ? 1_000 : 500, want));
        return new Cell(c, n, m, reps, wpr, seed(c.id(), n, m));
    }

    private static Cell fixed(DecisionCase c, int n, int m, int reps) {
        return new Cell(c, n, m, reps, windowsPerReference(n, m), seed(c.id(), n, m));
    }

    static int windowsPerReference(int n, int m) {
        return (int) Math.max(1, Math.min(50, m / (10L * n)));
    }

    private static long seed(String id, int n, int m) {
        return mix(id.hashCode() * 1_000_003L + n * 31L + m);
    }

    /** The SplitMix64 finaliser. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    private static RandomGenerator random(long seed, long rep, int stream) {
        return new SplittableRandom(mix(seed + mix(rep * 4 + stream)));
    }

    /** Runs cells on {@code threads} threads; results in the cells' order. */
    static List<CellResult> evaluate(List<Cell> cells, int threads)
            throws InterruptedException, ExecutionException {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            return runCells(cells, pool, null);
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<CellResult> runCells(
            List<Cell> cells, ExecutorService pool, PrintStream progress)
            throws InterruptedException, ExecutionException {
        Map<String, Double> effects = new HashMap<>();
        for (Cell c : cells) {
            effects.computeIfAbsent(
                    c.kase().id(),
                    id ->
                            c.kase().noDrift()
                                    ? 0.0
                                    : Population.distance(
                                            c.kase().reference(), c.kase().current(), 7));
        }
        List<Cell> byCost = new ArrayList<>(cells);
        byCost.sort(Comparator.comparingDouble((Cell c) -> -(double) c.reps() * (c.n() + c.m())));
        Map<Cell, Future<CellResult>> futures = new LinkedHashMap<>();
        java.util.concurrent.atomic.AtomicInteger done =
                new java.util.concurrent.atomic.AtomicInteger();
        for (Cell c : byCost) {
            double effect = effects.get(c.kase().id());
            futures.put(
                    c,
                    pool.submit(
                            () -> {
                                CellResult r = runCell(c, effect);
                                int d = done.incrementAndGet();
                                if (progress != null) {
                                    progress.printf(
                                            Locale.ROOT,
                                            "%d of %d cells (%s)%n",
                                            d,
                                            cells.size(),
                                            c.key());
                                }
                                return r;
                            }));
        }
        List<CellResult> out = new ArrayList<>();
        for (Cell c : cells) {
            out.add(futures.get(c).get());
        }
        return out;
    }

    /** One reference profile of one feature named x, read back from its JSON. */
    private static ReferenceProfile reference(Population p, int m, RandomGenerator r) {
        FeatureReference ref;
        if (p instanceof Population.Numeric num) {
            NumericReferenceBuilder b = new NumericReferenceBuilder();
            for (int i = 0; i < m; i++) {
                b.add(num.draw(r));
            }
            ref = b.build(10);
        } else {
            Population.Categorical cat = (Population.Categorical) p;
            CategoricalReferenceBuilder b = new CategoricalReferenceBuilder();
            for (int i = 0; i < m; i++) {
                b.add(cat.draw(r));
            }
            ref = b.build();
        }
        return roundTrip(Map.of("x", ref));
    }

    private static ReferenceProfile roundTrip(Map<String, FeatureReference> features) {
        ReferenceProfile profile =
                new ReferenceProfile("bench", "1", Instant.EPOCH, new LinkedHashMap<>(features));
        return ReferenceProfile.fromJson(profile.toJson());
    }

    static CellResult runCell(Cell cell, double effect) {
        Rule[] rules = Rule.values();
        DriftPolicies[] policies = new DriftPolicies[rules.length];
        for (Rule r : rules) {
            policies[r.ordinal()] = r.policies();
        }
        int[] alarms = new int[rules.length];
        double[] defaultP = new double[cell.reps()];
        boolean exactDiffers = false;
        Population refPop = cell.kase().reference();
        Population curPop = cell.kase().current();
        boolean numeric = refPop instanceof Population.Numeric;
        ReferenceProfile profile = null;
        double[] refValues = null;
        EmpiricalDistribution refExact = null;
        for (int rep = 0; rep < cell.reps(); rep++) {
            if (rep % cell.windowsPerReference() == 0) {
                RandomGenerator rr = random(cell.seed(), rep, 0);
                if (numeric) {
                    refValues = new double[cell.m()];
                    Population.Numeric num = (Population.Numeric) refPop;
                    NumericReferenceBuilder b = new NumericReferenceBuilder();
                    for (int i = 0; i < refValues.length; i++) {
                        refValues[i] = num.draw(rr);
                        b.add(refValues[i]);
                    }
                    profile = roundTrip(Map.of("x", b.build(10)));
                    refExact = null;
                } else {
                    profile = reference(refPop, cell.m(), rr);
                }
            }
            RandomGenerator r = random(cell.seed(), rep, 1);
            WindowProfile w = profile.newWindow();
            double[] cur = null;
            if (numeric) {
                cur = new double[cell.n()];
                Population.Numeric num = (Population.Numeric) curPop;
                for (int i = 0; i < cur.length; i++) {
                    cur[i] = num.draw(r);
                    w.numeric(0).update(cur[i]);
                }
            } else {
                Population.Categorical cat = (Population.Categorical) curPop;
                for (int i = 0; i < cell.n(); i++) {
                    w.categorical(0).update(cat.draw(r));
                }
            }
            w = WindowProfile.heapify(w.toByteArray());
            List<FeatureMetrics> metrics = ProfileComparison.compare(profile, w);
            for (Rule rule : rules) {
                if (rule == Rule.NEW_EXACT) {
                    continue;
                }
                DriftDecision d =
                        DriftDetector.evaluate(metrics, policies[rule.ordinal()])
                                .features()
                                .get(0)
                                .decision();
                if (rule.alarms(d)) {
                    alarms[rule.ordinal()]++;
                }
                if (rule == Rule.NEW) {
                    defaultP[rep] = d.value() == null ? 1.0 : d.adjustedPValue();
                }
            }
            Double bound = metrics.get(0).value(Statistic.KS_ERROR_BOUND);
            if (numeric && bound != null && bound > 0) {
                exactDiffers = true;
                // ProfileComparison's exact path, with the reference's sorted sample kept across
                // the windows that share it
                if (refExact == null) {
                    refExact = EmpiricalDistribution.ofSample(refValues);
                }
                List<FeatureMetrics> exact =
                        List.of(
                                NumericMetrics.of(
                                        "x",
                                        (NumericReference) profile.feature("x"),
                                        w.numeric(0),
                                        refExact,
                                        EmpiricalDistribution.ofSample(cur)));
                DriftDecision d =
                        DriftDetector.evaluate(exact, policies[Rule.NEW.ordinal()])
                                .features()
                                .get(0)
                                .decision();
                if (d.detected()) {
                    alarms[Rule.NEW_EXACT.ordinal()]++;
                }
            } else if (defaultP[rep] <= DriftPolicies.DEFAULT_LEVEL) {
                alarms[Rule.NEW_EXACT.ordinal()]++;
            }
        }
        return new CellResult(cell, effect, alarms, defaultP, exactDiffers);
    }

    private static List<DatasetResult> runDatasets(ExecutorService pool)
            throws InterruptedException, ExecutionException {
        List<Future<DatasetResult>> futures = new ArrayList<>();
        for (int[] size : DATASET_SIZES) {
            for (boolean drift : new boolean[] {false, true}) {
                futures.add(pool.submit(() -> runDataset(drift, size[0], size[1], size[2])));
            }
        }
        List<DatasetResult> out = new ArrayList<>();
        for (Future<DatasetResult> f : futures) {
            out.add(f.get());
        }
        return out;
    }

    static DatasetResult runDataset(boolean drift, int n, int m, int reps) {
        List<DecisionCase> features = DecisionCases.dataset(drift);
        Rule[] rules = Rule.values();
        int[] any = new int[rules.length];
        int[] dataset = new int[rules.length];
        long[] falseFeatures = new long[rules.length];
        long[] detected = new long[rules.length];
        long clean = 0;
        long drifted = 0;
        int wpr = windowsPerReference(n, m);
        long seed = seed("dataset/" + drift, n, m);
        ReferenceProfile profile = null;
        for (int rep = 0; rep < reps; rep++) {
            if (rep % wpr == 0) {
                RandomGenerator rr = random(seed, rep, 0);
                Map<String, FeatureReference> refs = new LinkedHashMap<>();
                for (DecisionCase f : features) {
                    refs.put(f.family(), reference(f.reference(), m, rr).feature("x"));
                }
                profile = roundTrip(refs);
            }
            RandomGenerator r = random(seed, rep, 1);
            WindowProfile w = profile.newWindow();
            for (int i = 0; i < features.size(); i++) {
                Population p = features.get(i).current();
                for (int k = 0; k < n; k++) {
                    if (p instanceof Population.Numeric num) {
                        w.numeric(i).update(num.draw(r));
                    } else {
                        w.categorical(i).update(((Population.Categorical) p).draw(r));
                    }
                }
            }
            w = WindowProfile.heapify(w.toByteArray());
            List<FeatureMetrics> metrics = ProfileComparison.compare(profile, w);
            for (DecisionCase f : features) {
                if (f.noDrift()) {
                    clean++;
                } else {
                    drifted++;
                }
            }
            for (Rule rule : rules) {
                if (rule == Rule.NEW_EXACT) {
                    continue;
                }
                DriftReport report = DriftDetector.evaluate(metrics, rule.policies());
                boolean alarm = false;
                for (int i = 0; i < features.size(); i++) {
                    boolean a = rule.alarms(report.features().get(i).decision());
                    alarm |= a;
                    if (a && features.get(i).noDrift()) {
                        falseFeatures[rule.ordinal()]++;
                    } else if (a) {
                        detected[rule.ordinal()]++;
                    }
                }
                if (alarm) {
                    any[rule.ordinal()]++;
                }
                if (report.datasetDrift()) {
                    dataset[rule.ordinal()]++;
                }
            }
        }
        return new DatasetResult(
                drift, n, m, reps, any, dataset, falseFeatures, clean, detected, drifted);
    }

    static String report(
            List<CellResult> results,
            List<DatasetResult> datasets,
            double seconds,
            int threads,
            long budget,
            boolean quick) {
        return new DecisionReport(results, datasets, seconds, threads, budget, quick).render();
    }

    static String fmt(String pattern, Object... args) {
        return String.format(Locale.ROOT, pattern, args);
    }
}
