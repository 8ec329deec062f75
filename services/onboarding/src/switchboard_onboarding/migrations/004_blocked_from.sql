-- The status a blocked location was blocked from, so unblocking can return it there.
ALTER TABLE locations ADD COLUMN blocked_from text;
