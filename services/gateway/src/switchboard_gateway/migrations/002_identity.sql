-- Signing keys: the private key is stored encrypted (AES-256-GCM under SECRETS_KEY); a retired
-- key stops signing but stays published until it expires, so rotation never breaks a token.
CREATE TABLE signing_keys (
    kid text PRIMARY KEY,
    algorithm text NOT NULL DEFAULT 'EdDSA',
    public_key_pem text NOT NULL,
    private_key_encrypted bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    retired_at timestamptz,
    expires_at timestamptz
);
GRANT SELECT, INSERT, UPDATE ON signing_keys TO {{role}};

CREATE TABLE tenants (
    id text PRIMARY KEY,
    name text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
GRANT SELECT, INSERT, UPDATE ON tenants TO {{role}};

-- Users: a null tenant_id is a platform account (super_admin, sre, implementation_lead).
CREATE TABLE users (
    id text PRIMARY KEY,
    tenant_id text REFERENCES tenants (id),
    email text NOT NULL,
    password_hash text NOT NULL,
    role text NOT NULL,
    disabled boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_unique ON users (lower(email));
CREATE INDEX users_tenant ON users (tenant_id);
GRANT SELECT, INSERT, UPDATE ON users TO {{role}};

-- Sessions: one per sign-in; each refresh rotates the refresh token inside the same family.
CREATE TABLE sessions (
    id text PRIMARY KEY,
    user_id text NOT NULL REFERENCES users (id),
    tenant_id text REFERENCES tenants (id),
    user_agent text,
    ip_address text,
    created_at timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz,
    revoked_reason text
);
CREATE INDEX sessions_user ON sessions (user_id);
GRANT SELECT, INSERT, UPDATE ON sessions TO {{role}};

-- Every refresh token ever issued (hashed); presenting a used one again revokes its session.
CREATE TABLE refresh_tokens (
    token_hash text PRIMARY KEY,
    session_id text NOT NULL REFERENCES sessions (id),
    tenant_id text REFERENCES tenants (id),
    issued_at timestamptz NOT NULL DEFAULT now(),
    used_at timestamptz
);
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);
GRANT SELECT, INSERT, UPDATE ON refresh_tokens TO {{role}};

-- Tenant isolation in the database itself; '*' is the platform scope.
ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenants_isolation ON tenants
    USING (id = current_setting('app.tenant_id', true)
           OR current_setting('app.tenant_id', true) = '*');

ALTER TABLE users ENABLE ROW LEVEL SECURITY;
CREATE POLICY users_isolation ON users
    USING (tenant_id = current_setting('app.tenant_id', true)
           OR current_setting('app.tenant_id', true) = '*');

ALTER TABLE sessions ENABLE ROW LEVEL SECURITY;
CREATE POLICY sessions_isolation ON sessions
    USING (tenant_id = current_setting('app.tenant_id', true)
           OR current_setting('app.tenant_id', true) = '*');

ALTER TABLE refresh_tokens ENABLE ROW LEVEL SECURITY;
CREATE POLICY refresh_tokens_isolation ON refresh_tokens
    USING (tenant_id = current_setting('app.tenant_id', true)
           OR current_setting('app.tenant_id', true) = '*');

-- Sign-in attempts, counted per address and per account so limits hold across replicas.
CREATE TABLE login_attempts (
    bucket text NOT NULL,
    attempted_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_attempts_bucket ON login_attempts (bucket, attempted_at);
GRANT SELECT, INSERT, DELETE ON login_attempts TO {{role}};
