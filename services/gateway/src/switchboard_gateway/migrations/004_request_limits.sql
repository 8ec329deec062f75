-- Requests per client address in fixed windows, shared by every gateway replica.
CREATE TABLE request_counts (
    bucket text NOT NULL,
    window_start timestamptz NOT NULL,
    requests integer NOT NULL DEFAULT 1,
    PRIMARY KEY (bucket, window_start)
);
CREATE INDEX request_counts_window ON request_counts (window_start);
GRANT SELECT, INSERT, UPDATE, DELETE ON request_counts TO {{role}};
