package dev.driftwatch.registry.retrain;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.GetGeneratedKeys;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/**
 * SQL for the retrain tables. Only {@link RetrainRuns} (runs, transitions, gates), {@link
 * RetrainPolicies} (policies) and {@link RunRequests} (trigger decisions) use it.
 */
@RegisterConstructorMapper(RetrainRun.class)
@RegisterConstructorMapper(Transition.class)
@RegisterConstructorMapper(GateResult.class)
@RegisterConstructorMapper(TriggerDecision.class)
interface RetrainDao {
    String RUN_COLUMNS =
            """
            id, model_name, state, trigger_alert_id, trigger_fingerprint, requested_by,
            champion_version, candidate_version, data_window_start, data_window_end, backend,
            training_run_id, validation_run_id, gpu_hours, training_gpu_hours,
            validation_gpu_hours, waiting_reason, failure_reason, log_tail,
            training_metrics::text AS training_metrics,
            validation_metrics::text AS validation_metrics, created_at, updated_at, launched_at,
            finished_at
            """;

    /** The final states ({@link RunState#isFinal()}; a test keeps the two equal). */
    String FINAL = "('rejected', 'promoted', 'failed', 'cancelled')";

    // ---- policies ----

    @SqlUpdate(
            """
            INSERT INTO retrain_policies (model_name, spec, updated_at)
            VALUES (:model, CAST(:spec AS jsonb), :now)
            ON CONFLICT (model_name) DO UPDATE SET spec = EXCLUDED.spec,
                updated_at = EXCLUDED.updated_at
            """)
    void upsertPolicy(String model, String spec, OffsetDateTime now);

    @SqlQuery("SELECT spec::text FROM retrain_policies WHERE model_name = :model")
    Optional<String> policy(String model);

    /** Locks the policy row: serialises run requests of one model. */
    @SqlQuery("SELECT spec::text FROM retrain_policies WHERE model_name = :model FOR UPDATE")
    Optional<String> lockPolicy(String model);

    @SqlUpdate("DELETE FROM retrain_policies WHERE model_name = :model")
    int deletePolicy(String model);

    // ---- runs ----

    @SqlUpdate(
            """
            INSERT INTO retrain_runs (model_name, state, trigger_alert_id, trigger_fingerprint,
                requested_by, champion_version, data_window_start, data_window_end, created_at,
                updated_at)
            VALUES (:modelName, 'requested', :triggerAlertId, :triggerFingerprint, :requestedBy,
                :championVersion, :dataWindowStart, :dataWindowEnd, :createdAt, :createdAt)
            """)
    @GetGeneratedKeys("id")
    long insertRun(@BindMethods RetrainRun run);

    @SqlQuery("SELECT " + RUN_COLUMNS + " FROM retrain_runs WHERE id = :id")
    Optional<RetrainRun> run(long id);

    @SqlQuery("SELECT " + RUN_COLUMNS + " FROM retrain_runs WHERE id = :id FOR UPDATE")
    Optional<RetrainRun> lockRun(long id);

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
    Optional<RetrainRun> activeFor(String model);

    @SqlQuery("SELECT max(created_at) FROM retrain_runs WHERE model_name = :model")
    Optional<OffsetDateTime> lastRequestedAt(String model);

    @SqlQuery(
            "SELECT "
                    + RUN_COLUMNS
                    + """
                     FROM retrain_runs
                    WHERE (:model = '' OR model_name = :model) AND (:state = '' OR state = :state)
                    ORDER BY id DESC LIMIT :limit
                    """)
    List<RetrainRun> list(String model, String state, int limit);

    /**
     * Moves the run only if it is still in {@code from}; returns 0 when it was not. Entering a
     * final state releases what was reserved for a part that never launched.
     */
    @SqlUpdate(
            "UPDATE retrain_runs SET state = :to, updated_at = :now, waiting_reason = NULL,"
                    + " finished_at = CASE WHEN :to IN "
                    + FINAL
                    + " THEN :now ELSE finished_at END,"
                    + " training_gpu_hours = CASE WHEN :to IN "
                    + FINAL
                    + " AND training_run_id IS NULL THEN 0 ELSE training_gpu_hours END,"
                    + " validation_gpu_hours = CASE WHEN :to IN "
                    + FINAL
                    + " AND validation_run_id IS NULL THEN 0 ELSE validation_gpu_hours END,"
                    + " gpu_hours = CASE WHEN :to IN "
                    + FINAL
                    + """
                     THEN (CASE WHEN training_run_id IS NULL THEN 0
                               ELSE coalesce(training_gpu_hours, 0) END)
                          + (CASE WHEN validation_run_id IS NULL THEN 0
                                  ELSE coalesce(validation_gpu_hours, 0) END)
                     ELSE gpu_hours END
                    WHERE id = :id AND state = :from
                    """)
    int moveState(long id, String from, String to, OffsetDateTime now);

    @SqlUpdate(
            """
            UPDATE retrain_runs SET waiting_reason = :reason, updated_at = :now
            WHERE id = :id AND waiting_reason IS DISTINCT FROM :reason
            """)
    int setWaitingReason(long id, String reason, OffsetDateTime now);

    /**
     * Records the training launch and reserves both parts: the most each may use ({@code gpus ×
     * deadline}).
     */
    @SqlUpdate(
            """
            UPDATE retrain_runs SET backend = :backend, training_run_id = :runId,
                training_gpu_hours = :trainingReserve, validation_gpu_hours = :validationReserve,
                gpu_hours = :trainingReserve + :validationReserve, launched_at = :now
            WHERE id = :id
            """)
    void setTrainingLaunched(
            long id,
            String backend,
            String runId,
            double trainingReserve,
            double validationReserve,
            OffsetDateTime now);

    /** Records the validation launch and reserves its part anew (the policy may have changed). */
    @SqlUpdate(
            """
            UPDATE retrain_runs SET validation_run_id = :runId,
                validation_gpu_hours = :validationReserve,
                gpu_hours = coalesce(training_gpu_hours, 0) + :validationReserve
            WHERE id = :id
            """)
    void setValidationLaunched(long id, String runId, double validationReserve);

    /** Replaces the training part's reservation with what it used. */
    @SqlUpdate(
            """
            UPDATE retrain_runs SET training_gpu_hours = :used,
                gpu_hours = :used + coalesce(validation_gpu_hours, 0)
            WHERE id = :id
            """)
    void chargeTraining(long id, double used);

    /** Replaces the validation part's reservation with what it used. */
    @SqlUpdate(
            """
            UPDATE retrain_runs SET validation_gpu_hours = :used,
                gpu_hours = coalesce(training_gpu_hours, 0) + :used
            WHERE id = :id
            """)
    void chargeValidation(long id, double used);

    @SqlUpdate(
            """
            UPDATE retrain_runs SET candidate_version = :version,
                training_metrics = CAST(:metrics AS jsonb), updated_at = :now
            WHERE id = :id
            """)
    void setCandidate(long id, int version, String metrics, OffsetDateTime now);

    @SqlUpdate(
            """
            UPDATE retrain_runs SET validation_metrics = CAST(:metrics AS jsonb), updated_at = :now
            WHERE id = :id
            """)
    void setValidationMetrics(long id, String metrics, OffsetDateTime now);

    @SqlUpdate(
            "UPDATE retrain_runs SET failure_reason = :reason, log_tail = :logTail WHERE id = :id")
    void setFailure(long id, String reason, String logTail);

    /** GPU-hours charged to runs of the model launched since {@code since}. */
    @SqlQuery(
            """
            SELECT coalesce(sum(gpu_hours), 0) FROM retrain_runs
            WHERE model_name = :model AND launched_at >= :since
            """)
    double gpuHoursSince(String model, OffsetDateTime since);

    // ---- transitions ----

    @SqlUpdate(
            """
            INSERT INTO retrain_transitions (run_id, from_state, to_state, at, cause, detail)
            VALUES (:runId, :fromState, :toState, :at, :cause, :detail)
            """)
    void insertTransition(@BindMethods Transition transition);

    @SqlQuery(
            """
            SELECT id, run_id, from_state, to_state, at, cause, detail FROM retrain_transitions
            WHERE run_id = :runId ORDER BY id
            """)
    List<Transition> transitions(long runId);

    // ---- gates ----

    @SqlUpdate(
            """
            INSERT INTO retrain_gate_results (run_id, gate, metric, passed, observed, threshold,
                champion_value, detail, evaluated_at)
            VALUES (:runId, :gate, :metric, :passed, :observed, :threshold, :championValue,
                :detail, :at)
            ON CONFLICT (run_id, gate, metric) DO UPDATE SET passed = EXCLUDED.passed,
                observed = EXCLUDED.observed, threshold = EXCLUDED.threshold,
                champion_value = EXCLUDED.champion_value, detail = EXCLUDED.detail,
                evaluated_at = EXCLUDED.evaluated_at
            """)
    void upsertGate(long runId, @BindMethods GateResult result, OffsetDateTime at);

    @SqlQuery(
            """
            SELECT gate, metric, passed, observed, threshold, champion_value, detail
            FROM retrain_gate_results WHERE run_id = :runId ORDER BY gate, metric
            """)
    List<GateResult> gates(long runId);

    // ---- trigger decisions ----

    @SqlUpdate(
            """
            INSERT INTO retrain_triggers (alert_id, fingerprint, model_name, decision, run_id,
                decided_at)
            VALUES (:alertId, :fingerprint, :modelName, :decision, :runId, :decidedAt)
            """)
    void insertTrigger(@BindMethods TriggerDecision decision);

    /** When this fingerprint last requested a run of the model, if it ever did. */
    @SqlQuery(
            """
            SELECT max(decided_at) FROM retrain_triggers
            WHERE fingerprint = :fingerprint AND model_name = :model AND decision = 'requested'
            """)
    Optional<OffsetDateTime> lastRequestedBy(String fingerprint, String model);

    @SqlQuery(
            """
            SELECT id, alert_id, fingerprint, model_name, decision, run_id, decided_at
            FROM retrain_triggers WHERE (:model = '' OR model_name = :model)
            ORDER BY id DESC LIMIT :limit
            """)
    List<TriggerDecision> triggers(String model, int limit);
}
