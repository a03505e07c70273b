package dev.driftwatch.launcher;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One training or validation run: what to run (image, command, environment), on what (GPUs, CPU,
 * memory, node selector, Kueue queue), for how long (deadline, retries) and on which data window.
 * Build it with {@link #builder(String, String, RunKind)}.
 *
 * <pre>{@code
 * RunSpec spec = RunSpec.builder("rr-7-training", "fraud", RunKind.TRAINING)
 *         .image("ghcr.io/acme/fraud-trainer:1.4")
 *         .command(List.of("python", "-m", "train"))
 *         .registry("http://registry:8080", RegistryToken.fromSecret("driftwatch-trainer", "token"))
 *         .dataWindow(Instant.parse("2026-11-19T00:00:00Z"), Instant.parse("2026-11-26T00:00:00Z"))
 *         .gpus(1).deadline(Duration.ofHours(2))
 *         .build();
 * }</pre>
 *
 * @param runId unique id of the run; the Kubernetes Job's name is derived from it
 * @param modelName the model trained or validated
 * @param modelVersion the version this run concerns (the candidate for validation), may be empty
 * @param kind training or validation
 * @param image container image (ignored by the local backend)
 * @param command the command and its arguments
 * @param env extra environment variables (the registry adds its {@link TrainerVariable}s here);
 *     names {@link TrainerEnvironment#refusal refused} (LD_*, PATH, ...) or set by the launcher are
 *     a {@link LaunchException}
 * @param registryUrl where the trainer reports back
 * @param registryToken the trainer's registry token, or null
 * @param dataWindowStart start of the data window (inclusive), or null
 * @param dataWindowEnd end of the data window (exclusive), or null
 * @param gpus {@code nvidia.com/gpu} limit (0: none, and no GPU toleration)
 * @param cpu CPU request and limit (Kubernetes quantity), or null
 * @param memory memory request and limit (Kubernetes quantity), or null
 * @param deadline the longest the run may take ({@code activeDeadlineSeconds}); then it fails with
 *     reason {@code DeadlineExceeded}
 * @param backoffLimit retries after a failed attempt (not after the reserved exit code)
 * @param ttlAfterFinished how long a finished Job is kept before Kubernetes deletes it
 * @param nodeSelector node labels a pod must match
 * @param queueName Kueue {@code LocalQueue} name, or null to not use Kueue
 */
public record RunSpec(
        String runId,
        String modelName,
        String modelVersion,
        RunKind kind,
        String image,
        List<String> command,
        Map<String, String> env,
        String registryUrl,
        RegistryToken registryToken,
        Instant dataWindowStart,
        Instant dataWindowEnd,
        int gpus,
        String cpu,
        String memory,
        Duration deadline,
        int backoffLimit,
        Duration ttlAfterFinished,
        Map<String, String> nodeSelector,
        String queueName) {

    /**
     * The exit code a trainer uses for "retrying cannot help" (bad configuration, no data): the
     * Job's pod failure policy fails the Job at once, and the local backend does not retry.
     */
    public static final int NON_RETRYABLE_EXIT_CODE = 42;

    private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    public RunSpec {
        if (runId == null || !RUN_ID.matcher(runId).matches()) {
            throw new LaunchException(
                    "run id must be 1-100 letters, digits, '.', '_' or '-', starting with a letter"
                            + " or digit; was "
                            + runId);
        }
        if (modelName == null || modelName.isBlank()) {
            throw new LaunchException("run " + runId + ": the model name is required");
        }
        if (command == null || command.isEmpty()) {
            throw new LaunchException("run " + runId + ": the command is required");
        }
        if (deadline == null || deadline.isNegative() || deadline.isZero()) {
            throw new LaunchException("run " + runId + ": the deadline must be positive");
        }
        if (gpus < 0 || backoffLimit < 0) {
            throw new LaunchException("run " + runId + ": gpus and backoffLimit must be >= 0");
        }
        modelVersion = modelVersion == null ? "" : modelVersion;
        command = List.copyOf(command);
        env = Map.copyOf(env);
        for (Map.Entry<String, String> e : env.entrySet()) {
            String refused =
                    TrainerEnvironment.refusal(e.getKey())
                            .or(() -> launcherSet(e.getKey()))
                            .or(() -> TrainerEnvironment.valueRefusal(e.getValue()))
                            .orElse(null);
            if (refused != null) {
                throw new LaunchException(
                        "run " + runId + ": environment variable " + e.getKey() + " " + refused);
            }
        }
        for (String arg : command) {
            if (arg == null || arg.indexOf('\0') >= 0) {
                throw new LaunchException(
                        "run " + runId + ": a command argument is missing or contains NUL");
            }
        }
        nodeSelector = Map.copyOf(nodeSelector);
    }

    private static java.util.Optional<String> launcherSet(String name) {
        for (TrainerVariable v : TrainerVariable.values()) {
            if (v.setByLauncher() && v.envName().equals(name)) {
                return java.util.Optional.of("is set by the launcher from the run spec");
            }
        }
        return java.util.Optional.empty();
    }

    public static Builder builder(String runId, String modelName, RunKind kind) {
        return new Builder(runId, modelName, kind);
    }

    /**
     * The environment of the run without the token: the {@link TrainerVariable}s the launcher sets
     * (run id, kind, model, registry URL, data window) followed by {@link #env()}.
     */
    public Map<String, String> environment() {
        Map<String, String> out = new LinkedHashMap<>();
        out.put(TrainerVariable.RUN_ID.envName(), runId);
        out.put(TrainerVariable.RUN_KIND.envName(), kind.wireName());
        out.put(TrainerVariable.MODEL_NAME.envName(), modelName);
        out.put(TrainerVariable.MODEL_VERSION.envName(), modelVersion);
        if (registryUrl != null) {
            out.put(TrainerVariable.REGISTRY_URL.envName(), registryUrl);
        }
        if (dataWindowStart != null) {
            out.put(TrainerVariable.DATA_WINDOW_START.envName(), dataWindowStart.toString());
        }
        if (dataWindowEnd != null) {
            out.put(TrainerVariable.DATA_WINDOW_END.envName(), dataWindowEnd.toString());
        }
        out.putAll(env);
        return out;
    }

    /**
     * Builds a {@link RunSpec}; defaults: no GPU, 1 h deadline, no retry, finished Jobs kept 1 day.
     */
    public static final class Builder {
        private final String runId;
        private final String modelName;
        private final RunKind kind;
        private String modelVersion = "";
        private String image = "";
        private List<String> command = List.of();
        private Map<String, String> env = Map.of();
        private String registryUrl;
        private RegistryToken registryToken;
        private Instant dataWindowStart;
        private Instant dataWindowEnd;
        private int gpus;
        private String cpu;
        private String memory;
        private Duration deadline = Duration.ofHours(1);
        private int backoffLimit;
        private Duration ttlAfterFinished = Duration.ofDays(1);
        private Map<String, String> nodeSelector = Map.of();
        private String queueName;

        private Builder(String runId, String modelName, RunKind kind) {
            this.runId = runId;
            this.modelName = modelName;
            this.kind = kind;
        }

        public Builder modelVersion(String v) {
            this.modelVersion = v;
            return this;
        }

        public Builder image(String v) {
            this.image = v;
            return this;
        }

        public Builder command(List<String> v) {
            this.command = v;
            return this;
        }

        public Builder env(Map<String, String> v) {
            this.env = v;
            return this;
        }

        public Builder registry(String url, RegistryToken token) {
            this.registryUrl = url;
            this.registryToken = token;
            return this;
        }

        public Builder dataWindow(Instant start, Instant end) {
            this.dataWindowStart = start;
            this.dataWindowEnd = end;
            return this;
        }

        public Builder gpus(int v) {
            this.gpus = v;
            return this;
        }

        public Builder cpu(String v) {
            this.cpu = v;
            return this;
        }

        public Builder memory(String v) {
            this.memory = v;
            return this;
        }

        public Builder deadline(Duration v) {
            this.deadline = v;
            return this;
        }

        public Builder backoffLimit(int v) {
            this.backoffLimit = v;
            return this;
        }

        public Builder ttlAfterFinished(Duration v) {
            this.ttlAfterFinished = v;
            return this;
        }

        public Builder nodeSelector(Map<String, String> v) {
            this.nodeSelector = v;
            return this;
        }

        public Builder queueName(String v) {
            this.queueName = v;
            return this;
        }

        public RunSpec build() {
            return new RunSpec(
                    runId,
                    modelName,
                    modelVersion,
                    kind,
                    image,
                    command,
                    env,
                    registryUrl,
                    registryToken,
                    dataWindowStart,
                    dataWindowEnd,
                    gpus,
                    cpu,
                    memory,
                    deadline,
                    backoffLimit,
                    ttlAfterFinished,
                    nodeSelector,
                    queueName);
        }
    }
}
