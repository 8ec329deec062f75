-- Locations with their onboarding form and status, the field-level history, and approvals.
CREATE TABLE locations (
    id text PRIMARY KEY,
    tenant_id text NOT NULL,
    name text NOT NULL,
    status text NOT NULL DEFAULT 'NOT_STARTED',
    data jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_by text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX locations_tenant_created ON locations (tenant_id, created_at, id);
CREATE INDEX locations_created ON locations (created_at, id);

CREATE TABLE field_history (
    id bigserial PRIMARY KEY,
    tenant_id text NOT NULL,
    location_id text NOT NULL REFERENCES locations (id),
    field text NOT NULL,
    old_value jsonb,
    new_value jsonb,
    changed_by text,
    changed_at timestamptz NOT NULL DEFAULT now(),
    override_reason text
);
CREATE INDEX field_history_location ON field_history (location_id, id);

CREATE TABLE approvals (
    id bigserial PRIMARY KEY,
    tenant_id text NOT NULL,
    location_id text NOT NULL REFERENCES locations (id),
    decision text NOT NULL CHECK (decision IN ('approve', 'reject')),
    comment text,
    decided_by text,
    decided_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX approvals_location ON approvals (location_id, id);

ALTER TABLE locations ENABLE ROW LEVEL SECURITY;
ALTER TABLE field_history ENABLE ROW LEVEL SECURITY;
ALTER TABLE approvals ENABLE ROW LEVEL SECURITY;

CREATE POLICY tenant_isolation ON locations USING (
    current_setting('app.tenant_id', true) = '*'
    OR tenant_id = current_setting('app.tenant_id', true)
);
CREATE POLICY tenant_isolation ON field_history USING (
    current_setting('app.tenant_id', true) = '*'
    OR tenant_id = current_setting('app.tenant_id', true)
);
CREATE POLICY tenant_isolation ON approvals USING (
    current_setting('app.tenant_id', true) = '*'
    OR tenant_id = current_setting('app.tenant_id', true)
);

GRANT SELECT, INSERT, UPDATE ON locations TO {{role}};
GRANT SELECT, INSERT ON field_history, approvals TO {{role}};
GRANT USAGE ON SEQUENCE field_history_id_seq, approvals_id_seq TO {{role}};
