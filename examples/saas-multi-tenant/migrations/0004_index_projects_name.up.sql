-- Search by name inside a tenant, built without blocking writes (outside a transaction).
SET statement_timeout = '30min';
CREATE INDEX CONCURRENTLY IF NOT EXISTS projects_tenant_id_name_idx ON app.projects (tenant_id, name);
