package dev.driftwatch.jobs.ingest;

import static dev.driftwatch.jobs.TestEvents.reference;
import static org.assertj.core.api.Assertions.assertThat;

import dev.driftwatch.ingest.IngestConfig;
import dev.driftwatch.ingest.IngestServer;
import dev.driftwatch.jobs.StoredRows;
import dev.driftwatch.jobs.TestJobs;
import dev.driftwatch.jobs.drift.DriftJob;
import dev.driftwatch.jobs.drift.DriftJobOptions;
import dev.driftwatch.jobs.ingest.TestInferences.Row;
import dev.driftwatch.jobs.shared.MetricTables;
import dev.driftwatch.jobs.shared.SharedJobOptions;
import dev.driftwatch.local.LocalKafka;
import dev.driftwatch.testsupport.TestKafka;
import dev.driftwatch.testsupport.TestPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The same rows three ways into one drift job on a real Kafka broker, PostgreSQL and Flink's
 * MiniCluster: as KServe inference-logger CloudEvents posted over HTTP to the ingest endpoint (v1
 * object and list rows, Open Inference Protocol JSON; binary and structured mode; request before
 * and after its response; batches; requests whose response never comes), as Seldon Core 2 protobuf
 * records on its topics (typed and raw contents, with and without Confluent framing, with and
 * without a model version), and as Driftwatch's own event JSON. Each model's drift_metrics rows
 * equal the native model's, row by row.
 */
class InferenceLogsDriftITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static final long T0 = Instant.parse("2026-11-26T10:00:00Z").toEpochMilli();
    private static final long MINUTE = 60_000;
    private static final String KSERVE = "kserve-norm";
    private static final String SELDON = "seldon-norm";
    private static final String NATIVE = "native-norm";
    private static final String TOKEN = "ingest-token-for-normalization-tests";

    /** One logged inference: its id, time, rows, and whether its response is logged. */
    record Inference(String id, long time, List<Row> rows, boolean answered) {}

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void kserveAndSeldonLogsGiveTheRowsOfTheSameNativeEvents() throws Exception {
        List<String> topics =
                TestKafka.createTopics(
                        "predictions",
                        "features",
                        "reference-profiles",
                        "alerts",
                        "dead-letters",
                        "inference-logs",
                        "input-schemas");
        String prefix = "sd" + UUID.randomUUID().toString().substring(0, 8);
        String seldonInputs = prefix + ".models.model." + SELDON + ".inputs";
        String seldonOutputs = prefix + ".models.model." + SELDON + ".outputs";
        LocalKafka.createTopics(
                TestKafka.bootstrapServers(), List.of(seldonInputs, seldonOutputs), Set.of(), 1);

        // Four one-minute windows (the second drifted: amount +15), batches of 1 to 3 rows; every
        // seventh inference has no logged response
        List<Inference> inferences = new ArrayList<>();
        Random random = new Random(7);
        double[] shifts = {0, 15, 0, 0};
        for (int w = 0; w < shifts.length; w++) {
            for (int i = 0; i < 40; i++) {
                List<Row> rows = new ArrayList<>();
                int n = 1 + random.nextInt(3);
                boolean answered = inferences.size() % 7 != 3;
                for (int r = 0; r < n; r++) {
                    rows.add(
                            new Row(
                                    50 + shifts[w] + 10 * random.nextGaussian(),
                                    new String[] {"DE", "FR", "IT"}[random.nextInt(3)],
                                    answered ? random.nextDouble() : null));
                }
                inferences.add(
                        new Inference(
                                "req-" + inferences.size(),
                                T0 + w * MINUTE + (i * 1433L) % MINUTE,
                                rows,
                                answered));
            }
        }

        // native events
        List<byte[]> natives = new ArrayList<>();
        for (Inference inf : inferences) {
            for (int r = 0; r < inf.rows().size(); r++) {
                String id = inf.rows().size() == 1 ? inf.id() : inf.id() + "/" + r;
                natives.add(
                        TestInferences.nativeEvent(id, NATIVE, "1", inf.time(), inf.rows().get(r)));
            }
        }
        TestKafka.produce(topics.get(0), natives);

        // the models' input schemas (amount, country) and champion aliases, as the registry
        // publishes them
        TestKafka.produce(
                topics.get(6),
                List.of(
                        TestInferences.inputSchema(KSERVE, Map.of("champion", "1")),
                        TestInferences.inputSchema(SELDON, Map.of("champion", "1"))));

        // KServe over HTTP into the ingest endpoint
        try (IngestServer ingest =
                IngestServer.start(
                        IngestConfig.defaults()
                                .withPort(0)
                                .withKafka(TestKafka.bootstrapServers())
                                .withTopic(topics.get(5))
                                .withTokens(List.of(TOKEN)))) {
            for (int i = 0; i < inferences.size(); i++) {
                postKserve(ingest.url(), inferences.get(i), i % 4);
            }
        }

        // Seldon Core 2 records on its topics
        List<ProducerRecord<byte[], byte[]>> seldon = new ArrayList<>();
        for (int i = 0; i < inferences.size(); i++) {
            Inference inf = inferences.get(i);
            boolean raw = i % 2 == 1;
            boolean framed = i % 4 == 1 || i % 4 == 2;
            byte[] request =
                    raw
                            ? TestInferences.seldonRawRequest(SELDON, inf.rows())
                            : TestInferences.seldonRequest(SELDON, inf.rows());
            seldon.add(seldonRecord(seldonInputs, inf, framed ? framed(request) : request));
            if (inf.answered()) {
                byte[] response =
                        TestInferences.seldonResponse(SELDON, i % 3 == 0 ? null : "1", inf.rows());
                seldon.add(seldonRecord(seldonOutputs, inf, framed ? framed(response) : response));
            }
        }
        TestKafka.produce(seldon);

        TestPostgres.Connection db = TestPostgres.connection();
        MetricTables.migrate(db.url(), db.user(), db.password());
        Configuration config = TestJobs.config(topics, DriftJobOptions.FEATURES_TOPIC, db);
        // every input in one run: no event may be late because another input ran ahead
        config.set(SharedJobOptions.OUT_OF_ORDERNESS, Duration.ofHours(1));
        config.set(
                InferenceLogOptions.INFERENCE_LOGS,
                List.of(InferenceLogOptions.KSERVE, InferenceLogOptions.SELDON));
        config.set(InferenceLogOptions.INFERENCE_LOGS_TOPIC, topics.get(5));
        config.set(InferenceLogOptions.INPUT_SCHEMAS_TOPIC, topics.get(6));
        config.set(
                InferenceLogOptions.SELDON_TOPIC_PATTERN,
                prefix + "\\..+\\.(model|pipeline)\\..+\\.(inputs|outputs)");

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.enableCheckpointing(500);
        DriftJob.withKafka(
                        config,
                        List.of(reference(KSERVE), reference(SELDON), reference(NATIVE)),
                        OffsetsInitializer.earliest(),
                        true)
                .build(env);
        env.execute("inference-logs-e2e");

        Jdbi jdbi = Jdbi.create(db.url(), db.user(), db.password());
        var expected = StoredRows.of(jdbi, NATIVE);
        int rows = natives.size();
        assertThat(StoredRows.events(expected, w -> true)).isEqualTo(rows);
        assertThat(expected).isNotEmpty();
        StoredRows.assertSame(StoredRows.of(jdbi, KSERVE), expected, w -> true);
        StoredRows.assertSame(StoredRows.of(jdbi, SELDON), expected, w -> true);

        // nothing was dead-lettered
        assertThat(TestKafka.readAll(topics.get(4), 1, Duration.ofSeconds(2))).isEmpty();
    }

    /**
     * Posts the request and response events of {@code inf} in one of four shapes: 0 KServe v1
     * object rows in binary mode, request first; 1 v1 list rows (named by the schema), response
     * first; 2 OIP JSON in structured mode, with the model version; 3 OIP JSON in binary mode,
     * response first.
     */
    private void postKserve(String url, Inference inf, int shape) throws Exception {
        byte[] request =
                switch (shape) {
                    case 0 -> TestInferences.kserveV1Request(inf.rows());
                    case 1 -> TestInferences.kserveV1ListRequest(inf.rows());
                    default -> TestInferences.oipRequest(inf.id(), inf.rows());
                };
        byte[] response =
                !inf.answered()
                        ? null
                        : shape < 2
                                ? TestInferences.kserveV1Response(inf.rows())
                                : TestInferences.oipResponse(inf.id(), KSERVE, "1", inf.rows());
        boolean responseFirst = shape == 1 || shape == 3;
        if (response != null && responseFirst) {
            post(url, inf, true, response, shape == 2);
        }
        post(url, inf, false, request, shape == 2);
        if (response != null && !responseFirst) {
            post(url, inf, true, response, shape == 2);
        }
    }

    private void post(String url, Inference inf, boolean response, byte[] data, boolean structured)
            throws Exception {
        String type = "org.kubeflow.serving.inference." + (response ? "response" : "request");
        String time = Instant.ofEpochMilli(inf.time()).toString();
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + TOKEN);
        if (structured) {
            String event =
                    "{\"specversion\": \"1.0\", \"id\": \""
                            + inf.id()
                            + "\", \"source\": \"http://localhost:9081/\", \"type\": \""
                            + type
                            + "\", \"time\": \""
                            + time
                            + "\", \"inferenceservicename\": \""
                            + KSERVE
                            + "\", \"namespace\": \"models\", \"endpoint\": \"default\","
                            + " \"datacontenttype\": \"application/json\", \"data\": "
                            + new String(data, StandardCharsets.UTF_8)
                            + "}";
            b.header("Content-Type", "application/cloudevents+json")
                    .POST(HttpRequest.BodyPublishers.ofString(event));
        } else {
            b.header("Content-Type", "application/json")
                    .header("ce-specversion", "1.0")
                    .header("ce-id", inf.id())
                    .header("ce-source", "http://localhost:9081/")
                    .header("ce-type", type)
                    .header("ce-time", time)
                    .header("ce-inferenceservicename", KSERVE)
                    .header("ce-namespace", "models")
                    .header("ce-component", "predictor")
                    .header("ce-endpoint", "default")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(data));
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    }

    private static ProducerRecord<byte[], byte[]> seldonRecord(
            String topic, Inference inf, byte[] value) {
        byte[] id = inf.id().getBytes(StandardCharsets.UTF_8);
        return new ProducerRecord<>(
                topic,
                null,
                inf.time(),
                id,
                value,
                new RecordHeaders(List.of(new RecordHeader("x-request-id", id))));
    }

    private static byte[] framed(byte[] message) {
        return TestInferences.confluentFramed(42, message);
    }
}
