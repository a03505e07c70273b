package dev.driftwatch.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.driftwatch.launcher.TrainerVariable;
import dev.driftwatch.registry.retrain.TrainingTemplate;
import dev.driftwatch.testsupport.TestProfiles;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A trainer process for the retraining tests: it does what a real trainer does over the registry's
 * HTTP API (loopback only), with its outcome set by environment variables. {@code train}: registers
 * the candidate version (tags run_id, trigger_alert, dataset), its reference profile and reports
 * it; {@code validate}: reports holdout metrics of candidate and champion.
 *
 * <p>Knobs: {@code TRAINER_FAIL=1} (exit 3 after logging), {@code TRAINER_SLEEP_MS}, {@code
 * CANDIDATE_AUC}, {@code CHAMPION_AUC}, {@code LATENCY_MS}, {@code SEGMENT_GAP}: the parameters of
 * its training templates ({@link #templates}), which a policy may set.
 */
public final class TestTrainer {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** The knobs, the template parameters a policy may set, with their defaults. */
    static final Map<String, String> KNOBS = new LinkedHashMap<>();

    static {
        KNOBS.put("TRAINER_FAIL", "0");
        KNOBS.put("TRAINER_SLEEP_MS", "0");
        KNOBS.put("CANDIDATE_AUC", "0.93");
        KNOBS.put("CHAMPION_AUC", "0.90");
        KNOBS.put("LATENCY_MS", "12");
        KNOBS.put("SEGMENT_GAP", "0.01");
    }

    private TestTrainer() {}

    /**
     * The test trainer's templates, as an admin configures them: {@code test-train} and {@code
     * test-validate} (no GPU, 2 min), {@code test-train-1gpu} and {@code test-train-2gpu} (1 h).
     */
    static List<TrainingTemplate> templates() {
        return List.of(
                template("test-train", "train", 0, Duration.ofMinutes(2)),
                template("test-train-1gpu", "train", 1, Duration.ofHours(1)),
                template("test-train-2gpu", "train", 2, Duration.ofHours(1)),
                template("test-validate", "validate", 0, Duration.ofMinutes(2)));
    }

    private static TrainingTemplate template(String name, String mode, int gpus, Duration limit) {
        TrainingTemplate.Builder b =
                TrainingTemplate.builder(name)
                        .image("ghcr.io/driftwatch/test-trainer:1")
                        .command(
                                List.of(
                                        ProcessHandle.current().info().command().orElse("java"),
                                        "-XX:TieredStopAtLevel=1",
                                        "-Xshare:auto",
                                        "-cp",
                                        System.getProperty("java.class.path"),
                                        TestTrainer.class.getName(),
                                        mode))
                        .gpus(gpus)
                        .deadline(limit);
        KNOBS.forEach((k, v) -> b.parameter(k, v, "[0-9.]{1,12}"));
        return b.build();
    }

    /** A policy's part: {@code {"template": ..., "parameters": {...}}}. */
    static ObjectNode choice(String template, Map<String, String> parameters) {
        ObjectNode c = ApiClient.JSON.createObjectNode().put("template", template);
        ObjectNode p = c.putObject("parameters");
        parameters.forEach(p::put);
        return c;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> env = System.getenv();
        String url = TrainerVariable.REGISTRY_URL.in(env);
        String token = TrainerVariable.REGISTRY_TOKEN.in(env);
        String model = TrainerVariable.MODEL_NAME.in(env);
        String run = TrainerVariable.RETRAIN_RUN.in(env);
        System.out.println("trainer " + args[0] + " of " + model + " for run " + run);
        long sleep = Long.parseLong(env.getOrDefault("TRAINER_SLEEP_MS", "0"));
        if (sleep > 0) {
            Thread.sleep(sleep);
        }
        if ("1".equals(env.get("TRAINER_FAIL"))) {
            System.err.println("epoch 3: loss exploded (nan), giving up");
            System.exit(3);
        }
        if (args[0].equals("train")) {
            String dataset =
                    TrainerVariable.DATA_WINDOW_START.in(env)
                            + "/"
                            + TrainerVariable.DATA_WINDOW_END.in(env);
            String created =
                    send(
                            url,
                            token,
                            "POST",
                            "/api/2.0/mlflow/model-versions/create",
                            "{\"name\": \""
                                    + model
                                    + "\", \"source\": \"file:///models/"
                                    + model
                                    + "/"
                                    + run
                                    + "\", \"run_id\": \""
                                    + TrainerVariable.RUN_ID.in(env)
                                    + "\", \"tags\": [{\"key\": \"run_id\", \"value\": \""
                                    + TrainerVariable.RUN_ID.in(env)
                                    + "\"}, {\"key\": \"trigger_alert\", \"value\": \""
                                    + TrainerVariable.TRIGGER_ALERT.in(env)
                                    + "\"}, {\"key\": \"dataset\", \"value\": \""
                                    + dataset
                                    + "\"}]}");
            String version = ApiClient.JSON.readTree(created).at("/model_version/version").asText();
            send(
                    url,
                    token,
                    "PUT",
                    "/api/v1/models/" + model + "/versions/" + version + "/reference-profile",
                    TestProfiles.json(model, version));
            send(
                    url,
                    token,
                    "POST",
                    "/api/v1/retrain-runs/" + run + "/candidate",
                    "{\"version\": \"" + version + "\", \"metrics\": {\"roc_auc\": 0.93}}");
            System.out.println("registered candidate version " + version);
        } else {
            double auc = Double.parseDouble(env.getOrDefault("CANDIDATE_AUC", "0.93"));
            double gap = Double.parseDouble(env.getOrDefault("SEGMENT_GAP", "0.01"));
            send(
                    url,
                    token,
                    "POST",
                    "/api/v1/retrain-runs/" + run + "/validation-metrics",
                    "{\"candidate\": {\"roc_auc\": "
                            + auc
                            + ", \"latency_p99_ms\": "
                            + env.getOrDefault("LATENCY_MS", "12")
                            + "}, \"champion\": {\"roc_auc\": "
                            + env.getOrDefault("CHAMPION_AUC", "0.90")
                            + "}, \"segments\": {\"roc_auc\": {\"eu\": "
                            + auc
                            + ", \"us\": "
                            + (auc - gap)
                            + "}}}");
            System.out.println("reported validation metrics");
        }
    }

    private static String send(String url, String token, String method, String path, String body)
            throws Exception {
        HttpResponse<String> r =
                HTTP.send(
                        HttpRequest.newBuilder(URI.create(url + path))
                                .header("Authorization", "Bearer " + token)
                                .header("Content-Type", "application/json")
                                .method(method, HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            System.err.println(
                    method + " " + path + " answered " + r.statusCode() + ": " + r.body());
            System.exit(RetrainExitCodes.NON_RETRYABLE);
        }
        return r.body();
    }

    /** Exit codes the trainer uses. */
    static final class RetrainExitCodes {
        static final int NON_RETRYABLE = 42;

        private RetrainExitCodes() {}
    }
}
