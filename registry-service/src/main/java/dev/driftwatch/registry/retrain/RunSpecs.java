package dev.driftwatch.registry.retrain;

import dev.driftwatch.launcher.RegistryToken;
import dev.driftwatch.launcher.RunKind;
import dev.driftwatch.launcher.RunSpec;
import dev.driftwatch.launcher.TrainerVariable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The backend {@link RunSpec} of a run's training or validation part: the template the policy names
 * with its parameters, the data window, the registry URL and the part's own token trainers report
 * with, and the retraining loop's {@link TrainerVariable}s ({@code DRIFTWATCH_RETRAIN_RUN}, {@code
 * DRIFTWATCH_TRIGGER_ALERT}, ...).
 *
 * <pre>{@code
 * RunSpec spec = new RunSpecs(url).spec(run, templates, RunKind.TRAINING, token);  // rr-7-training
 * }</pre>
 */
final class RunSpecs {
    private final String registryUrl;

    RunSpecs(String registryUrl) {
        this.registryUrl = registryUrl;
    }

    /** The backend run id of a run's part: {@code rr-<id>-training}, {@code rr-<id>-validation}. */
    static String backendRunId(long runId, RunKind part) {
        return "rr-" + runId + "-" + part.wireName();
    }

    RunSpec spec(RetrainRun run, RetrainPolicy.RunTemplates templates, RunKind part, String token) {
        RetrainPolicy.RunTemplate t = templates.of(part);
        Map<String, String> env = new LinkedHashMap<>(t.env());
        env.put(TrainerVariable.RETRAIN_RUN.envName(), String.valueOf(run.id()));
        env.put(
                TrainerVariable.TRIGGER_ALERT.envName(),
                run.triggerFingerprint() == null ? "" : run.triggerFingerprint());
        env.put(
                TrainerVariable.CHAMPION_VERSION.envName(),
                run.championVersion() == null ? "" : String.valueOf(run.championVersion()));
        if (run.trainingRunId() != null) {
            env.put(TrainerVariable.TRAINING_RUN_ID.envName(), run.trainingRunId());
        }
        // training starts from the champion; validation judges the candidate
        Integer version = part == RunKind.TRAINING ? run.championVersion() : run.candidateVersion();
        return RunSpec.builder(backendRunId(run.id(), part), run.modelName(), part)
                .modelVersion(version == null ? "" : String.valueOf(version))
                .image(t.image())
                .command(t.command())
                .env(env)
                .registry(registryUrl, RegistryToken.of(token))
                .dataWindow(run.dataWindowStart().toInstant(), run.dataWindowEnd().toInstant())
                .gpus(t.gpus())
                .cpu(t.cpu())
                .memory(t.memory())
                .deadline(t.deadline())
                .backoffLimit(t.backoffLimit())
                .nodeSelector(t.nodeSelector())
                .queueName(t.queue())
                .build();
    }
}
