-- The head also keeps the hash before the newest, so that one statement can move the head and
-- insert the event that links to it (an UPDATE's RETURNING sees only the new values).
ALTER TABLE audit_head ADD COLUMN previous_hash text NOT NULL DEFAULT '';
