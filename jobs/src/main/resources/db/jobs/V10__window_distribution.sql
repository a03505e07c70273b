-- The window's distribution of a feature next to its reference's, on the feature's psi row only (one row
-- per feature and window; every other row, and rows written before this column existed, hold NULL): the
-- JSON form of drift-core's WindowDistribution. Numeric: {"type":"numeric","edges":[..],"reference":[..],
-- "current":[..]}, the counts of each side per reference bin (at most 100 bins). Categorical:
-- {"type":"categorical","categories":[..],"new":[..],"reference":[..],"current":[..],"other":[r,c],
-- "distinct_categories":n}, at most 30 categories (new ones first, up to 15), everything else in "other".
ALTER TABLE drift_metrics ADD COLUMN distribution jsonb;
