package dev.driftwatch.benchmarks;

import java.util.ArrayList;
import java.util.List;

/** The end-to-end harness' flags, with defaults sized to finish in a few minutes on 2 cores. */
record BenchmarkOptions(
        int events,
        int warmupEvents,
        int repeats,
        int models,
        int features,
        int windowEvents,
        List<Integer> parallelism,
        int referenceSample,
        List<Integer> stateWindowEvents,
        boolean scaling,
        List<Integer> scaleModels,
        List<Integer> scaleFeatures,
        int scaleEvents,
        int scaleReferenceSample,
        int keyWindowModels,
        int keyWindowEvents,
        int keyWindowSize,
        String stateBackend,
        boolean help) {

    static final String USAGE =
            String.join(
                    "\n",
                    "usage: EndToEndBenchmark [options]",
                    "  --events N               events per measured run (default 400000)",
                    "  --warmup-events N        events per warm-up run of each pipeline, 0 = none"
                            + " (default 100000)",
                    "  --repeats N              measured runs per pipeline, median reported"
                            + " (default 1)",
                    "  --models N               models (default 10)",
                    "  --features N             numeric features; 2 categorical are added"
                            + " (default 20)",
                    "  --window-events N        events per tumbling window, all models together"
                            + " (default 100000; events are 1 ms apart)",
                    "  --parallelism LIST       e.g. 1 or 1,2; the first is the summary's"
                            + " (default 1)",
                    "  --reference-sample N     reference sample size per feature (default 5000)",
                    "  --state-window-events L  window sizes for the state-size table"
                            + " (default 1000,100000,1000000)",
                    "  --no-scaling             skip the scaling table and the fixed cost per"
                            + " (key, window)",
                    "  --scale-models LIST      models for scaling; the largest gives"
                            + " ratio_1000_models (default 1,10,100,1000)",
                    "  --scale-features LIST    numeric features for scaling; the largest gives"
                            + " ratio_500_features (default 20,100,500)",
                    "  --scale-events N         events per scaling run at 20 features, scaled by"
                            + " 20/features (default 100000)",
                    "  --scale-reference-sample N  reference sample size per feature in the scaling"
                            + " and (key, window) runs, so that 1,000 models' profiles fit the"
                            + " default heap (default 1000)",
                    "  --key-window-models N    models in the two runs that measure the fixed CPU"
                            + " per (key, window) (default 200)",
                    "  --key-window-events N    events of each of those runs; one of them has one"
                            + " window over all (default 100000)",
                    "  --key-window-size N      events per window in the other run (default 2000)",
                    "  --state-backend NAME     hashmap or rocksdb, for the drift job and the naive"
                            + " design (default hashmap)",
                    "  --help                   this message",
                    "The last line of stdout is the JSON summary.");

    static BenchmarkOptions defaults() {
        return new BenchmarkOptions(
                400_000,
                100_000,
                1,
                10,
                20,
                100_000,
                List.of(1),
                5000,
                List.of(1_000, 100_000, 1_000_000),
                true,
                List.of(1, 10, 100, 1000),
                List.of(20, 100, 500),
                100_000,
                1000,
                200,
                100_000,
                2_000,
                "hashmap",
                false);
    }

    /**
     * Parses flags.
     *
     * @throws IllegalArgumentException with a message naming the bad flag
     */
    static BenchmarkOptions parse(String[] args) {
        BenchmarkOptions o = defaults();
        int events = o.events;
        int warmup = o.warmupEvents;
        int repeats = o.repeats;
        int models = o.models;
        int features = o.features;
        int windowEvents = o.windowEvents;
        List<Integer> parallelism = o.parallelism;
        int referenceSample = o.referenceSample;
        List<Integer> stateWindows = o.stateWindowEvents;
        boolean scaling = o.scaling;
        List<Integer> scaleModels = o.scaleModels;
        List<Integer> scaleFeatures = o.scaleFeatures;
        int scaleEvents = o.scaleEvents;
        int scaleReferenceSample = o.scaleReferenceSample;
        int keyWindowModels = o.keyWindowModels;
        int keyWindowEvents = o.keyWindowEvents;
        int keyWindowSize = o.keyWindowSize;
        String stateBackend = o.stateBackend;
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            switch (flag) {
                case "--help", "-h" -> help = true;
                case "--no-scaling" -> scaling = false;
                case "--events" -> events = positive(flag, value(args, ++i, flag));
                case "--warmup-events" -> warmup = nonNegative(flag, value(args, ++i, flag));
                case "--repeats" -> repeats = positive(flag, value(args, ++i, flag));
                case "--models" -> models = positive(flag, value(args, ++i, flag));
                case "--features" -> features = positive(flag, value(args, ++i, flag));
                case "--window-events" -> windowEvents = positive(flag, value(args, ++i, flag));
                case "--parallelism" -> parallelism = list(flag, value(args, ++i, flag));
                case "--reference-sample" ->
                        referenceSample = positive(flag, value(args, ++i, flag));
                case "--state-window-events" -> stateWindows = list(flag, value(args, ++i, flag));
                case "--scale-models" -> scaleModels = list(flag, value(args, ++i, flag));
                case "--scale-features" -> scaleFeatures = list(flag, value(args, ++i, flag));
                case "--scale-events" -> scaleEvents = positive(flag, value(args, ++i, flag));
                case "--scale-reference-sample" ->
                        scaleReferenceSample = positive(flag, value(args, ++i, flag));
                case "--key-window-models" ->
                        keyWindowModels = positive(flag, value(args, ++i, flag));
                case "--key-window-events" ->
                        keyWindowEvents = positive(flag, value(args, ++i, flag));
                case "--key-window-size" -> keyWindowSize = positive(flag, value(args, ++i, flag));
                case "--state-backend" -> {
                    stateBackend = value(args, ++i, flag);
                    if (!stateBackend.equals("hashmap") && !stateBackend.equals("rocksdb")) {
                        throw new IllegalArgumentException(
                                "--state-backend must be hashmap or rocksdb, was '"
                                        + stateBackend
                                        + "'");
                    }
                }
                default -> throw new IllegalArgumentException("unknown option '" + flag + "'");
            }
        }
        if (warmup > events) {
            throw new IllegalArgumentException("--warmup-events must be <= --events");
        }
        if (keyWindowSize >= keyWindowEvents) {
            throw new IllegalArgumentException(
                    "--key-window-size must be less than --key-window-events ("
                            + keyWindowEvents
                            + ")");
        }
        return new BenchmarkOptions(
                events,
                warmup,
                repeats,
                models,
                features,
                windowEvents,
                parallelism,
                referenceSample,
                stateWindows,
                scaling,
                scaleModels,
                scaleFeatures,
                scaleEvents,
                scaleReferenceSample,
                keyWindowModels,
                keyWindowEvents,
                keyWindowSize,
                stateBackend,
                help);
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[i];
    }

    private static int positive(String flag, String text) {
        int v = integer(flag, text);
        if (v < 1) {
            throw new IllegalArgumentException(flag + " must be >= 1, was " + text);
        }
        return v;
    }

    private static int nonNegative(String flag, String text) {
        int v = integer(flag, text);
        if (v < 0) {
            throw new IllegalArgumentException(flag + " must be >= 0, was " + text);
        }
        return v;
    }

    private static int integer(String flag, String text) {
        try {
            return Integer.parseInt(text.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " expects an integer, was '" + text + "'");
        }
    }

    private static List<Integer> list(String flag, String text) {
        List<Integer> values = new ArrayList<>();
        for (String part : text.split(",")) {
            values.add(positive(flag, part.trim()));
        }
        return List.copyOf(values);
    }
}
