package dev.driftwatch.registry.retrain;

import dev.driftwatch.launcher.TrainingBackend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How the registry runs retraining: the training backend (null: runs are recorded but wait with the
 * reason "no training backend"), the URL trainers report to, how often active runs are looked at,
 * and the training templates of the configuration (set by whoever starts the registry, so an admin:
 * they cannot be changed through the API). Each run's trainer gets a token of its own, valid only
 * for reporting that run.
 *
 * <pre>{@code
 * RetrainSettings s = RetrainSettings.with(new LocalProcessBackend(Path.of("data/runs")))
 *         .withTemplates(List.of(TrainingTemplate.builder("fraud-train")
 *                 .command(List.of("python", "-m", "train")).build()));
 * RetrainSettings k8s = RetrainSettings.with(new KubernetesJobBackend(client, "ml"))
 *         .withTrainerRegistryUrl("http://registry.driftwatch:8080");
 * }</pre>
 *
 * @param backend where runs execute, or null
 * @param trainerRegistryUrl the registry URL given to trainers; null: the server's own URL
 * @param pollInterval how often active runs are stepped
 * @param templates training templates from configuration
 */
public record RetrainSettings(
        TrainingBackend backend,
        String trainerRegistryUrl,
        Duration pollInterval,
        List<TrainingTemplate> templates) {

    public RetrainSettings {
        templates = List.copyOf(templates);
    }

    /** No backend: policies and runs are recorded, nothing is launched. */
    public static RetrainSettings disabled() {
        return new RetrainSettings(null, null, Duration.ofSeconds(2), List.of());
    }

    public static RetrainSettings with(TrainingBackend backend) {
        return new RetrainSettings(backend, null, Duration.ofSeconds(2), List.of());
    }

    /** Trainers report to {@code registryUrl} (e.g. the registry's Service on a cluster). */
    public RetrainSettings withTrainerRegistryUrl(String registryUrl) {
        return new RetrainSettings(backend, registryUrl, pollInterval, templates);
    }

    public RetrainSettings withPollInterval(Duration interval) {
        return new RetrainSettings(backend, trainerRegistryUrl, interval, templates);
    }

    /** Adds training templates to the configuration (policies name them). */
    public RetrainSettings withTemplates(List<TrainingTemplate> more) {
        List<TrainingTemplate> all = new ArrayList<>(templates);
        all.addAll(more);
        return new RetrainSettings(backend, trainerRegistryUrl, pollInterval, all);
    }
}
