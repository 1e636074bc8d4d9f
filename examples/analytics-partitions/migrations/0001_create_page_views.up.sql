-- Page views, partitioned by month. The primary key includes the partition key (required).
SET LOCAL lock_timeout = '2s';

CREATE SCHEMA analytics;

CREATE TABLE analytics.page_views (
    viewed_at   timestamptz NOT NULL,
    id          bigint GENERATED ALWAYS AS IDENTITY,
    site_id     bigint NOT NULL,
    path        text NOT NULL,
    visitor_id  uuid,
    duration_ms bigint,
    PRIMARY KEY (viewed_at, id)
) PARTITION BY RANGE (viewed_at);

CREATE TABLE analytics.page_views_2026_11 PARTITION OF analytics.page_views
    FOR VALUES FROM ('2026-11-01') TO ('2026-12-01');
CREATE TABLE analytics.page_views_2026_12 PARTITION OF analytics.page_views
    FOR VALUES FROM ('2026-12-01') TO ('2027-01-01');
CREATE TABLE analytics.page_views_default PARTITION OF analytics.page_views DEFAULT;
