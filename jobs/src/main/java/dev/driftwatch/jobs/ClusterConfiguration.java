package dev.driftwatch.jobs;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Flink configuration every cluster that runs the jobs uses, in one place: the local cluster
 * mode of {@code driftwatch up --task-managers N} writes it into its {@code config.yaml}, and a
 * test checks that the {@code FlinkDeployment}s in {@code deploy/base} set the same keys to the
 * same values. It also names the jobs' entry classes and the maximum parallelism.
 *
 * <p>The checkpoint interval is not here: each job sets it from its {@code --checkpoint-interval}
 * option. Paths (checkpoint, savepoint directories) differ per site and are not here either.
 */
public final class ClusterConfiguration {
    private ClusterConfiguration() {}

    /**
     * The number of key groups of every keyed state: the highest parallelism a job can be rescaled
     * to from its checkpoints and savepoints. Fixed, because a savepoint taken with one maximum
     * parallelism cannot be restored with another; 128 is also what Flink chooses by default for a
     * parallelism up to 85, so checkpoints of earlier runs keep restoring.
     */
    public static final int MAX_PARALLELISM = 128;

    /** The drift job's entry class (program arguments: the job options). */
    public static final String DRIFT_ENTRY_CLASS = DriftJobMain.class.getName();

    /** The performance job's entry class (program arguments: the job options). */
    public static final String PERFORMANCE_ENTRY_CLASS = PerformanceJobMain.class.getName();

    /**
     * The settings; the restart strategy backs off from 1 s doubling to 1 min, and back to 1 s
     * after 10 quiet minutes.
     */
    private static final Map<String, String> SETTINGS = new LinkedHashMap<>();

    static {
        // keyed state (windows, label joins, alert state) in RocksDB, checkpointed incrementally
        SETTINGS.put("state.backend.type", "rocksdb");
        SETTINGS.put("execution.checkpointing.incremental", "true");
        SETTINGS.put("execution.checkpointing.mode", "EXACTLY_ONCE");
        SETTINGS.put("execution.checkpointing.num-retained", "3");
        // a cancelled job keeps its latest checkpoint: the next start resumes from it
        SETTINGS.put(
                "execution.checkpointing.externalized-checkpoint-retention",
                "RETAIN_ON_CANCELLATION");
        SETTINGS.put("restart-strategy.type", "exponential-delay");
        SETTINGS.put("restart-strategy.exponential-delay.initial-backoff", "1s");
        SETTINGS.put("restart-strategy.exponential-delay.max-backoff", "1min");
        SETTINGS.put("restart-strategy.exponential-delay.backoff-multiplier", "2.0");
        SETTINGS.put("restart-strategy.exponential-delay.reset-backoff-threshold", "10min");
        SETTINGS.put("restart-strategy.exponential-delay.jitter-factor", "0.1");
        SETTINGS.put("pipeline.max-parallelism", Integer.toString(MAX_PARALLELISM));
        // every operator must carry its own uid (state is restored by it): a job graph with an
        // operator without one is refused instead of getting a generated uid that a change of the
        // pipeline would move
        SETTINGS.put("pipeline.auto-generate-uids", "false");
    }

    /** The keys and values every cluster sets, in a stable order. */
    public static Map<String, String> flinkConfiguration() {
        return Collections.unmodifiableMap(SETTINGS);
    }
}
