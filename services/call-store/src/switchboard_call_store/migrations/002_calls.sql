-- Tenant-owned call records, contacts, transcripts and the recording fetch queue.
-- Every table carries tenant_id; row-level security (enabled and forced) admits a row only
-- when it belongs to the transaction's tenant (app.tenant_id) or the scope is every tenant ('*').

CREATE TABLE contacts (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id text NOT NULL,
    lead_id text NOT NULL,
    phone text,
    name text,
    email text,
    status text,
    last_event_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, lead_id),
    UNIQUE (tenant_id, id)
);

CREATE TABLE calls (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id text NOT NULL,
    call_id text NOT NULL,
    provider text NOT NULL,
    direction text,
    phone_number text,
    agent_name text,
    disposition text,
    duration_sec double precision,
    campaign text,
    lead_id text,
    contact_id uuid,
    started_at timestamptz,
    ended_at timestamptz,
    recording_url text,
    summary text,
    qa_score double precision,
    status text NOT NULL,
    last_event_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    sort_at timestamptz GENERATED ALWAYS AS (COALESCE(started_at, created_at)) STORED,
    UNIQUE (tenant_id, call_id),
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, contact_id) REFERENCES contacts (tenant_id, id)
);
CREATE INDEX calls_tenant_sort ON calls (tenant_id, sort_at DESC, id DESC);
CREATE INDEX calls_sort ON calls (sort_at DESC, id DESC);
CREATE INDEX calls_tenant_lead ON calls (tenant_id, lead_id) WHERE lead_id IS NOT NULL;

CREATE TABLE transcripts (
    call_pk uuid PRIMARY KEY,
    tenant_id text NOT NULL,
    text text,
    segments jsonb NOT NULL DEFAULT '[]'::jsonb,
    lang text NOT NULL DEFAULT 'en',
    engine text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (tenant_id, call_pk) REFERENCES calls (tenant_id, id)
);

-- Seed 004's pending recordings: fetched at once when the call has ended, otherwise two
-- minutes after its estimated end (start + five minutes).
CREATE TABLE recording_jobs (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id text NOT NULL,
    call_pk uuid NOT NULL,
    call_id text NOT NULL,
    lead_id text,
    status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed')),
    attempts integer NOT NULL DEFAULT 0,
    retry_phase text NOT NULL DEFAULT 'quick',
    scheduled_for timestamptz NOT NULL,
    call_started_at timestamptz,
    call_ended_at timestamptz,
    estimated_end_time timestamptz,
    last_error text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, call_pk),
    FOREIGN KEY (tenant_id, call_pk) REFERENCES calls (tenant_id, id)
);
CREATE INDEX recording_jobs_due ON recording_jobs (scheduled_for) WHERE status = 'pending';

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['contacts', 'calls', 'transcripts', 'recording_jobs'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format(
            'CREATE POLICY tenant_isolation ON %I USING (%s) WITH CHECK (%s)', t,
            'tenant_id = current_setting(''app.tenant_id'', true) '
            'OR current_setting(''app.tenant_id'', true) = ''*''',
            'tenant_id = current_setting(''app.tenant_id'', true) '
            'OR current_setting(''app.tenant_id'', true) = ''*'''
        );
    END LOOP;
END $$;

GRANT SELECT, INSERT, UPDATE ON contacts, calls, transcripts, recording_jobs TO {{role}};
