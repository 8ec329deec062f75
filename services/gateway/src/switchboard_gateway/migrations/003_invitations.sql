-- Invitations: the e-mail path to an account. The token is stored hashed and works once.
CREATE TABLE invitations (
    id text PRIMARY KEY,
    tenant_id text NOT NULL REFERENCES tenants (id),
    email text NOT NULL,
    role text NOT NULL,
    token_hash text NOT NULL UNIQUE,
    invited_by text,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    accepted_at timestamptz,
    accepted_user_id text
);
CREATE INDEX invitations_tenant ON invitations (tenant_id, created_at);
GRANT SELECT, INSERT, UPDATE ON invitations TO {{role}};

ALTER TABLE invitations ENABLE ROW LEVEL SECURITY;
CREATE POLICY invitations_isolation ON invitations
    USING (tenant_id = current_setting('app.tenant_id', true)
           OR current_setting('app.tenant_id', true) = '*');
