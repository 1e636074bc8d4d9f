ALTER TABLE analytics.page_views DETACH PARTITION analytics.page_views_2027_01;
DROP TABLE analytics.page_views_2027_01;
