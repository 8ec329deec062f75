-- The log becomes an RFC 9162 Merkle tree: leaf index = seq - 1, so seq has no gaps and is
-- given by the single writer (an identity would leave holes after a rollback).
ALTER TABLE entries ALTER COLUMN seq DROP IDENTITY IF EXISTS;
ALTER TABLE entries DROP COLUMN prev_hash, DROP COLUMN hash;
-- Entries of the former hash chain are renumbered without gaps (in their order), once; the
-- service then grows the tree over them before it appends anything new.
ALTER TABLE entries DISABLE TRIGGER entries_append_only;
UPDATE entries e SET seq = -r.rn
    FROM (SELECT seq, row_number() OVER (ORDER BY seq) AS rn FROM entries) r
    WHERE e.seq = r.seq;
UPDATE entries SET seq = -seq;
ALTER TABLE entries ENABLE TRIGGER entries_append_only;
ALTER TABLE entries ADD CONSTRAINT entries_seq_positive CHECK (seq > 0);

-- Every complete subtree: (level, idx) covers leaves [idx * 2^level, (idx + 1) * 2^level).
-- A leaf (level 0) also keeps the canonical bytes it is the hash of (docs/audit-log.md).
CREATE TABLE tree_nodes (
    level smallint NOT NULL CHECK (level BETWEEN 0 AND 62),
    idx bigint NOT NULL CHECK (idx >= 0),
    hash bytea NOT NULL CHECK (length(hash) = 32),
    data text CHECK ((level = 0) = (data IS NOT NULL)),
    PRIMARY KEY (level, idx)
);

-- Ed25519 keys that sign checkpoints; the private half sealed under SECRETS_KEY.
CREATE TABLE signing_keys (
    key_id text PRIMARY KEY,
    name text NOT NULL,
    public_key bytea NOT NULL CHECK (length(public_key) = 32),
    sealed_private_key bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    retired_at timestamptz
);

-- Signed checkpoints (C2SP tlog-checkpoint notes), newest last.
CREATE TABLE checkpoints (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tree_size bigint NOT NULL CHECK (tree_size >= 0),
    root_hash bytea NOT NULL CHECK (length(root_hash) = 32),
    key_id text NOT NULL,
    note text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX checkpoints_tree_size ON checkpoints (tree_size);

-- Which checkpoint a verification reached, so the next one starts there.
CREATE TABLE verifications (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    checkpoint_id bigint NOT NULL REFERENCES checkpoints (id),
    tree_size bigint NOT NULL,
    root_hash bytea NOT NULL,
    verified_at timestamptz NOT NULL DEFAULT now()
);

CREATE TRIGGER tree_nodes_append_only BEFORE UPDATE OR DELETE ON tree_nodes
    FOR EACH ROW EXECUTE FUNCTION reject_entry_change();
CREATE TRIGGER tree_nodes_no_truncate BEFORE TRUNCATE ON tree_nodes
    FOR EACH STATEMENT EXECUTE FUNCTION reject_entry_change();
CREATE TRIGGER checkpoints_append_only BEFORE UPDATE OR DELETE ON checkpoints
    FOR EACH ROW EXECUTE FUNCTION reject_entry_change();
CREATE TRIGGER checkpoints_no_truncate BEFORE TRUNCATE ON checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION reject_entry_change();

GRANT SELECT, INSERT ON tree_nodes, checkpoints, verifications TO {{role}};
GRANT SELECT, INSERT ON signing_keys TO {{role}};
GRANT UPDATE (retired_at) ON signing_keys TO {{role}};
