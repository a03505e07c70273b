-- Notifications of retraining runs: a delivery is of an alert occurrence (alert_id, events trigger
-- and resolve) or of a retrain run event (retrain_run_id, events launched, failed, rejected,
-- promoted, and resolve for the PagerDuty incident of a failed run); exactly one of the two is set.
-- payload is the run event as recorded at the state change (docs/retraining.md, "Notifications").

ALTER TABLE deliveries ALTER COLUMN alert_id DROP NOT NULL;
ALTER TABLE deliveries ADD COLUMN retrain_run_id bigint REFERENCES retrain_runs (id) ON DELETE CASCADE;
ALTER TABLE deliveries ADD COLUMN payload jsonb;

ALTER TABLE deliveries DROP CONSTRAINT deliveries_event_check;
ALTER TABLE deliveries ADD CONSTRAINT deliveries_subject_check CHECK (
    (alert_id IS NOT NULL AND retrain_run_id IS NULL AND event IN ('trigger', 'resolve'))
    OR (retrain_run_id IS NOT NULL AND alert_id IS NULL AND payload IS NOT NULL
        AND event IN ('launched', 'failed', 'rejected', 'promoted', 'resolve')));

-- a run event is delivered at most once per route (NULLs are distinct: alert rows never collide)
ALTER TABLE deliveries ADD CONSTRAINT deliveries_run_route_event_key
    UNIQUE (retrain_run_id, route_id, event);
CREATE INDEX deliveries_run_idx ON deliveries (retrain_run_id) WHERE retrain_run_id IS NOT NULL;
