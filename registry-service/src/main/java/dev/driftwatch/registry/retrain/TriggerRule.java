package dev.driftwatch.registry.retrain;

import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * Whether a firing alert that a model's policy matches requests a run, from what the registry
 * knows; pure. In order: the same alert (fingerprint) requested a run within the dedup window →
 * {@code duplicate}; the model has an active run → {@code active_run}; the model's last run was
 * requested within the cooldown → {@code cooldown}; else {@code requested}.
 *
 * <pre>{@code
 * TriggerRule.Outcome o = TriggerRule.decide(policy, now, lastBySameAlert, hasActiveRun, lastRun);
 * }</pre>
 */
final class TriggerRule {
    /** What a matching firing alert did; recorded in {@code retrain_triggers.decision}. */
    enum Outcome {
        REQUESTED,
        DUPLICATE,
        ACTIVE_RUN,
        COOLDOWN;

        String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private TriggerRule() {}

    /**
     * @param lastRequestBySameAlert when this alert's fingerprint last requested a run of the model
     * @param activeRun whether the model has a run that is not final
     * @param lastRunRequested when the model's last run (by any cause) was requested
     */
    static Outcome decide(
            RetrainPolicy policy,
            Instant now,
            Optional<Instant> lastRequestBySameAlert,
            boolean activeRun,
            Optional<Instant> lastRunRequested) {
        if (lastRequestBySameAlert.isPresent()
                && !lastRequestBySameAlert.get().isBefore(now.minus(policy.dedupWindow()))) {
            return Outcome.DUPLICATE;
        }
        if (activeRun) {
            return Outcome.ACTIVE_RUN;
        }
        if (lastRunRequested.isPresent()
                && lastRunRequested.get().isAfter(now.minus(policy.cooldown()))) {
            return Outcome.COOLDOWN;
        }
        return Outcome.REQUESTED;
    }
}
