-- Deduplication for a batch of webhooks in one statement (group commit): claims each new key,
-- logs every request's outcome and returns the event ids it claimed. The first request of a
-- batch that carries a new key is "accepted", every other one a "duplicate". Tenants are taken
-- one at a time, each under its own row-level-security scope, in key order so that two batches
-- never wait on each other's keys in opposite orders.
CREATE FUNCTION claim_deliveries(p_tenants text[], p_providers text[], p_keys text[],
                                 p_events uuid[], p_tokens uuid[])
RETURNS SETOF uuid
LANGUAGE plpgsql
AS $$
DECLARE
    tenant text;
    claimed uuid[];
BEGIN
    FOR tenant IN SELECT DISTINCT t FROM unnest(p_tenants) AS t ORDER BY t LOOP
        PERFORM set_config('app.tenant_id', tenant, true);
        WITH inserted AS (
            INSERT INTO deliveries (tenant_id, provider, dedup_key, event_id, token_id)
            SELECT DISTINCT ON (r.provider, r.dedup_key)
                   r.tenant_id, r.provider, r.dedup_key, r.event_id, r.token_id
            FROM unnest(p_tenants, p_providers, p_keys, p_events, p_tokens)
                 AS r (tenant_id, provider, dedup_key, event_id, token_id)
            WHERE r.tenant_id = tenant
            ORDER BY r.provider, r.dedup_key
            ON CONFLICT DO NOTHING
            RETURNING event_id
        )
        SELECT coalesce(array_agg(event_id), '{}') INTO claimed FROM inserted;
        INSERT INTO delivery_log (tenant_id, token_id, provider, status, event_id)
        SELECT r.tenant_id, r.token_id, r.provider,
               CASE WHEN r.nth = 1 AND r.event_id = ANY (claimed) THEN 'accepted'
                    ELSE 'duplicate' END,
               r.event_id
        FROM (
            SELECT u.*, row_number() OVER (PARTITION BY u.event_id ORDER BY u.position) AS nth
            FROM unnest(p_tenants, p_providers, p_keys, p_events, p_tokens) WITH ORDINALITY
                 AS u (tenant_id, provider, dedup_key, event_id, token_id, position)
            WHERE u.tenant_id = tenant
        ) AS r
        ORDER BY r.position;
        RETURN QUERY SELECT unnest(claimed);
    END LOOP;
END
$$;

GRANT EXECUTE ON FUNCTION claim_deliveries(text[], text[], text[], uuid[], uuid[]) TO {{role}};

DROP FUNCTION claim_delivery(text, text, text, uuid, uuid);
