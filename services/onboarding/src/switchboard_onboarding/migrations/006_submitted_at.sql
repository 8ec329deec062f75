-- When the location was last submitted, so the time to a decision can be measured.
ALTER TABLE locations ADD COLUMN submitted_at timestamptz;
