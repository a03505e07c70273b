-- Performance estimated before labels next to the realised values: `estimated` tells them apart (part of the
-- key: a window has both an estimated and a realised `accuracy`), `standard_error` is the estimate's (and, on
-- `<metric>_estimation_error` rows, that of the estimate the realised value is compared with). Rows written
-- before this column existed are realised: estimated = false.
ALTER TABLE performance_metrics ADD COLUMN estimated boolean NOT NULL DEFAULT false;
ALTER TABLE performance_metrics ADD COLUMN standard_error double precision;
ALTER TABLE performance_metrics DROP CONSTRAINT performance_metrics_pkey;
ALTER TABLE performance_metrics
    ADD PRIMARY KEY (model_name, model_version, segment, metric, window_start, estimated);
