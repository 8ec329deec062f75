-- The append-only, hash-chained audit log. Each entry carries the hash of the one before it.
CREATE TABLE entries (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id text NOT NULL UNIQUE,
    occurred_at timestamptz NOT NULL,
    recorded_at timestamptz NOT NULL,
    actor_id text,
    actor_email text,
    actor_role text,
    tenant_id text,
    action text NOT NULL,
    resource text,
    params jsonb NOT NULL DEFAULT '{}'::jsonb,
    result text NOT NULL CHECK (result IN ('success', 'failure', 'denied')),
    reason text,
    prev_hash text NOT NULL,
    hash text NOT NULL UNIQUE
);
CREATE INDEX entries_tenant_seq ON entries (tenant_id, seq DESC);
CREATE INDEX entries_actor_seq ON entries (actor_id, seq DESC);
CREATE INDEX entries_action_seq ON entries (action, seq DESC);
CREATE INDEX entries_occurred_at ON entries (occurred_at);

-- Nobody changes history: not the service, not the owner (short of disabling this trigger).
CREATE FUNCTION reject_entry_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit entries are append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER entries_append_only
    BEFORE UPDATE OR DELETE ON entries
    FOR EACH ROW EXECUTE FUNCTION reject_entry_change();
CREATE TRIGGER entries_no_truncate
    BEFORE TRUNCATE ON entries
    FOR EACH STATEMENT EXECUTE FUNCTION reject_entry_change();

REVOKE ALL ON entries FROM {{role}};
GRANT SELECT, INSERT ON entries TO {{role}};

-- Tenant users read their tenant's entries; platform actions (tenant_id NULL) need scope '*'.
ALTER TABLE entries ENABLE ROW LEVEL SECURITY;
CREATE POLICY entries_read ON entries FOR SELECT TO {{role}}
    USING (current_setting('app.tenant_id', true) = '*'
           OR tenant_id = current_setting('app.tenant_id', true));
CREATE POLICY entries_append ON entries FOR INSERT TO {{role}}
    WITH CHECK (current_setting('app.tenant_id', true) = '*');
