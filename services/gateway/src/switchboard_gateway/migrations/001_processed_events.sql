-- Event ids this service has processed, recorded in the same transaction as their effects.
CREATE TABLE processed_events (
    event_id text PRIMARY KEY,
    processed_at timestamptz NOT NULL DEFAULT now()
);
GRANT SELECT, INSERT ON processed_events TO {{role}};
