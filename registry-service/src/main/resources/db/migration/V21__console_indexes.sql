-- Indexes of the console's reads: firing alerts (per model and overall) and recent alerts by start.
CREATE INDEX alerts_firing_idx ON alerts (model_name, starts_at DESC) WHERE status = 'firing';
CREATE INDEX alerts_starts_idx ON alerts (starts_at DESC);
