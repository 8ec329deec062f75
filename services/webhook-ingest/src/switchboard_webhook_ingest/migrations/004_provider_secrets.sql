-- Per-tenant provider signing secrets, sealed with AES-256-GCM by the service (never in clear).
CREATE TABLE provider_secrets (
    tenant_id text NOT NULL,
    provider text NOT NULL,
    sealed bytea NOT NULL,
    secret_count smallint NOT NULL CHECK (secret_count BETWEEN 1 AND 2),
    updated_by text,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, provider)
);

ALTER TABLE provider_secrets ENABLE ROW LEVEL SECURITY;
CREATE POLICY provider_secrets_tenant ON provider_secrets
    USING (tenant_id = current_setting('app.tenant_id', true)
           OR current_setting('app.tenant_id', true) = '*')
    WITH CHECK (tenant_id = current_setting('app.tenant_id', true)
                OR current_setting('app.tenant_id', true) = '*');
GRANT SELECT, INSERT, UPDATE, DELETE ON provider_secrets TO {{role}};
