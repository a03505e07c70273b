package dev.driftwatch.registry.retrain;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.driftwatch.registry.retrain.TriggerRule.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which matching alert requests a run: dedup, then one active run, then cooldown. */
class TriggerRuleTest {
    static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");

    static RetrainPolicy policy() throws Exception {
        return RetrainPolicy.parse(
                new ObjectMapper()
                        .readTree(
                                """
                                {"triggers": [{"alertname": "FeatureDrift"}], "cooldown": "6h",
                                 "dedup_window": "24h", "training": {"template": "t"},
                                 "validation": {"template": "v"}}
                                """));
    }

    static Optional<Instant> ago(Duration d) {
        return Optional.of(NOW.minus(d));
    }

    @Test
    void aFirstAlertRequestsARun() throws Exception {
        assertThat(TriggerRule.decide(policy(), NOW, Optional.empty(), false, Optional.empty()))
                .isEqualTo(Outcome.REQUESTED);
    }

    @Test
    void theSameAlertWithinTheDedupWindowIsADuplicateEvenWithAnActiveRun() throws Exception {
        RetrainPolicy p = policy();
        assertThat(TriggerRule.decide(p, NOW, ago(Duration.ofHours(24)), true, Optional.empty()))
                .isEqualTo(Outcome.DUPLICATE);
        assertThat(
                        TriggerRule.decide(
                                p,
                                NOW,
                                ago(Duration.ofHours(24).plusSeconds(1)),
                                false,
                                Optional.empty()))
                .isEqualTo(Outcome.REQUESTED);
    }

    @Test
    void anActiveRunComesBeforeTheCooldown() throws Exception {
        assertThat(
                        TriggerRule.decide(
                                policy(), NOW, Optional.empty(), true, ago(Duration.ofMinutes(1))))
                .isEqualTo(Outcome.ACTIVE_RUN);
    }

    @Test
    void theCooldownCountsFromTheModelsLastRunWhateverCausedIt() throws Exception {
        RetrainPolicy p = policy();
        assertThat(TriggerRule.decide(p, NOW, Optional.empty(), false, ago(Duration.ofHours(5))))
                .isEqualTo(Outcome.COOLDOWN);
        assertThat(TriggerRule.decide(p, NOW, Optional.empty(), false, ago(Duration.ofHours(6))))
                .isEqualTo(Outcome.REQUESTED);
        assertThat(Outcome.ACTIVE_RUN.wireName()).isEqualTo("active_run");
    }
}
