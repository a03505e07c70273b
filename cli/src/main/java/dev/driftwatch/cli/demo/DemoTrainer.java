package dev.driftwatch.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.driftwatch.core.calibration.Calibration;
import dev.driftwatch.core.contract.Topics;
import dev.driftwatch.core.event.InvalidEventException;
import dev.driftwatch.core.event.JsonEventDecoder;
import dev.driftwatch.core.event.LabelEvent;
import dev.driftwatch.core.event.LabelParser;
import dev.driftwatch.core.event.PredictionEvent;
import dev.driftwatch.core.profile.CategoricalReferenceBuilder;
import dev.driftwatch.core.profile.FeatureReference;
import dev.driftwatch.core.profile.NumericReferenceBuilder;
import dev.driftwatch.core.profile.ReferenceProfile;
import dev.driftwatch.launcher.TrainerVariable;
import dev.driftwatch.registry.retrain.TrainingTemplate;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The demo's trainer, run by the registry's local training backend as a separate process. It reads
 * the most recent 10 s of predictions whose labels came (those of the 10 s that ended the label
 * delay plus 2 s ago; training first waits {@link #SETTLE}) and their labels back from Kafka, joins
 * them by prediction_id and splits them deterministically by id (70% training, 30% holdout). {@code
 * train} fits the demo model's center by maximum likelihood on the training part, writes the
 * artifact ({@code model-<run id>.json} in its working directory), builds the reference profile
 * (with a calibration of its scores) with drift-core, registers the candidate version (tags run_id,
 * trigger_alert, dataset, center) and reports its holdout accuracy; {@code validate} reports
 * candidate and champion accuracy on the holdout. Configuration comes from the run's environment
 * (docs/retraining.md); what runs is the demo's training templates ({@link #templates}), which the
 * local stack configures as the registry's admin.
 */
public final class DemoTrainer {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The demo retrains on the most recent labelled traffic only: after an alert, that is the new
     * world.
     */
    static final Duration TRAINING_DATA = Duration.ofSeconds(10);

    /** The data ends this long ago: the label delay, and 2 s for the labels to reach Kafka. */
    static final Duration LABELLED_BEFORE =
            Duration.ofMillis(Simulator.LABEL_DELAY_MS).plusSeconds(2);

    /**
     * The trainer first waits this long, so that its data starts after the change that raised the
     * alert: that alert comes at the earliest when the first window after the change closes (a
     * window, 20 s, after it), so the data, {@link #TRAINING_DATA} ending {@link #LABELLED_BEFORE}
     * ago, starts after the change once the trainer waited {@code LABELLED_BEFORE + TRAINING_DATA -
     * window}.
     */
    static final Duration SETTLE = LABELLED_BEFORE.plus(TRAINING_DATA).minus(DemoCommand.WINDOW);

    /** The demo's training template (the demo policy names it). */
    public static final String TRAIN_TEMPLATE = "demo-train";

    /** The demo's validation template. */
    public static final String VALIDATE_TEMPLATE = "demo-validate";

    /** The variable that tells the trainer where Kafka is (set by its template). */
    static final String KAFKA_VARIABLE = "DEMO_KAFKA_BOOTSTRAP";

    private DemoTrainer() {}

    /**
     * The templates {@code up} and {@code demo} configure: this class run by this JVM's java with
     * this JVM's class path (absolute: the trainer runs in the run's own directory), reading from
     * Kafka at {@code kafkaBootstrap}.
     */
    public static List<TrainingTemplate> templates(String kafkaBootstrap) {
        String javaBinary = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath =
                Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                        .map(e -> Path.of(e).toAbsolutePath().toString())
                        .collect(Collectors.joining(File.pathSeparator));
        List<TrainingTemplate> out = new ArrayList<>();
        for (String mode : List.of("train", "validate")) {
            out.add(
                    TrainingTemplate.builder(
                                    mode.equals("train") ? TRAIN_TEMPLATE : VALIDATE_TEMPLATE)
                            .image("local")
                            .command(
                                    List.of(
                                            javaBinary,
                                            "-cp",
                                            classpath,
                                            DemoTrainer.class.getName(),
                                            mode))
                            .env(KAFKA_VARIABLE, kafkaBootstrap)
                            .deadline(Duration.ofMinutes(5))
                            .build());
        }
        return out;
    }

    /** A labelled recent prediction. */
    record Example(PredictionEvent event, boolean fraud) {
        double amount() {
            return feature("amount");
        }

        double feature(String name) {
            for (int i = 0; i < event.featureNames.length; i++) {
                if (event.featureNames[i].equals(name)) {
                    return event.numbers[i];
                }
            }
            return Double.NaN;
        }

        String text(String name) {
            for (int i = 0; i < event.featureNames.length; i++) {
                if (event.featureNames[i].equals(name)) {
                    return event.strings[i];
                }
            }
            return null;
        }
    }

    public static void main(String[] args) throws Exception {
        String mode = args.length == 1 ? args[0] : "";
        if (!mode.equals("train") && !mode.equals("validate")) {
            System.err.println(
                    "usage: DemoTrainer train|validate (run by the registry's training backend)");
            System.exit(42);
        }
        String model = env(TrainerVariable.MODEL_NAME);
        RegistryClient registry =
                new RegistryClient(
                        env(TrainerVariable.REGISTRY_URL), env(TrainerVariable.REGISTRY_TOKEN));
        if (mode.equals("train")) {
            Thread.sleep(SETTLE.toMillis());
        }
        long until = System.currentTimeMillis() - LABELLED_BEFORE.toMillis();
        List<Example> data =
                recentExamples(env(KAFKA_VARIABLE), model, until - TRAINING_DATA.toMillis(), until);
        if (data.size() < 50) {
            System.err.println(
                    "only "
                            + data.size()
                            + " labelled predictions in the "
                            + TRAINING_DATA.toSeconds()
                            + " s that ended "
                            + LABELLED_BEFORE.toSeconds()
                            + " s ago: not enough to train");
            System.exit(1);
        }
        String run = env(TrainerVariable.RETRAIN_RUN);
        // A deterministic split by prediction id: training never sees the validation holdout.
        List<Example> training = new ArrayList<>();
        List<Example> holdout = new ArrayList<>();
        for (Example e : data) {
            (Math.floorMod(e.event().predictionId.hashCode(), 10) < 7 ? training : holdout).add(e);
        }
        if (mode.equals("train")) {
            train(registry, model, run, training, holdout);
        } else {
            validate(registry, model, run, holdout);
        }
    }

    private static void train(
            RegistryClient registry,
            String model,
            String run,
            List<Example> data,
            List<Example> holdout)
            throws Exception {
        double center = fitCenter(data);
        double accuracy = accuracy(holdout, center);
        // The artifact: the fitted model, next to the run's log.
        java.nio.file.Path artifact =
                java.nio.file.Path.of("model-" + env(TrainerVariable.RUN_ID) + ".json")
                        .toAbsolutePath();
        java.nio.file.Files.writeString(
                artifact,
                JSON.createObjectNode()
                        .put("model", "sigmoid((amount - center) / " + DemoWorld.SCALE + ")")
                        .put("center", center)
                        .put("trained_on", data.size())
                        .toString());
        ObjectNode create = JSON.createObjectNode();
        create.put("name", model);
        create.put("source", artifact.toUri().toString());
        create.put("run_id", env(TrainerVariable.RUN_ID));
        ArrayNode tags = create.putArray("tags");
        tag(tags, "run_id", env(TrainerVariable.RUN_ID));
        tag(
                tags,
                "trigger_alert",
                System.getenv().getOrDefault(TrainerVariable.TRIGGER_ALERT.envName(), ""));
        tag(
                tags,
                "dataset",
                "kafka:driftwatch.predictions+labels, "
                        + TRAINING_DATA.toSeconds()
                        + " s ending "
                        + LABELLED_BEFORE.toSeconds()
                        + " s before training ("
                        + data.size()
                        + " labelled)");
        tag(tags, "center", Double.toString(center));
        String version =
                registry.post("/api/2.0/mlflow/model-versions/create", create)
                        .path("model_version")
                        .path("version")
                        .asText();
        ReferenceProfile profile = profile(model, version, data, center, accuracy);
        registry.put(
                "/api/v1/models/"
                        + RegistryClient.encode(model)
                        + "/versions/"
                        + version
                        + "/reference-profile",
                profile.toJson());
        ObjectNode candidate = JSON.createObjectNode();
        candidate.put("version", version);
        candidate.putObject("metrics").put("accuracy", accuracy);
        registry.post("/api/v1/retrain-runs/" + run + "/candidate", candidate);
        System.out.printf(
                "trained %s version %s: center %.2f, accuracy %.3f on %d examples%n",
                model, version, center, accuracy, data.size());
    }

    private static void validate(
            RegistryClient registry, String model, String run, List<Example> data)
            throws Exception {
        double candidate =
                accuracy(data, center(registry, model, env(TrainerVariable.MODEL_VERSION)));
        double champion =
                accuracy(data, center(registry, model, env(TrainerVariable.CHAMPION_VERSION)));
        ObjectNode report = JSON.createObjectNode();
        report.putObject("candidate").put("accuracy", candidate);
        report.putObject("champion").put("accuracy", champion);
        registry.post("/api/v1/retrain-runs/" + run + "/validation-metrics", report);
        System.out.printf(
                "validated: candidate accuracy %.3f, champion %.3f%n", candidate, champion);
    }

    static double center(RegistryClient registry, String model, String version) throws Exception {
        JsonNode v =
                registry.get(
                        "/api/2.0/mlflow/model-versions/get?name="
                                + RegistryClient.encode(model)
                                + "&version="
                                + version);
        for (JsonNode t : v.path("model_version").path("tags")) {
            if (t.path("key").asText().equals("center")) {
                return Double.parseDouble(t.path("value").asText());
            }
        }
        throw new IllegalStateException(model + " version " + version + " has no center tag");
    }

    /**
     * The center (to 0.1, between 10 and 200) under which the labels of the data are most likely,
     * P(fraud | amount) being {@code sigmoid((amount - center) / SCALE)}: the maximum likelihood
     * fit, steadier on few examples than the center that classifies them best.
     */
    static double fitCenter(List<Example> data) {
        double best = Double.NaN;
        double bestLogLikelihood = Double.NEGATIVE_INFINITY;
        for (int tenths = 100; tenths <= 2000; tenths++) {
            double center = tenths / 10.0;
            double logLikelihood = 0;
            for (Example e : data) {
                // log sigmoid(z) = -log(1 + exp(-z)), written to stay finite for large |z|
                double z = (e.amount() - center) / DemoWorld.SCALE;
                double signed = e.fraud() ? z : -z;
                logLikelihood -=
                        signed > 0
                                ? Math.log1p(Math.exp(-signed))
                                : -signed + Math.log1p(Math.exp(signed));
            }
            if (logLikelihood > bestLogLikelihood) {
                bestLogLikelihood = logLikelihood;
                best = center;
            }
        }
        return best;
    }

    static double accuracy(List<Example> data, double center) {
        int right = 0;
        for (Example e : data) {
            if ((DemoWorld.score(e.amount(), center) >= 0.5) == e.fraud()) {
                right++;
            }
        }
        return (double) right / data.size();
    }

    static ReferenceProfile profile(
            String model, String version, List<Example> data, double center, double accuracy) {
        NumericReferenceBuilder amount = new NumericReferenceBuilder();
        NumericReferenceBuilder age = new NumericReferenceBuilder();
        CategoricalReferenceBuilder country = new CategoricalReferenceBuilder();
        NumericReferenceBuilder score = new NumericReferenceBuilder();
        double[] scores = new double[data.size()];
        boolean[] fraud = new boolean[data.size()];
        for (int i = 0; i < data.size(); i++) {
            Example e = data.get(i);
            amount.add(e.amount());
            age.add(e.feature("age"));
            country.add(e.text("country"));
            scores[i] = DemoWorld.score(e.amount(), center);
            fraud[i] = e.fraud();
            score.add(scores[i]);
        }
        Map<String, FeatureReference> features = new LinkedHashMap<>();
        features.put("amount", amount.build(10));
        features.put("age", age.build(10));
        features.put("country", country.build());
        features.put(PredictionEvent.SCORE_FEATURE, score.build(10));
        // the performance job estimates the new version's accuracy before labels too
        return new ReferenceProfile(
                model,
                version,
                Instant.now(),
                features,
                Map.of("accuracy", accuracy),
                Calibration.fitBinary("1", scores, fraud));
    }

    /**
     * Labelled predictions of the model made in [{@code since}, {@code until}), read from Kafka.
     */
    static List<Example> recentExamples(String bootstrap, String model, long since, long until)
            throws Exception {
        Map<String, PredictionEvent> predictions = new HashMap<>();
        Map<String, Boolean> labels = new HashMap<>();
        JsonEventDecoder events = new JsonEventDecoder(List.of(), 1 << 20);
        LabelParser labelParser = new LabelParser(1 << 16);
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        Map.of("bootstrap.servers", bootstrap, "enable.auto.commit", "false"),
                        new ByteArrayDeserializer(),
                        new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of(Topics.PREDICTIONS, Topics.LABELS)) {
                consumer.partitionsFor(topic)
                        .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (var r : consumer.poll(Duration.ofMillis(500))) {
                    try {
                        if (r.topic().equals(Topics.PREDICTIONS)) {
                            PredictionEvent e = events.parse(r.value());
                            if (e.modelName.equals(model)
                                    && e.timestamp >= since
                                    && e.timestamp < until) {
                                predictions.put(e.predictionId, e);
                            }
                        } else {
                            LabelEvent l = labelParser.parse(r.value());
                            if (l.modelName.equals(model)) {
                                labels.put(l.predictionId, "1".equals(l.label));
                            }
                        }
                    } catch (InvalidEventException ignored) {
                        // not ours to judge: the jobs dead-letter bad records
                    }
                }
            }
        }
        List<Example> out = new ArrayList<>();
        predictions.forEach(
                (id, e) -> {
                    Boolean y = labels.get(id);
                    if (y != null) {
                        out.add(new Example(e, y));
                    }
                });
        return out;
    }

    private static void tag(ArrayNode tags, String key, String value) {
        ObjectNode t = tags.addObject();
        t.put("key", key);
        t.put("value", value);
    }

    private static String env(TrainerVariable variable) {
        return env(variable.envName());
    }

    private static String env(String name) {
        String v = System.getenv(name);
        if (v == null || v.isBlank()) {
            System.err.println("missing environment variable " + name);
            System.exit(42);
        }
        return v;
    }
}
