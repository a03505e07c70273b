package dev.driftwatch.benchmarks;

import dev.driftwatch.ingest.formats.CloudEventsKafka;
import dev.driftwatch.ingest.formats.InputSchema;
import dev.driftwatch.ingest.formats.InputSchemaUpdate;
import dev.driftwatch.jobs.ingest.InferenceLogSources;
import dev.driftwatch.jobs.records.RawRecord;
import dev.driftwatch.jobs.shared.JobStages;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Throughput of the normalization stage against pass-through, in one process and one run, on the
 * same rows: (1) pass-through: the rows as Driftwatch's own event JSON, one record each, through
 * the jobs' decode stage, then discard; (2) normalization: the same rows as KServe inference-logger
 * CloudEvents (Open Inference Protocol JSON, one named tensor per feature, a request and a response
 * record per inference of {@code --batch} rows, {@code ce_*} headers as the ingest endpoint writes
 * them) through the normalization stage (envelope, pairing by id in keyed state, decoding, events),
 * then discard. Rows/s is timed from the first record a source emits to the last event a sink
 * receives; the ratio is normalization ÷ pass-through of the same round. The last stdout line is a
 * JSON summary.
 *
 * <pre>
 * ./mvnw -B -ntp -pl benchmarks -am package -DskipTests
 * java -cp benchmarks/target/benchmarks.jar dev.driftwatch.benchmarks.NormalizationBenchmark \
 *     --rows 400000 --batch 4 --repeats 3
 * </pre>
 */
public final class NormalizationBenchmark {
    static final String USAGE =
            "usage: NormalizationBenchmark [--rows N] [--batch ROWS_PER_INFERENCE]"
                    + " [--features F] [--repeats R]";
    private static final String MODEL = "bench";
    private static final long T0 = Instant.parse("2026-11-26T00:00:00Z").toEpochMilli();

    private NormalizationBenchmark() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the benchmark; returns the exit code (2 for bad flags, 1 if rows went missing). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        int rows = 400_000;
        int batch = 4;
        int features = 10;
        int repeats = 3;
        try {
            for (int i = 0; i < args.length; i++) {
                String flag = args[i];
                if (flag.equals("--help")) {
                    out.println(USAGE);
                    return 0;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(flag + " needs a value");
                }
                int v = positive(flag, args[++i]);
                switch (flag) {
                    case "--rows" -> rows = v;
                    case "--batch" -> batch = v;
                    case "--features" -> features = v;
                    case "--repeats" -> repeats = v;
                    default -> throw new IllegalArgumentException("unknown option '" + flag + "'");
                }
            }
        } catch (IllegalArgumentException e) {
            err.println("bench: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
        rows -= rows % batch;
        try {
            return measure(rows, batch, features, repeats, out, err);
        } catch (Exception e) {
            err.println("bench: failed: " + e);
            e.printStackTrace(err);
            return 1;
        }
    }

    private static int measure(
            int rows, int batch, int features, int repeats, PrintStream out, PrintStream err)
            throws Exception {
        Corpus corpus = Corpus.generate(rows, batch, features);
        String nativeId = EventCorpus.register(corpus.nativeEvents());
        String kserveId = EventCorpus.register(corpus.logs());
        out.printf(
                Locale.ROOT,
                "rows: %d per run (%d numeric features + 1 categorical, %d rows per inference:"
                        + " %d KServe CloudEvent records), repeats %d, parallelism 1, object"
                        + " reuse on%n",
                rows,
                features,
                batch,
                corpus.logs().length,
                repeats);
        MiniCluster cluster =
                new MiniCluster(
                        new MiniClusterConfiguration.Builder()
                                .setConfiguration(new Configuration())
                                .setNumTaskManagers(1)
                                .setNumSlotsPerTaskManager(1)
                                .withRandomPorts()
                                .build());
        List<double[]> rounds = new ArrayList<>();
        boolean complete = true;
        try {
            cluster.start();
            // a warm-up round of each, not counted
            run(cluster, nativeId, kserveId, corpus, false);
            run(cluster, nativeId, kserveId, corpus, true);
            for (int r = 0; r < repeats; r++) {
                RunTally pass = run(cluster, nativeId, kserveId, corpus, false);
                RunTally norm = run(cluster, nativeId, kserveId, corpus, true);
                complete &=
                        pass.eventsAccounted() == rows
                                && norm.eventsAccounted() == rows
                                && pass.deadLetters() == 0
                                && norm.deadLetters() == 0;
                double passRate = rows / pass.processingSeconds();
                double normRate = rows / norm.processingSeconds();
                rounds.add(new double[] {passRate, normRate});
                out.printf(
                        Locale.ROOT,
                        "round %d: pass-through %,.0f rows/s, normalization %,.0f rows/s,"
                                + " ratio %.3f (rows accounted %d / %d, dead letters %d)%n",
                        r + 1,
                        passRate,
                        normRate,
                        normRate / passRate,
                        pass.eventsAccounted(),
                        norm.eventsAccounted(),
                        norm.deadLetters());
            }
        } finally {
            cluster.close();
            EventCorpus.release(nativeId);
            EventCorpus.release(kserveId);
        }
        double[] ratios = rounds.stream().mapToDouble(x -> x[1] / x[0]).sorted().toArray();
        double[] pass = rounds.stream().mapToDouble(x -> x[0]).sorted().toArray();
        double[] norm = rounds.stream().mapToDouble(x -> x[1]).sorted().toArray();
        if (!complete) {
            err.println("bench: a pipeline did not account for every row");
        }
        out.printf(
                Locale.ROOT,
                "{\"passthrough_rows_per_s\": %.0f, \"normalization_rows_per_s\": %.0f,"
                        + " \"ratio_normalization_passthrough\": %.3f, \"rows\": %d,"
                        + " \"batch\": %d}%n",
                median(pass),
                median(norm),
                median(ratios),
                rows,
                batch);
        return complete ? 0 : 1;
    }

    private static RunTally run(
            MiniCluster cluster, String nativeId, String kserveId, Corpus corpus, boolean normalize)
            throws Exception {
        RunTally tally = RunTally.create(normalize ? "normalization" : "pass-through");
        try {
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.createLocalEnvironment(1, new Configuration());
            env.getConfig().enableObjectReuse();
            JobStages stages = new JobStages(env, new Configuration());
            if (normalize) {
                String schema = corpus.schemaJson();
                JobStages.NormalizedEvents normalized =
                        stages.inferenceLogs(
                                new InferenceLogSources(
                                        new DataGeneratorSource<>(
                                                new LogGenerator(kserveId, tally.id()),
                                                corpus.logs().length,
                                                Types.POJO(RawRecord.class)),
                                        null,
                                        new DataGeneratorSource<>(
                                                index -> schema, 1, Types.STRING)),
                                "",
                                true);
                normalized.events().sinkTo(TallySink.oneEventPerOutput(tally)).name("discard");
                normalized.deadLetters().sinkTo(TallySink.deadLetters(tally)).name("dead letters");
            } else {
                stages.events(
                                EventCorpus.source(nativeId, corpus.nativeEvents().length, tally),
                                new JobStages.Ids("events-source", "events"),
                                new JobStages.Ids("parse", "decode and validate"),
                                true)
                        .sinkTo(TallySink.oneEventPerOutput(tally))
                        .name("discard");
            }
            System.gc();
            cluster.executeJobBlocking(env.getStreamGraph().getJobGraph());
            return tally;
        } finally {
            tally.release();
        }
    }

    private static int positive(String flag, String value) {
        try {
            int v = Integer.parseInt(value);
            if (v > 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(
                flag + " must be a positive integer, was '" + value + "'");
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** The same rows as native events and as KServe request/response CloudEvent payloads. */
    private record Corpus(byte[][] nativeEvents, byte[][] logs, String schemaJson) {
        static Corpus generate(int rows, int batch, int features) {
            Random random = new Random(42);
            String[] countries = {"DE", "FR", "IT", "ES"};
            byte[][] natives = new byte[rows][];
            byte[][] logs = new byte[2 * (rows / batch)][];
            for (int inf = 0; inf < rows / batch; inf++) {
                long ts = T0 + inf;
                double[][] x = new double[batch][features];
                String[] country = new String[batch];
                double[] score = new double[batch];
                StringBuilder request =
                        new StringBuilder("{\"id\": \"r-" + inf + "\", \"inputs\": [");
                for (int r = 0; r < batch; r++) {
                    for (int f = 0; f < features; f++) {
                        x[r][f] = 50 + 10 * random.nextGaussian();
                    }
                    country[r] = countries[random.nextInt(countries.length)];
                    score[r] = random.nextDouble();
                    StringBuilder e =
                            new StringBuilder("{\"prediction_id\": \"")
                                    .append(batch == 1 ? "r-" + inf : "r-" + inf + "/" + r)
                                    .append("\", \"model_name\": \"" + MODEL + "\",")
                                    .append(" \"model_version\": \"1\", \"timestamp\": ")
                                    .append(ts)
                                    .append(", \"features\": {");
                    for (int f = 0; f < features; f++) {
                        e.append("\"f").append(f).append("\": ").append(x[r][f]).append(", ");
                    }
                    e.append("\"country\": \"")
                            .append(country[r])
                            .append("\"}, \"prediction\": {\"score\": ")
                            .append(score[r])
                            .append("}}");
                    natives[inf * batch + r] = e.toString().getBytes(StandardCharsets.UTF_8);
                }
                for (int f = 0; f < features; f++) {
                    request.append("{\"name\": \"f")
                            .append(f)
                            .append("\", \"shape\": [")
                            .append(batch)
                            .append("], \"datatype\": \"FP64\", \"data\": [");
                    for (int r = 0; r < batch; r++) {
                        request.append(r == 0 ? "" : ", ").append(x[r][f]);
                    }
                    request.append("]}, ");
                }
                request.append("{\"name\": \"country\", \"shape\": [")
                        .append(batch)
                        .append("], \"datatype\": \"BYTES\", \"data\": [");
                for (int r = 0; r < batch; r++) {
                    request.append(r == 0 ? "\"" : ", \"").append(country[r]).append('"');
                }
                request.append("]}]}");
                StringBuilder response =
                        new StringBuilder(
                                "{\"model_name\": \""
                                        + MODEL
                                        + "\", \"model_version\": \"1\","
                                        + " \"id\": \"r-"
                                        + inf
                                        + "\", \"outputs\": [{\"name\":"
                                        + " \"score\", \"shape\": ["
                                        + batch
                                        + "], \"datatype\":"
                                        + " \"FP64\", \"data\": [");
                for (int r = 0; r < batch; r++) {
                    response.append(r == 0 ? "" : ", ").append(score[r]);
                }
                response.append("]}]}");
                logs[2 * inf] = request.toString().getBytes(StandardCharsets.UTF_8);
                logs[2 * inf + 1] = response.toString().getBytes(StandardCharsets.UTF_8);
            }
            String schema =
                    new String(
                            new InputSchemaUpdate(MODEL, InputSchema.NONE, Map.of("champion", "1"))
                                    .toJson(),
                            StandardCharsets.UTF_8);
            return new Corpus(natives, logs, schema);
        }
    }

    /**
     * Record {@code 2k} is the request of inference {@code k}, {@code 2k + 1} its response, with
     * the {@code ce_*} headers the ingest endpoint writes.
     */
    static final class LogGenerator implements GeneratorFunction<Long, RawRecord> {
        private static final long serialVersionUID = 1L;
        private static final String[] HEADERS = {
            CloudEventsKafka.header("specversion"),
            CloudEventsKafka.header("id"),
            CloudEventsKafka.header("source"),
            CloudEventsKafka.header("type"),
            CloudEventsKafka.header("time"),
            CloudEventsKafka.header("inferenceservicename"),
            CloudEventsKafka.header("endpoint"),
            CloudEventsKafka.CONTENT_TYPE_HEADER
        };
        private static final byte[] SPEC = utf8("1.0");
        private static final byte[] SOURCE = utf8("http://localhost:9081/");
        private static final byte[] REQUEST = utf8("org.kubeflow.serving.inference.request");
        private static final byte[] RESPONSE = utf8("org.kubeflow.serving.inference.response");
        private static final byte[] SERVICE = utf8(MODEL);
        private static final byte[] ENDPOINT = utf8("default");
        private static final byte[] JSON = utf8("application/json");

        private final String corpusId;
        private final String tallyId;
        private transient byte[][] logs;
        private transient RunTally tally;
        private transient boolean started;

        LogGenerator(String corpusId, String tallyId) {
            this.corpusId = corpusId;
            this.tallyId = tallyId;
        }

        @Override
        public void open(SourceReaderContext readerContext) {
            logs = EventCorpus.get(corpusId);
            tally = RunTally.get(tallyId);
        }

        @Override
        public RawRecord map(Long index) {
            if (!started) {
                started = true;
                tally.markStart();
            }
            int i = index.intValue();
            int inference = i / 2;
            byte[] id = utf8("r-" + inference);
            RawRecord r = new RawRecord(CloudEventsKafka.DEFAULT_TOPIC, 0, i, logs[i]);
            r.key = id;
            r.timestamp = T0 + inference;
            r.headerNames = HEADERS;
            r.headerValues =
                    new byte[][] {
                        SPEC,
                        id,
                        SOURCE,
                        i % 2 == 0 ? REQUEST : RESPONSE,
                        utf8(Instant.ofEpochMilli(T0 + inference).toString()),
                        SERVICE,
                        ENDPOINT,
                        JSON
                    };
            return r;
        }

        private static byte[] utf8(String s) {
            return s.getBytes(StandardCharsets.UTF_8);
        }
    }
}
