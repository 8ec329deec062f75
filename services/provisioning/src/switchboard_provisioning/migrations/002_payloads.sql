-- The latest provisioning payload (or failed attempt) of each location.
CREATE TABLE payloads (
    location_id text PRIMARY KEY,
    tenant_id text NOT NULL,
    status text NOT NULL CHECK (status IN ('generated', 'failed', 'completed')),
    version text,
    payload jsonb,
    reason text,
    source_event_id text NOT NULL,
    generated_at timestamptz NOT NULL DEFAULT now(),
    completed_at timestamptz
);
CREATE INDEX payloads_tenant ON payloads (tenant_id);

ALTER TABLE payloads ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON payloads USING (
    current_setting('app.tenant_id', true) = '*'
    OR tenant_id = current_setting('app.tenant_id', true)
);

GRANT SELECT, INSERT, UPDATE ON payloads TO {{role}};
