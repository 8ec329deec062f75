-- A second factor per account: a TOTP secret sealed under SECRETS_KEY (AES-256-GCM, the user id
-- as associated data). enabled_at is null while the enrolment waits for its first code;
-- last_step is the last 30-second step whose code was accepted, so no code works twice.
CREATE TABLE user_mfa (
    user_id text PRIMARY KEY REFERENCES users (id),
    tenant_id text REFERENCES tenants (id),
    secret_sealed bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    enabled_at timestamptz,
    last_step bigint
);
GRANT SELECT, INSERT, UPDATE, DELETE ON user_mfa TO {{role}};

-- One-time recovery codes, stored as SHA-256 only; a used code stays, marked.
CREATE TABLE mfa_recovery_codes (
    code_hash text PRIMARY KEY,
    user_id text NOT NULL REFERENCES users (id),
    tenant_id text REFERENCES tenants (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    used_at timestamptz
);
CREATE INDEX mfa_recovery_codes_user ON mfa_recovery_codes (user_id);
GRANT SELECT, INSERT, UPDATE, DELETE ON mfa_recovery_codes TO {{role}};

-- What a correct password earns when a second step is due: an opaque token (stored hashed) for
-- the code ('verify') or for enrolling an authenticator ('enrol'); short-lived, spent on success.
CREATE TABLE mfa_challenges (
    token_hash text PRIMARY KEY,
    user_id text NOT NULL REFERENCES users (id),
    tenant_id text REFERENCES tenants (id),
    purpose text NOT NULL CHECK (purpose IN ('verify', 'enrol')),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    failures integer NOT NULL DEFAULT 0,
    used_at timestamptz
);
CREATE INDEX mfa_challenges_expiry ON mfa_challenges (expires_at);
GRANT SELECT, INSERT, UPDATE, DELETE ON mfa_challenges TO {{role}};

-- A tenant may require a second factor of all its members.
ALTER TABLE tenants ADD COLUMN mfa_required boolean NOT NULL DEFAULT false;

ALTER TABLE user_mfa ENABLE ROW LEVEL SECURITY;
CREATE POLICY user_mfa_isolation ON user_mfa
    USING (tenant_id = current_setting('app.tenant_id', true)
           OR current_setting('app.tenant_id', true) = '*');

ALTER TABLE mfa_recovery_codes ENABLE ROW LEVEL SECURITY;
CREATE POLICY mfa_recovery_codes_isolation ON mfa_recovery_codes
    USING (tenant_id = current_setting('app.tenant_id', true)
           OR current_setting('app.tenant_id', true) = '*');

ALTER TABLE mfa_challenges ENABLE ROW LEVEL SECURITY;
CREATE POLICY mfa_challenges_isolation ON mfa_challenges
    USING (tenant_id = current_setting('app.tenant_id', true)
           OR current_setting('app.tenant_id', true) = '*');
