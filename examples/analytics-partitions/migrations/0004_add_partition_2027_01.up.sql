-- Next month's partition without holding ACCESS EXCLUSIVE on the parent: create the table on
-- its own, add the partition constraint as a CHECK (so ATTACH does not scan it), then attach
-- (SHARE UPDATE EXCLUSIVE on the parent since PostgreSQL 12: reads and writes continue).
-- ATTACH still scans the DEFAULT partition for rows of the new range: the
-- default-partition-empty hook refuses to start when it is not empty.
SET LOCAL lock_timeout = '2s';
SET LOCAL statement_timeout = '1min';

CREATE TABLE analytics.page_views_2027_01 (LIKE analytics.page_views INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
ALTER TABLE analytics.page_views_2027_01 ADD CONSTRAINT page_views_2027_01_range
    CHECK (viewed_at >= '2027-01-01' AND viewed_at < '2027-02-01');
CREATE INDEX page_views_2027_01_site_id_viewed_at_idx ON analytics.page_views_2027_01 (site_id, viewed_at);
ALTER TABLE analytics.page_views ATTACH PARTITION analytics.page_views_2027_01
    FOR VALUES FROM ('2027-01-01') TO ('2027-02-01');
ALTER TABLE analytics.page_views_2027_01 DROP CONSTRAINT page_views_2027_01_range;
