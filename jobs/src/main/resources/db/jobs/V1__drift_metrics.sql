-- Drift metrics per model, version, segment, feature, metric and window (written by the drift job).
CREATE TABLE drift_metrics (
    model_name      text             NOT NULL,
    model_version   text             NOT NULL,
    segment         text             NOT NULL DEFAULT '',
    feature         text             NOT NULL,
    metric          text             NOT NULL,
    window_start    timestamptz      NOT NULL,
    window_end      timestamptz      NOT NULL,
    value           double precision,
    p_value         double precision,
    threshold       double precision,
    drift_detected  boolean          NOT NULL DEFAULT false,
    sample_count    bigint           NOT NULL,
    reference_count bigint           NOT NULL,
    computed_at     timestamptz      NOT NULL,
    PRIMARY KEY (model_name, model_version, segment, feature, metric, window_start)
);

CREATE INDEX drift_metrics_window ON drift_metrics (window_start);
CREATE INDEX drift_metrics_detected ON drift_metrics (model_name, window_start) WHERE drift_detected;
