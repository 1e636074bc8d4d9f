-- An index on a partitioned table cannot be built CONCURRENTLY. Create it ON ONLY the parent
-- (instant, the index is invalid until every partition has one), then build each partition's
-- index without blocking writes in 0003 and attach them.
SET LOCAL lock_timeout = '2s';
SET LOCAL statement_timeout = '1min';

-- confiture-ignore require-concurrent-index-creation: ON ONLY a partitioned parent builds nothing (it holds no rows); the ShareLock lasts an instant
CREATE INDEX page_views_site_id_viewed_at_idx ON ONLY analytics.page_views (site_id, viewed_at);
