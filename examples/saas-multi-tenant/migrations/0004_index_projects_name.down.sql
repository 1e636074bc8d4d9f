DROP INDEX CONCURRENTLY IF EXISTS app.projects_tenant_id_name_idx;
