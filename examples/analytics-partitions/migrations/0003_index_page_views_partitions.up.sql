-- Each partition's index, concurrently (this file runs outside a transaction), then attached
-- to the parent's index; once all are attached the parent index becomes valid.
SET statement_timeout = '30min';
SET lock_timeout = '2s';
-- confiture-ignore-file multiple-alter-table: ALTER INDEX … ATTACH PARTITION takes one partition per statement and cannot be combined

CREATE INDEX CONCURRENTLY IF NOT EXISTS page_views_2026_11_site_id_viewed_at_idx ON analytics.page_views_2026_11 (site_id, viewed_at);
CREATE INDEX CONCURRENTLY IF NOT EXISTS page_views_2026_12_site_id_viewed_at_idx ON analytics.page_views_2026_12 (site_id, viewed_at);
CREATE INDEX CONCURRENTLY IF NOT EXISTS page_views_default_site_id_viewed_at_idx ON analytics.page_views_default (site_id, viewed_at);
ALTER INDEX analytics.page_views_site_id_viewed_at_idx ATTACH PARTITION analytics.page_views_2026_11_site_id_viewed_at_idx;
ALTER INDEX analytics.page_views_site_id_viewed_at_idx ATTACH PARTITION analytics.page_views_2026_12_site_id_viewed_at_idx;
ALTER INDEX analytics.page_views_site_id_viewed_at_idx ATTACH PARTITION analytics.page_views_default_site_id_viewed_at_idx;
