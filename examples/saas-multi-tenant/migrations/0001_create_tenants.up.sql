-- Tenants and the role the application connects as. Policies read the tenant of the session
-- from the setting app.tenant_id (SET app.tenant_id = '…' at the start of each request).
SET LOCAL lock_timeout = '2s';

CREATE SCHEMA app;

CREATE TABLE app.tenants (
    id          uuid PRIMARY KEY,
    slug        text NOT NULL UNIQUE,
    plan        text NOT NULL DEFAULT 'free',
    created_at  timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE app.tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.tenants FORCE ROW LEVEL SECURITY;
CREATE POLICY tenants_own_row ON app.tenants
    USING (id = current_setting('app.tenant_id', true)::uuid);
