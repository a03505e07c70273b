package dev.driftwatch.registry;

import dev.driftwatch.launcher.TrainerVariable;
import dev.driftwatch.testsupport.TestProfiles;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

/**
 * A trainer process for the retraining tests: it does what a real trainer does over the registry's
 * HTTP API (loopback only), with its outcome set by environment variables. {@code train}: registers
 * the candidate version (tags run_id, trigger_alert, dataset), its reference profile and reports
 * it; {@code validate}: reports holdout metrics of candidate and champion.
 *
 * <p>Knobs: {@code TRAINER_FAIL=1} (exit 3 after logging), {@code TRAINER_SLEEP_MS}, {@code
 * CANDIDATE_AUC}, {@code CHAMPION_AUC}, {@code LATENCY_MS}, {@code SEGMENT_GAP}.
 */
public final class TestTrainer {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private TestTrainer() {}

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
