-- Model performance per model, version, segment, metric and window of prediction time (written by the
-- performance job; rows are rewritten as late labels arrive).
CREATE TABLE performance_metrics (
    model_name     text             NOT NULL,
    model_version  text             NOT NULL,
    segment        text             NOT NULL DEFAULT '',
    metric         text             NOT NULL,
    window_start   timestamptz      NOT NULL,
    window_end     timestamptz      NOT NULL,
    value          double precision,
    sample_count   bigint           NOT NULL,
    labeled_count  bigint           NOT NULL,
    computed_at    timestamptz      NOT NULL,
    PRIMARY KEY (model_name, model_version, segment, metric, window_start)
);

CREATE INDEX performance_metrics_window ON performance_metrics (window_start);
