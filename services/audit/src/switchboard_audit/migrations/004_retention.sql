-- Retention: entries past their time are archived, then removed through a role kept for that
-- purpose (<schema>_retention, no login: the owner's session takes it with SET ROLE). The tree
-- keeps every hash; only the removed leaves' bytes go, so the rest stays provable.
ALTER TABLE tree_nodes DROP CONSTRAINT tree_nodes_check;
ALTER TABLE tree_nodes ADD CONSTRAINT tree_nodes_data_only_in_leaves
    CHECK (level = 0 OR data IS NULL);

CREATE TABLE retention_marks (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    removed_through bigint NOT NULL CHECK (removed_through > 0),
    root_hash bytea NOT NULL CHECK (length(root_hash) = 32),
    checkpoint_id bigint NOT NULL REFERENCES checkpoints (id),
    archive text NOT NULL,
    archive_sha256 text NOT NULL,
    removed_at timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER retention_marks_append_only BEFORE UPDATE OR DELETE ON retention_marks
    FOR EACH ROW EXECUTE FUNCTION reject_entry_change();
GRANT SELECT ON retention_marks TO {{role}};

DO $$
DECLARE
    retention text := current_schema() || '_retention';
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = retention) THEN
        EXECUTE format('CREATE ROLE %I NOLOGIN NOSUPERUSER NOBYPASSRLS', retention);
    END IF;
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', current_schema(), retention);
    EXECUTE format('GRANT SELECT, DELETE ON entries TO %I', retention);
    EXECUTE format('GRANT SELECT, UPDATE (data) ON tree_nodes TO %I', retention);
    EXECUTE format('GRANT SELECT, INSERT ON retention_marks TO %I', retention);
    EXECUTE format('GRANT SELECT ON checkpoints TO %I', retention);
    EXECUTE format('CREATE POLICY entries_retention ON entries FOR ALL TO %I USING (true)',
                   retention);
END
$$;

-- The one exception to append-only: the retention role deletes entries and clears the bytes of
-- their leaves, nothing else (a leaf's hash, and every other node, never change).
CREATE OR REPLACE FUNCTION reject_entry_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_user = TG_TABLE_SCHEMA || '_retention' THEN
        IF TG_TABLE_NAME = 'entries' AND TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        IF TG_TABLE_NAME = 'tree_nodes' AND TG_OP = 'UPDATE' THEN
            IF NEW.level = OLD.level AND NEW.idx = OLD.idx AND NEW.hash = OLD.hash
               AND NEW.data IS NULL THEN
                RETURN NEW;
            END IF;
        END IF;
    END IF;
    RAISE EXCEPTION 'audit entries are append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
