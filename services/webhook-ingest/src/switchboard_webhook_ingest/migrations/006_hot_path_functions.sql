-- The two statements of every webhook, each one round trip. They run with the caller's rights
-- (row-level security applies) and set the tenant scope themselves for their transaction.

-- Admission: take up to p_want whole tokens from the tenant's bucket (the row lock lasts one
-- statement; p_want = 0 leaves the bucket alone), read the sealed provider secrets and, when
-- asked, record that the token was used. A replica leases tokens in small batches, so the shared
-- bucket row is touched once per batch rather than once per webhook.
CREATE FUNCTION admit_webhook(p_tenant text, p_provider text, p_token uuid,
                              p_rate double precision, p_burst double precision, p_want integer,
                              p_touch boolean)
RETURNS TABLE (granted integer, bucket_tokens double precision, sealed_secrets bytea)
LANGUAGE plpgsql
AS $$
BEGIN
    PERFORM set_config('app.tenant_id', p_tenant, true);
    granted := 0;
    bucket_tokens := 0;
    IF p_want > 0 THEN
        INSERT INTO rate_buckets AS b (tenant_id, tokens, granted, updated_at)
        VALUES (p_tenant, p_burst - LEAST(p_want, floor(p_burst)), LEAST(p_want, floor(p_burst)),
                statement_timestamp())
        ON CONFLICT (tenant_id) DO UPDATE SET
            tokens = rate_refill(b.tokens, b.updated_at, p_rate, p_burst)
                - GREATEST(0, LEAST(p_want, floor(rate_refill(b.tokens, b.updated_at, p_rate, p_burst)))),
            granted = GREATEST(0, LEAST(p_want, floor(rate_refill(b.tokens, b.updated_at, p_rate, p_burst)))),
            updated_at = statement_timestamp()
        RETURNING b.granted, b.tokens INTO granted, bucket_tokens;
    END IF;
    SELECT s.sealed INTO sealed_secrets
    FROM provider_secrets s WHERE s.tenant_id = p_tenant AND s.provider = p_provider;
    IF p_touch THEN
        UPDATE webhook_tokens SET last_used_at = now() WHERE id = p_token;
    END IF;
    RETURN NEXT;
END
$$;

-- Deduplication: claim the key and log the outcome in one statement. The caller's transaction
-- stays open while it publishes and commits only after the broker acknowledged.
CREATE FUNCTION claim_delivery(p_tenant text, p_provider text, p_key text, p_event uuid,
                               p_token uuid)
RETURNS boolean
LANGUAGE plpgsql
AS $$
DECLARE
    claimed boolean;
BEGIN
    PERFORM set_config('app.tenant_id', p_tenant, true);
    INSERT INTO deliveries (tenant_id, provider, dedup_key, event_id, token_id)
    VALUES (p_tenant, p_provider, p_key, p_event, p_token)
    ON CONFLICT DO NOTHING;
    claimed := FOUND;
    INSERT INTO delivery_log (tenant_id, token_id, provider, status, event_id)
    VALUES (p_tenant, p_token, p_provider,
            CASE WHEN claimed THEN 'accepted' ELSE 'duplicate' END, p_event);
    RETURN claimed;
END
$$;

GRANT EXECUTE ON FUNCTION admit_webhook(text, text, uuid, double precision, double precision,
                                        integer, boolean)
    TO {{role}};
GRANT EXECUTE ON FUNCTION claim_delivery(text, text, text, uuid, uuid) TO {{role}};
