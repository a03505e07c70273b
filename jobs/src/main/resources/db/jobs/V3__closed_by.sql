-- How a window's rows came to be written: 'watermark' (event time passed the window's end) or 'timeout'
-- (its key was quiet: the quiet-key rule closed it on the processing clock). NULL on performance rows of
-- windows still open, and on rows written before this column existed.
ALTER TABLE drift_metrics ADD COLUMN closed_by text;
ALTER TABLE performance_metrics ADD COLUMN closed_by text;
