-- Per-tenant onboarding rules; a tenant without a row uses the service's defaults.
CREATE TABLE tenant_rules (
    tenant_id text PRIMARY KEY,
    extension_min integer NOT NULL CHECK (extension_min >= 0),
    extension_max integer NOT NULL CHECK (extension_max >= extension_min),
    updated_by text,
    updated_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE tenant_rules ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tenant_rules USING (
    current_setting('app.tenant_id', true) = '*'
    OR tenant_id = current_setting('app.tenant_id', true)
);
GRANT SELECT, INSERT, UPDATE ON tenant_rules TO {{role}};
