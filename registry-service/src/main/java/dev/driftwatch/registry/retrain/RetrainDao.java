package dev.driftwatch.registry.retrain;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.GetGeneratedKeys;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** SQL for the retrain tables. */
@RegisterConstructorMapper(RetrainRun.class)
@RegisterConstructorMapper(Transition.class)
@RegisterConstructorMapper(GateResult.class)
@RegisterConstructorMapper(TriggerDecision.class)
public interface RetrainDao {
    String RUN_COLUMNS =
            "id, model_name, state, trigger_alert_id, trigger_fingerprint, requested_by,"
                    + " champion_version, candidate_version, data_window_start, data_window_end,"
                    + " backend, training_run_id, validation_run_id, gpu_hours, waiting_reason,"
                    + " failure_reason, log_tail, training_metrics::text AS training_metrics,"
                    + " validation_metrics::text AS validation_metrics, created_at, updated_at,"
                    + " launched_at, finished_at";

    String FINAL = "('rejected', 'promoted', 'failed', 'cancelled')";

    // ---- policies ----

    @SqlUpdate(
            "INSERT INTO retrain_policies (model_name, spec, updated_at) VALUES (:model,"
                    + " CAST(:spec AS jsonb), :now) ON CONFLICT (model_name) DO UPDATE SET spec ="
                    + " EXCLUDED.spec, updated_at = EXCLUDED.updated_at")
    void upsertPolicy(
            @Bind("model") String model,
            @Bind("spec") String spec,
            @Bind("now") OffsetDateTime now);

    @SqlQuery("SELECT spec::text FROM retrain_policies WHERE model_name = :model")
    Optional<String> policy(@Bind("model") String model);

    /** Locks the policy row: serialises run requests of one model. */
    @SqlQuery("SELECT spec::text FROM retrain_policies WHERE model_name = :model FOR UPDATE")
    Optional<String> lockPolicy(@Bind("model") String model);

    @SqlUpdate("DELETE FROM retrain_policies WHERE model_name = :model")
    int deletePolicy(@Bind("model") String model);

    // ---- runs ----

    @SqlUpdate(
            "INSERT INTO retrain_runs (model_name, state, trigger_alert_id, trigger_fingerprint,"
                    + " requested_by, champion_version, data_window_start, data_window_end,"
                    + " created_at, updated_at) VALUES (:model, 'requested', :alertId,"
                    + " :fingerprint, :requestedBy, :champion, :windowStart, :windowEnd, :now,"
                    + " :now)")
    @GetGeneratedKeys("id")
    long insertRun(
            @Bind("model") String model,
            @Bind("alertId") Long alertId,
            @Bind("fingerprint") String fingerprint,
            @Bind("requestedBy") String requestedBy,
            @Bind("champion") Integer championVersion,
            @Bind("windowStart") OffsetDateTime windowStart,
            @Bind("windowEnd") OffsetDateTime windowEnd,
            @Bind("now") OffsetDateTime now);

    @SqlQuery("SELECT " + RUN_COLUMNS + " FROM retrain_runs WHERE id = :id")
    Optional<RetrainRun> run(@Bind("id") long id);

    @SqlQuery("SELECT " + RUN_COLUMNS + " FROM retrain_runs WHERE id = :id FOR UPDATE")
    Optional<RetrainRun> lockRun(@Bind("id") long id);

    @SqlQuery(
            "SELECT "
                    + RUN_COLUMNS
                    + " FROM retrain_runs WHERE state NOT IN "
                    + FINAL
                    + " ORDER BY id")
    List<RetrainRun> active();

    @SqlQuery(
            "SELECT "
                    + RUN_COLUMNS
                    + " FROM retrain_runs WHERE model_name = :model AND state NOT IN "
                    + FINAL)
    Optional<RetrainRun> activeFor(@Bind("model") String model);

    @SqlQuery("SELECT max(created_at) FROM retrain_runs WHERE model_name = :model")
    Optional<OffsetDateTime> lastRequestedAt(@Bind("model") String model);

    @SqlQuery(
            "SELECT "
                    + RUN_COLUMNS
                    + " FROM retrain_runs WHERE (:model = '' OR model_name = :model) AND (:state ="
                    + " '' OR state = :state) ORDER BY id DESC LIMIT :limit")
    List<RetrainRun> list(
            @Bind("model") String model, @Bind("state") String state, @Bind("limit") int limit);

    /** Moves the run only if it is still in {@code from}; returns 0 when it was not. */
    @SqlUpdate(
            "UPDATE retrain_runs SET state = :to, updated_at = :now, waiting_reason = NULL,"
                    + " finished_at = CASE WHEN :to IN "
                    + FINAL
                    + " THEN :now ELSE finished_at END WHERE id = :id AND state = :from")
    int moveState(
            @Bind("id") long id,
            @Bind("from") String from,
            @Bind("to") String to,
            @Bind("now") OffsetDateTime now);

    @SqlUpdate(
            "UPDATE retrain_runs SET waiting_reason = :reason, updated_at = :now WHERE id = :id"
                    + " AND waiting_reason IS DISTINCT FROM :reason")
    int setWaitingReason(
            @Bind("id") long id, @Bind("reason") String reason, @Bind("now") OffsetDateTime now);

    @SqlUpdate(
            "UPDATE retrain_runs SET backend = :backend, training_run_id = :runId, gpu_hours ="
                    + " :gpuHours, launched_at = :now WHERE id = :id")
    void setTrainingLaunched(
            @Bind("id") long id,
            @Bind("backend") String backend,
            @Bind("runId") String runId,
            @Bind("gpuHours") double gpuHours,
            @Bind("now") OffsetDateTime now);

    @SqlUpdate("UPDATE retrain_runs SET validation_run_id = :runId WHERE id = :id")
    void setValidationRunId(@Bind("id") long id, @Bind("runId") String runId);

    @SqlUpdate(
            "UPDATE retrain_runs SET candidate_version = :version, training_metrics ="
                    + " CAST(:metrics AS jsonb), updated_at = :now WHERE id = :id")
    void setCandidate(
            @Bind("id") long id,
            @Bind("version") int version,
            @Bind("metrics") String metrics,
            @Bind("now") OffsetDateTime now);

    @SqlUpdate(
            "UPDATE retrain_runs SET validation_metrics = CAST(:metrics AS jsonb), updated_at ="
                    + " :now WHERE id = :id")
    void setValidationMetrics(
            @Bind("id") long id, @Bind("metrics") String metrics, @Bind("now") OffsetDateTime now);

    @SqlUpdate(
            "UPDATE retrain_runs SET failure_reason = :reason, log_tail = :logTail WHERE id = :id")
    void setFailure(
            @Bind("id") long id, @Bind("reason") String reason, @Bind("logTail") String logTail);

    @SqlUpdate("UPDATE retrain_runs SET gpu_hours = :gpuHours WHERE id = :id")
    void setGpuHours(@Bind("id") long id, @Bind("gpuHours") double gpuHours);

    /** GPU-hours charged to runs of the model launched since {@code since}. */
    @SqlQuery(
            "SELECT coalesce(sum(gpu_hours), 0) FROM retrain_runs WHERE model_name = :model AND"
                    + " launched_at >= :since")
    double gpuHoursSince(@Bind("model") String model, @Bind("since") OffsetDateTime since);

    // ---- transitions ----

    @SqlUpdate(
            "INSERT INTO retrain_transitions (run_id, from_state, to_state, at, cause, detail)"
                    + " VALUES (:runId, :from, :to, :at, :cause, :detail)")
    void insertTransition(
            @Bind("runId") long runId,
            @Bind("from") String from,
            @Bind("to") String to,
            @Bind("at") OffsetDateTime at,
            @Bind("cause") String cause,
            @Bind("detail") String detail);

    @SqlQuery(
            "SELECT id, run_id, from_state, to_state, at, cause, detail FROM retrain_transitions"
                    + " WHERE run_id = :runId ORDER BY id")
    List<Transition> transitions(@Bind("runId") long runId);

    // ---- gates ----

    @SqlUpdate(
            "INSERT INTO retrain_gate_results (run_id, gate, metric, passed, observed, threshold,"
                    + " champion_value, detail, evaluated_at) VALUES (:runId, :gate, :metric,"
                    + " :passed, :observed, :threshold, :champion, :detail, :at) ON CONFLICT"
                    + " (run_id, gate, metric) DO UPDATE SET passed = EXCLUDED.passed, observed ="
                    + " EXCLUDED.observed, threshold = EXCLUDED.threshold, champion_value ="
                    + " EXCLUDED.champion_value, detail = EXCLUDED.detail, evaluated_at ="
                    + " EXCLUDED.evaluated_at")
    void upsertGate(
            @Bind("runId") long runId,
            @Bind("gate") String gate,
            @Bind("metric") String metric,
            @Bind("passed") boolean passed,
            @Bind("observed") Double observed,
            @Bind("threshold") Double threshold,
            @Bind("champion") Double champion,
            @Bind("detail") String detail,
            @Bind("at") OffsetDateTime at);

    @SqlQuery(
            "SELECT gate, metric, passed, observed, threshold, champion_value, detail FROM"
                    + " retrain_gate_results WHERE run_id = :runId ORDER BY gate, metric")
    List<GateResult> gates(@Bind("runId") long runId);

    // ---- trigger decisions ----

    @SqlUpdate(
            "INSERT INTO retrain_triggers (alert_id, fingerprint, model_name, decision, run_id,"
                    + " decided_at) VALUES (:alertId, :fingerprint, :model, :decision, :runId,"
                    + " :now)")
    void insertTrigger(
            @Bind("alertId") long alertId,
            @Bind("fingerprint") String fingerprint,
            @Bind("model") String model,
            @Bind("decision") String decision,
            @Bind("runId") Long runId,
            @Bind("now") OffsetDateTime now);

    /** Whether this fingerprint requested a run of the model since {@code since}. */
    @SqlQuery(
            "SELECT EXISTS (SELECT 1 FROM retrain_triggers WHERE fingerprint = :fingerprint AND"
                    + " model_name = :model AND decision = 'requested' AND decided_at >= :since)")
    boolean requestedSince(
            @Bind("fingerprint") String fingerprint,
            @Bind("model") String model,
            @Bind("since") OffsetDateTime since);

    @SqlQuery(
            "SELECT id, alert_id, fingerprint, model_name, decision, run_id, decided_at FROM"
                    + " retrain_triggers WHERE (:model = '' OR model_name = :model) ORDER BY id"
                    + " DESC LIMIT :limit")
    List<TriggerDecision> triggers(@Bind("model") String model, @Bind("limit") int limit);
}
