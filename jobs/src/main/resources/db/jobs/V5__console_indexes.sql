-- Indexes of the registry console's reads. Only the rows that decided a feature's drift (and the
-- drift_share rows) carry a threshold: the partial indexes hold those, per model and window (the
-- heatmap, the drift share, the last drift share) and per model, feature and window (a feature's
-- statistic over time, its latest window). They include the columns those reads return, so that a
-- vacuumed table answers from the index alone. Performance is read per model and window.
CREATE INDEX drift_metrics_decided_window ON drift_metrics (model_name, window_start)
    INCLUDE (feature, metric, segment, value, threshold, drift_detected)
    WHERE threshold IS NOT NULL;
CREATE INDEX drift_metrics_decided_feature ON drift_metrics (model_name, feature, window_start)
    INCLUDE (metric, segment, value, threshold, drift_detected, model_version)
    WHERE threshold IS NOT NULL;
CREATE INDEX performance_metrics_model_window ON performance_metrics (model_name, window_start)
    INCLUDE (metric, segment, estimated, value);
