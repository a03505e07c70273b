-- Retraining: per-model policies, runs, every state transition, gate results and trigger decisions.
-- Lineage ("which alert caused this model version?") is a join of model_versions, retrain_runs and
-- alerts; see docs/retraining.md.

CREATE TABLE retrain_policies (
    model_name text        PRIMARY KEY REFERENCES registered_models (name) ON DELETE CASCADE,
    -- the policy as the API accepted it (triggers, cooldown, budget, approval, run templates, gates)
    spec       jsonb       NOT NULL,
    updated_at timestamptz NOT NULL
);

CREATE TABLE retrain_runs (
    id                  bigserial   PRIMARY KEY,
    model_name          text        NOT NULL,
    state               text        NOT NULL CHECK (state IN ('requested', 'launched', 'training',
                                        'trained', 'validating', 'validated', 'rejected',
                                        'awaiting_approval', 'promoted', 'failed', 'cancelled')),
    -- the cause: the alert occurrence that requested the run (null when requested by hand)
    trigger_alert_id    bigint      REFERENCES alerts (id) ON DELETE SET NULL,
    trigger_fingerprint text,
    requested_by        text        NOT NULL,
    champion_version    integer,
    candidate_version   integer,
    data_window_start   timestamptz NOT NULL,
    data_window_end     timestamptz NOT NULL,
    backend             text        NOT NULL DEFAULT '',
    training_run_id     text,
    validation_run_id   text,
    -- reserved (gpus x deadline) while active, measured once finished
    gpu_hours           double precision NOT NULL DEFAULT 0,
    waiting_reason      text,
    failure_reason      text,
    log_tail            text,
    training_metrics    jsonb,
    validation_metrics  jsonb,
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL,
    launched_at         timestamptz,
    finished_at         timestamptz
);
-- at most one active run per model, whatever races happen
CREATE UNIQUE INDEX retrain_runs_one_active ON retrain_runs (model_name)
    WHERE state NOT IN ('rejected', 'promoted', 'failed', 'cancelled');
CREATE INDEX retrain_runs_model_idx ON retrain_runs (model_name, created_at DESC);
CREATE INDEX retrain_runs_candidate_idx ON retrain_runs (model_name, candidate_version);

CREATE TABLE retrain_transitions (
    id         bigserial   PRIMARY KEY,
    run_id     bigint      NOT NULL REFERENCES retrain_runs (id) ON DELETE CASCADE,
    from_state text,
    to_state   text        NOT NULL,
    at         timestamptz NOT NULL,
    -- the alert fingerprint that started the run, or manual:<token name>
    cause      text        NOT NULL,
    detail     text        NOT NULL DEFAULT ''
);
CREATE INDEX retrain_transitions_run_idx ON retrain_transitions (run_id, id);

CREATE TABLE retrain_gate_results (
    run_id         bigint           NOT NULL REFERENCES retrain_runs (id) ON DELETE CASCADE,
    gate           text             NOT NULL,
    metric         text             NOT NULL,
    passed         boolean          NOT NULL,
    observed       double precision,
    threshold      double precision,
    champion_value double precision,
    detail         text             NOT NULL,
    evaluated_at   timestamptz      NOT NULL,
    PRIMARY KEY (run_id, gate, metric)
);

-- what each matching firing alert did: requested a run, or why not
CREATE TABLE retrain_triggers (
    id          bigserial   PRIMARY KEY,
    alert_id    bigint      NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
    fingerprint text        NOT NULL,
    model_name  text        NOT NULL,
    -- requested | duplicate | active_run | cooldown
    decision    text        NOT NULL,
    run_id      bigint      REFERENCES retrain_runs (id) ON DELETE SET NULL,
    decided_at  timestamptz NOT NULL
);
CREATE INDEX retrain_triggers_fp_idx ON retrain_triggers (fingerprint, decided_at DESC);
