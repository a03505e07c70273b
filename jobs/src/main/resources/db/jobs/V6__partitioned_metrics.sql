-- Several resolutions and partitions. Each row says the size of its window (`window_seconds`, part of the
-- key: the drift job writes a coarser window, e.g. an hour, beside its base windows from the same start).
-- Both metric tables become declaratively partitioned: by LIST (window_seconds), one partition per
-- resolution, each of which is partitioned by RANGE (window_start) (daily for windows under an hour).
-- The jobs create those partitions ahead and drop them by a retention per resolution when they start
-- and every hour after (MetricPartitions); rows of a resolution or range without a partition yet go to
-- the default partitions (`<table>_other`, `<table>_r<seconds>_default`) and are moved into the partition
-- when it is created. Existing rows are kept: they move into the new tables here.
--
-- The primary keys lead with model, feature and metric, then window_start: one feature's metric over
-- a time range is a range of the key. (model_name, window_start) serves the latest window of a model;
-- a time range alone is served by the partitions it prunes to.

ALTER TABLE drift_metrics RENAME TO drift_metrics_v5;
ALTER TABLE drift_metrics_v5 DROP CONSTRAINT drift_metrics_pkey;
DROP INDEX drift_metrics_window;
DROP INDEX drift_metrics_detected;
DROP INDEX drift_metrics_decided_window;
DROP INDEX drift_metrics_decided_feature;

CREATE TABLE drift_metrics (
    model_name      text             NOT NULL,
    model_version   text             NOT NULL,
    segment         text             NOT NULL DEFAULT '',
    feature         text             NOT NULL,
    metric          text             NOT NULL,
    window_start    timestamptz      NOT NULL,
    window_end      timestamptz      NOT NULL,
    window_seconds  integer          NOT NULL,
    value           double precision,
    p_value         double precision,
    threshold       double precision,
    drift_detected  boolean          NOT NULL DEFAULT false,
    sample_count    bigint           NOT NULL,
    reference_count bigint           NOT NULL,
    computed_at     timestamptz      NOT NULL,
    closed_by       text,
    PRIMARY KEY (model_name, feature, metric, window_start, model_version, segment, window_seconds)
) PARTITION BY LIST (window_seconds);

CREATE TABLE drift_metrics_other PARTITION OF drift_metrics DEFAULT;

CREATE INDEX drift_metrics_model_window ON drift_metrics (model_name, window_start);
CREATE INDEX drift_metrics_detected ON drift_metrics (model_name, window_start) WHERE drift_detected;
CREATE INDEX drift_metrics_decided_window ON drift_metrics (model_name, window_start)
    INCLUDE (feature, metric, segment, value, threshold, drift_detected)
    WHERE threshold IS NOT NULL;
CREATE INDEX drift_metrics_decided_feature ON drift_metrics (model_name, feature, window_start)
    INCLUDE (metric, segment, value, threshold, drift_detected, model_version)
    WHERE threshold IS NOT NULL;

INSERT INTO drift_metrics (model_name, model_version, segment, feature, metric, window_start, window_end,
                           window_seconds, value, p_value, threshold, drift_detected, sample_count,
                           reference_count, computed_at, closed_by)
SELECT model_name, model_version, segment, feature, metric, window_start, window_end,
       extract(epoch FROM window_end - window_start)::integer, value, p_value, threshold, drift_detected,
       sample_count, reference_count, computed_at, closed_by
FROM drift_metrics_v5;
DROP TABLE drift_metrics_v5;

ALTER TABLE performance_metrics RENAME TO performance_metrics_v5;
ALTER TABLE performance_metrics_v5 DROP CONSTRAINT performance_metrics_pkey;
DROP INDEX performance_metrics_window;
DROP INDEX performance_metrics_model_window;

CREATE TABLE performance_metrics (
    model_name     text             NOT NULL,
    model_version  text             NOT NULL,
    segment        text             NOT NULL DEFAULT '',
    metric         text             NOT NULL,
    window_start   timestamptz      NOT NULL,
    window_end     timestamptz      NOT NULL,
    window_seconds integer          NOT NULL,
    value          double precision,
    sample_count   bigint           NOT NULL,
    labeled_count  bigint           NOT NULL,
    computed_at    timestamptz      NOT NULL,
    closed_by      text,
    estimated      boolean          NOT NULL DEFAULT false,
    standard_error double precision,
    PRIMARY KEY (model_name, metric, window_start, model_version, segment, estimated, window_seconds)
) PARTITION BY LIST (window_seconds);

CREATE TABLE performance_metrics_other PARTITION OF performance_metrics DEFAULT;

CREATE INDEX performance_metrics_model_window ON performance_metrics (model_name, window_start)
    INCLUDE (metric, segment, estimated, value);

INSERT INTO performance_metrics (model_name, model_version, segment, metric, window_start, window_end,
                                 window_seconds, value, sample_count, labeled_count, computed_at, closed_by,
                                 estimated, standard_error)
SELECT model_name, model_version, segment, metric, window_start, window_end,
       extract(epoch FROM window_end - window_start)::integer, value, sample_count, labeled_count,
       computed_at, closed_by, estimated, standard_error
FROM performance_metrics_v5;
DROP TABLE performance_metrics_v5;
