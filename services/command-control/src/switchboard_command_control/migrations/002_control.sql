-- Every owner command (accepted, refused or denied), the operating-mode history, and heartbeats.
CREATE TABLE commands (
    command_id text PRIMARY KEY,
    command text NOT NULL,
    params jsonb NOT NULL DEFAULT '{}'::jsonb,
    actor_id text NOT NULL,
    actor_email text,
    actor_role text,
    outcome text NOT NULL CHECK (outcome IN ('success', 'failure', 'denied')),
    reason text,
    result jsonb,
    issued_at timestamptz NOT NULL
);
CREATE INDEX commands_issued_at ON commands (issued_at DESC);

CREATE TABLE states (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    mode text NOT NULL CHECK (mode IN ('running', 'maintenance', 'read_only')),
    reason text,
    changed_by text,
    command_id text REFERENCES commands (command_id),
    changed_at timestamptz NOT NULL
);

CREATE TABLE heartbeats (
    service text NOT NULL,
    instance text NOT NULL,
    ready boolean NOT NULL,
    mode text NOT NULL,
    last_seen_at timestamptz NOT NULL,
    PRIMARY KEY (service, instance)
);
CREATE INDEX heartbeats_last_seen_at ON heartbeats (last_seen_at DESC);

GRANT SELECT, INSERT ON commands, states TO {{role}};
GRANT SELECT, INSERT, UPDATE ON heartbeats TO {{role}};
