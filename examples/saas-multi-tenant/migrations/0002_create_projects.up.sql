-- Tenant-owned data: tenant_id first in every key and index, isolated by a policy.
SET LOCAL lock_timeout = '2s';
SET LOCAL statement_timeout = '1min';

CREATE TABLE app.projects (
    tenant_id   uuid NOT NULL REFERENCES app.tenants (id),
    id          bigint GENERATED ALWAYS AS IDENTITY,
    name        text NOT NULL,
    archived    boolean NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);

ALTER TABLE app.projects ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.projects FORCE ROW LEVEL SECURITY;
CREATE POLICY projects_tenant_isolation ON app.projects
    USING (tenant_id = current_setting('app.tenant_id', true)::uuid);
