-- OAuth connect flows between the consent redirect and the callback, shared by every node so a
-- callback may land on any of them. The state itself is not kept, only its SHA-256; the PKCE
-- verifier is encrypted like a grant's tokens. A row is taken with DELETE ... RETURNING, so of
-- racing callbacks exactly one gets it.
--
-- No row-level security: the callback does not know the organization until it has read the row
-- (the state is its only key, and it names no organization). Only the connect flow reads it.
CREATE TABLE connection_attempt (
  state_hash bytea PRIMARY KEY,
  organization_id text NOT NULL,
  user_id text NOT NULL,
  provider text NOT NULL,
  verifier bytea NOT NULL,
  expires_at timestamptz NOT NULL,
  expires_at_nanos integer NOT NULL
);

CREATE INDEX connection_attempt_expiry ON connection_attempt (expires_at);

GRANT SELECT, INSERT, DELETE ON connection_attempt TO ${app_role};
