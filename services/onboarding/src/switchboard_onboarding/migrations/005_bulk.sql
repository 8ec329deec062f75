-- Bulk requests remembered by their Idempotency-Key, and bulk provisioning jobs with one row
-- per item. `tenant_id` is the caller's scope ('*' for platform roles) on requests and jobs,
-- and the location's tenant on job items, so a provisioning report in that tenant's scope can
-- record its item's outcome.
CREATE TABLE bulk_requests (
    tenant_id text NOT NULL,
    actor_id text NOT NULL,
    idempotency_key text NOT NULL,
    operation text NOT NULL,
    fingerprint text NOT NULL,
    status_code integer,
    response jsonb,
    started_at timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    PRIMARY KEY (actor_id, idempotency_key)
);

CREATE TABLE bulk_jobs (
    id text PRIMARY KEY,
    tenant_id text NOT NULL,
    operation text NOT NULL,
    created_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE bulk_job_items (
    job_id text NOT NULL REFERENCES bulk_jobs (id),
    position integer NOT NULL,
    tenant_id text,
    location_id text NOT NULL,
    request_event_id text,
    state text NOT NULL CHECK (state IN ('pending', 'generated', 'failed', 'refused')),
    error text,
    detail text,
    finished_at timestamptz,
    PRIMARY KEY (job_id, position)
);
CREATE INDEX bulk_job_items_request ON bulk_job_items (request_event_id);

ALTER TABLE bulk_requests ENABLE ROW LEVEL SECURITY;
ALTER TABLE bulk_jobs ENABLE ROW LEVEL SECURITY;
ALTER TABLE bulk_job_items ENABLE ROW LEVEL SECURITY;

CREATE POLICY tenant_isolation ON bulk_requests USING (
    current_setting('app.tenant_id', true) = '*'
    OR tenant_id = current_setting('app.tenant_id', true)
);
CREATE POLICY tenant_isolation ON bulk_jobs USING (
    current_setting('app.tenant_id', true) = '*'
    OR tenant_id = current_setting('app.tenant_id', true)
);
CREATE POLICY tenant_isolation ON bulk_job_items USING (
    current_setting('app.tenant_id', true) = '*'
    OR tenant_id = current_setting('app.tenant_id', true)
);

GRANT SELECT, INSERT, UPDATE ON bulk_requests, bulk_job_items TO {{role}};
GRANT SELECT, INSERT ON bulk_jobs TO {{role}};
