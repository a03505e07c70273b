-- What a training or validation run executes is a template set by an admin (or given in the
-- registry's configuration); a retrain policy names a template and sets its declared parameters.
CREATE TABLE training_templates (
    name       text        PRIMARY KEY,
    -- the template as the API accepted it (image, command, env, parameters, resources, limits)
    spec       jsonb       NOT NULL,
    -- from the registry's configuration: not changed or deleted through the API
    configured boolean     NOT NULL DEFAULT false,
    updated_at timestamptz NOT NULL,
    updated_by text        NOT NULL
);

-- Policies written before templates carried their own image, command and env: each such part
-- becomes a template named migrated-<model>-<part> (an admin should review them: they were set by
-- approvers), and the policy names it.
INSERT INTO training_templates (name, spec, configured, updated_at, updated_by)
SELECT 'migrated-' || p.model_name || '-' || part.name, p.spec -> part.name, false, now(),
       'migration V6'
FROM retrain_policies p, (VALUES ('training'), ('validation')) AS part (name)
WHERE jsonb_typeof(p.spec -> part.name) = 'object' AND (p.spec -> part.name) ? 'command';

UPDATE retrain_policies p
SET spec = p.spec
    || jsonb_build_object('training',
           jsonb_build_object('template', 'migrated-' || p.model_name || '-training'))
    || jsonb_build_object('validation',
           jsonb_build_object('template', 'migrated-' || p.model_name || '-validation'))
WHERE (p.spec -> 'training') ? 'command' AND (p.spec -> 'validation') ? 'command';

-- Each run's trainer gets a token of its own, valid only for reporting that run while it is
-- active; stored hashed like every token. Earlier versions gave every trainer one operator token.
CREATE TABLE run_tokens (
    token_sha256 text        PRIMARY KEY,
    run_id       bigint      NOT NULL REFERENCES retrain_runs (id) ON DELETE CASCADE,
    part         text        NOT NULL CHECK (part IN ('training', 'validation')),
    -- the backend run id of the run's training part: the run_id tag its candidate carries
    training_run_id text     NOT NULL,
    created_at   timestamptz NOT NULL
);
CREATE INDEX run_tokens_run_idx ON run_tokens (run_id);
DELETE FROM api_tokens WHERE name = 'retrain-trainer';
