package dev.driftwatch.registry.retrain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.driftwatch.launcher.TrainerVariable;
import dev.driftwatch.registry.JsonFields;
import dev.driftwatch.registry.RegistryException;
import dev.driftwatch.registry.model.ModelRegistry;
import dev.driftwatch.registry.model.ModelVersion;
import dev.driftwatch.registry.model.Tag;
import java.util.Map;
import java.util.Set;

/**
 * What trainers report about their run, read strictly (unknown or misplaced fields are refused with
 * their path): the training run's candidate ({@code {"version", "metrics"}}) and the validation
 * run's {@link ValidationReport}.
 *
 * <pre>{@code
 * reports.candidate(7, body);            // {"version": "8", "metrics": {"roc_auc": 0.93}}
 * reports.validation(7, body);           // {"candidate": {...}, "champion": {...}, "segments": {...}}
 * }</pre>
 */
public final class TrainerReports {
    /** The alias a reported candidate gets. */
    public static final String CHALLENGER = "challenger";

    private static final Set<String> CANDIDATE_FIELDS = Set.of("version", "metrics");

    private final RetrainRuns runs;
    private final RetrainPolicies policies;
    private final ModelRegistry registry;
    private final Runnable reported;

    /** {@code reported} is called after a report was stored (wakes the loop). */
    TrainerReports(
            RetrainRuns runs, RetrainPolicies policies, ModelRegistry registry, Runnable reported) {
        this.runs = runs;
        this.policies = policies;
        this.registry = registry;
        this.reported = reported;
    }

    /**
     * The trainer registered a version (tagged {@code run_id} = its {@code DRIFTWATCH_RUN_ID}) with
     * its training metrics: it becomes the run's candidate and gets alias {@value #CHALLENGER}.
     *
     * @throws RunStateConflict unless the run is launched or training
     */
    public RetrainRun candidate(long id, JsonNode body) {
        JsonFields b = JsonFields.of(body, "", CANDIDATE_FIELDS);
        String version = b.text("version");
        Map<String, Double> metrics = b.numbers("metrics");
        RetrainRun run = runs.get(id);
        RetrainRuns.requireIn(
                run, RetrainRuns.CANDIDATE_STATES, "a candidate is reported while training");
        ModelVersion v = registry.getVersion(run.modelName(), version);
        String tag =
                v.tags().stream()
                        .filter(t -> t.key().equals("run_id"))
                        .map(Tag::value)
                        .findFirst()
                        .orElse("");
        if (!tag.equals(run.trainingRunId())) {
            throw RegistryException.invalid(
                    "Version "
                            + version
                            + " of "
                            + run.modelName()
                            + " has tag run_id='"
                            + tag
                            + "'; the candidate of run "
                            + id
                            + " must be tagged run_id='"
                            + run.trainingRunId()
                            + "' (its "
                            + TrainerVariable.RUN_ID.envName()
                            + ").");
        }
        registry.setAlias(run.modelName(), CHALLENGER, version);
        ObjectNode m = JsonNodeFactory.instance.objectNode();
        metrics.forEach(m::put);
        runs.candidate(id, v.row().version(), m.toString());
        return runs.get(id);
    }

    /**
     * The validation run's report. When the run has a champion, each {@code min_vs_champion} gate's
     * metric must be reported for the champion too: a missing value would pass the gate unseen.
     *
     * @throws RunStateConflict unless the run is validating
     */
    public RetrainRun validation(long id, JsonNode body) {
        ValidationReport report = ValidationReport.parse(body);
        RetrainRun run = runs.get(id);
        RetrainRuns.requireIn(
                run,
                Set.of(RunState.VALIDATING),
                "validation metrics are reported while validating");
        if (run.championVersion() != null) {
            policies
                    .find(run.modelName())
                    .map(RetrainPolicy::gates)
                    .orElse(java.util.List.of())
                    .stream()
                    .filter(ValidationGate::needsChampion)
                    .map(ValidationGate::metric)
                    .filter(metric -> !report.champion().containsKey(metric))
                    .findFirst()
                    .ifPresent(
                            metric -> {
                                throw RegistryException.invalid(
                                        "'champion."
                                                + metric
                                                + "' is missing: run "
                                                + id
                                                + " has champion version "
                                                + run.championVersion()
                                                + " and gate min_vs_champion compares "
                                                + metric
                                                + " with it");
                            });
        }
        runs.validationMetrics(id, report.toJson().toString());
        reported.run();
        return runs.get(id);
    }
}
