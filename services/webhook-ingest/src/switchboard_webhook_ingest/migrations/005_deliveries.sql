-- Deduplication: one row per accepted delivery, keyed per provider, kept at least 72 hours.
-- The row is inserted in the same transaction that publishes the event and commits only after
-- the broker acknowledged, so a failed publish leaves no key behind to swallow the retry.
CREATE TABLE deliveries (
    tenant_id text NOT NULL,
    provider text NOT NULL,
    dedup_key text NOT NULL,
    event_id uuid NOT NULL,
    token_id uuid NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, provider, dedup_key)
);
CREATE INDEX deliveries_by_age ON deliveries (received_at);

-- The delivery log: every request that reached a valid token, with its outcome.
CREATE TABLE delivery_log (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id text NOT NULL,
    token_id uuid NOT NULL,
    provider text NOT NULL,
    status text NOT NULL CHECK (status IN ('accepted', 'duplicate', 'ignored', 'rejected')),
    event_id uuid,
    detail text,
    received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX delivery_log_by_token ON delivery_log (token_id, received_at);
CREATE INDEX delivery_log_by_age ON delivery_log (received_at);

-- Per-tenant token buckets shared by every replica.
CREATE TABLE rate_buckets (
    tenant_id text PRIMARY KEY,
    tokens double precision NOT NULL,
    granted integer NOT NULL,
    updated_at timestamptz NOT NULL
);

ALTER TABLE deliveries ENABLE ROW LEVEL SECURITY;
ALTER TABLE delivery_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE rate_buckets ENABLE ROW LEVEL SECURITY;
CREATE POLICY deliveries_tenant ON deliveries
    USING (tenant_id = current_setting('app.tenant_id', true)
           OR current_setting('app.tenant_id', true) = '*')
    WITH CHECK (tenant_id = current_setting('app.tenant_id', true)
                OR current_setting('app.tenant_id', true) = '*');
CREATE POLICY delivery_log_tenant ON delivery_log
    USING (tenant_id = current_setting('app.tenant_id', true)
           OR current_setting('app.tenant_id', true) = '*')
    WITH CHECK (tenant_id = current_setting('app.tenant_id', true)
                OR current_setting('app.tenant_id', true) = '*');
CREATE POLICY rate_buckets_tenant ON rate_buckets
    USING (tenant_id = current_setting('app.tenant_id', true)
           OR current_setting('app.tenant_id', true) = '*')
    WITH CHECK (tenant_id = current_setting('app.tenant_id', true)
                OR current_setting('app.tenant_id', true) = '*');
GRANT SELECT, INSERT, DELETE ON deliveries TO {{role}};
GRANT SELECT, INSERT, DELETE ON delivery_log TO {{role}};
GRANT SELECT, INSERT, UPDATE, DELETE ON rate_buckets TO {{role}};

-- What a bucket holds now: its tokens plus the refill since it was last touched, capped at burst.
CREATE FUNCTION rate_refill(tokens double precision, touched timestamptz, rate double precision,
                            burst double precision)
RETURNS double precision
LANGUAGE sql STABLE
AS $$
    SELECT LEAST(burst, tokens + GREATEST(0, EXTRACT(EPOCH FROM statement_timestamp() - touched)) * rate)
$$;
GRANT EXECUTE ON FUNCTION rate_refill(double precision, timestamptz, double precision, double precision)
    TO {{role}};
