package dev.driftwatch.registry.retrain;

import dev.driftwatch.launcher.RegistryToken;
import dev.driftwatch.launcher.TrainingBackend;
import java.time.Duration;

/**
 * How the registry runs retraining: the training backend (null: runs are recorded but wait with the
 * reason "no training backend"), the URL and token trainers use to report back, and how often
 * active runs are looked at.
 *
 * <pre>{@code
 * RetrainSettings s = RetrainSettings.with(new LocalProcessBackend(Path.of("data/runs")));
 * RetrainSettings k8s = RetrainSettings.with(new KubernetesJobBackend(client, "ml"))
 *         .withTrainerAccess("http://registry.driftwatch:8080",
 *                 RegistryToken.fromSecret("driftwatch-trainer", "token"));
 * }</pre>
 *
 * @param backend where runs execute, or null
 * @param trainerRegistryUrl the registry URL given to trainers; null: the server's own URL
 * @param trainerToken the token given to trainers; null: the registry issues an operator token
 *     named {@value Retraining#TRAINER_TOKEN_NAME} at start (fine for local processes)
 * @param pollInterval how often active runs are stepped
 */
public record RetrainSettings(
        TrainingBackend backend,
        String trainerRegistryUrl,
        RegistryToken trainerToken,
        Duration pollInterval) {

    /** No backend: policies and runs are recorded, nothing is launched. */
    public static RetrainSettings disabled() {
        return new RetrainSettings(null, null, null, Duration.ofSeconds(2));
    }

    public static RetrainSettings with(TrainingBackend backend) {
        return new RetrainSettings(backend, null, null, Duration.ofSeconds(2));
    }

    public RetrainSettings withTrainerAccess(String registryUrl, RegistryToken token) {
        return new RetrainSettings(backend, registryUrl, token, pollInterval);
    }

    public RetrainSettings withPollInterval(Duration interval) {
        return new RetrainSettings(backend, trainerRegistryUrl, trainerToken, interval);
    }
}
