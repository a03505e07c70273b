-- GPU-hours charged per part of a run: reserved (gpus x deadline) when the part is launched,
-- replaced by what it used (gpus x its run time) when it ends; a part that never ran is charged 0
-- once the run is over. gpu_hours stays their sum, the figure the daily budget adds up.
ALTER TABLE retrain_runs ADD COLUMN training_gpu_hours double precision;
ALTER TABLE retrain_runs ADD COLUMN validation_gpu_hours double precision;
UPDATE retrain_runs SET training_gpu_hours = gpu_hours WHERE backend <> '';

-- receivers are code (one class each), not a list in the schema
ALTER TABLE notification_routes DROP CONSTRAINT notification_routes_receiver_check;

-- deleting a route keeps its delivery log: what was still pending becomes 'cancelled' and the
-- route reference is cleared
ALTER TABLE deliveries ALTER COLUMN route_id DROP NOT NULL;
ALTER TABLE deliveries DROP CONSTRAINT deliveries_route_id_fkey;
ALTER TABLE deliveries ADD CONSTRAINT deliveries_route_id_fkey
    FOREIGN KEY (route_id) REFERENCES notification_routes (id) ON DELETE SET NULL;
