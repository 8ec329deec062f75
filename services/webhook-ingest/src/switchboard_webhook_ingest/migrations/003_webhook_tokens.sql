-- Webhook tokens: only the SHA-256 of each token is kept; the token is shown once at creation.
CREATE TABLE webhook_tokens (
    id uuid PRIMARY KEY,
    tenant_id text NOT NULL,
    provider text NOT NULL,
    token_hash bytea NOT NULL UNIQUE,
    created_by text,
    created_at timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    active boolean NOT NULL DEFAULT true,
    deactivated_at timestamptz
);
CREATE INDEX webhook_tokens_by_tenant ON webhook_tokens (tenant_id, created_at DESC);

ALTER TABLE webhook_tokens ENABLE ROW LEVEL SECURITY;
CREATE POLICY webhook_tokens_tenant ON webhook_tokens
    USING (tenant_id = current_setting('app.tenant_id', true)
           OR current_setting('app.tenant_id', true) = '*')
    WITH CHECK (tenant_id = current_setting('app.tenant_id', true)
                OR current_setting('app.tenant_id', true) = '*');
GRANT SELECT, INSERT, UPDATE ON webhook_tokens TO {{role}};

-- A webhook arrives with a token and no tenant yet. This function, owned by the schema owner
-- (to whom row-level security does not apply), answers for exactly one hash and returns only
-- what routing needs; the service role may execute it but cannot list other tenants' tokens.
CREATE FUNCTION webhook_token_by_hash(p_hash bytea)
RETURNS TABLE (id uuid, tenant_id text, provider text, active boolean)
LANGUAGE sql STABLE SECURITY DEFINER
AS $$
    SELECT t.id, t.tenant_id, t.provider, t.active
    FROM webhook_tokens t
    WHERE t.token_hash = p_hash
$$;
DO $$
BEGIN
    EXECUTE format(
        'ALTER FUNCTION webhook_token_by_hash(bytea) SET search_path = %I, pg_temp',
        current_schema()
    );
END
$$;
REVOKE ALL ON FUNCTION webhook_token_by_hash(bytea) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION webhook_token_by_hash(bytea) TO {{role}};
