-- What each instance reports of its build and of the consumer groups it belongs to.
ALTER TABLE heartbeats
    ADD COLUMN version text,
    ADD COLUMN commit text,
    ADD COLUMN consumer_groups jsonb NOT NULL DEFAULT '{}'::jsonb;
