-- The vault schema. Flyway runs this as the owner role, in schema nexus; ${app_role} is the
-- application's login role, which gets only the rights listed at the end and is subject to the
-- row-level security policies on every tenant table.
--
-- Instants are kept exactly: a timestamptz column (microseconds, for queries and people) plus a
-- *_nanos column with the nano-of-second that Java's Instant has.

CREATE TABLE organization (
  id text PRIMARY KEY,
  name text NOT NULL,
  personal boolean NOT NULL,
  created_at timestamptz NOT NULL,
  created_at_nanos integer NOT NULL
);

CREATE TABLE membership (
  organization_id text NOT NULL REFERENCES organization (id),
  user_id text NOT NULL,
  role text NOT NULL CHECK (role IN ('GUEST', 'MEMBER', 'MANAGER', 'ADMIN')),
  PRIMARY KEY (organization_id, user_id)
);

-- OAuth grants. access_token and refresh_token hold Tink AEAD ciphertexts (AES-256-GCM) made by
-- the application; key_id names the keyset key that made them, so rotation can find old rows.
CREATE TABLE oauth_grant (
  organization_id text NOT NULL,
  user_id text NOT NULL,
  provider text NOT NULL,
  access_token bytea NOT NULL,
  refresh_token bytea,
  key_id bigint NOT NULL,
  expires_at timestamptz,
  expires_at_nanos integer,
  scopes text[] NOT NULL,
  account_label text,
  status text NOT NULL CHECK (status IN ('ACTIVE', 'NEEDS_RECONNECT')),
  updated_at timestamptz NOT NULL,
  updated_at_nanos integer NOT NULL,
  PRIMARY KEY (organization_id, user_id, provider)
);
CREATE INDEX oauth_grant_key_id ON oauth_grant (key_id);

CREATE TABLE conversation (
  organization_id text NOT NULL,
  id text NOT NULL,
  owner_id text NOT NULL,
  title text NOT NULL,
  created_at timestamptz NOT NULL,
  created_at_nanos integer NOT NULL,
  message_count integer NOT NULL DEFAULT 0,
  PRIMARY KEY (organization_id, id)
);
CREATE INDEX conversation_by_owner ON conversation (organization_id, owner_id, created_at DESC);

-- One row per message, in order. body is JSON written by the application (see MessageCodec).
CREATE TABLE conversation_message (
  organization_id text NOT NULL,
  conversation_id text NOT NULL,
  position integer NOT NULL,
  kind text NOT NULL CHECK (kind IN ('user', 'assistant', 'tool_result')),
  body text NOT NULL,
  PRIMARY KEY (organization_id, conversation_id, position),
  FOREIGN KEY (organization_id, conversation_id) REFERENCES conversation (organization_id, id)
);

CREATE TABLE approval (
  organization_id text NOT NULL,
  id text NOT NULL,
  conversation_id text NOT NULL,
  requester_id text NOT NULL,
  requester_role text NOT NULL,
  tool_call_id text NOT NULL,
  tool_name text NOT NULL,
  arguments text NOT NULL,
  risk text NOT NULL,
  status text NOT NULL CHECK (status IN ('PENDING', 'APPROVED', 'EXECUTING', 'EXECUTED', 'FAILED',
    'OUTCOME_UNKNOWN', 'DENIED', 'EXPIRED')),
  created_at timestamptz NOT NULL,
  created_at_nanos integer NOT NULL,
  expires_at timestamptz NOT NULL,
  expires_at_nanos integer NOT NULL,
  decided_by text,
  decided_at timestamptz,
  decided_at_nanos integer,
  outcome text,
  PRIMARY KEY (organization_id, id)
);
CREATE INDEX approval_by_status ON approval (organization_id, status, created_at);
CREATE INDEX approval_by_conversation ON approval (organization_id, conversation_id, created_at);

-- The audit log: append-only for the application role, one hash chain per organization.
CREATE TABLE audit_event (
  organization_id text NOT NULL,
  sequence bigint NOT NULL,
  at timestamptz NOT NULL,
  at_nanos integer NOT NULL,
  actor_id text,
  action text NOT NULL,
  target text NOT NULL,
  details text NOT NULL,
  previous_hash text NOT NULL,
  hash text NOT NULL,
  PRIMARY KEY (organization_id, sequence)
);

-- The newest record of each organization's chain. Appends lock this row, which serializes them
-- per organization, and verification compares it with the last record to find a removed tail.
CREATE TABLE audit_head (
  organization_id text PRIMARY KEY,
  sequence bigint NOT NULL,
  hash text NOT NULL
);

-- Tuples of the embedded authorization evaluator. They are not tenant rows (an object such as
-- document:7f3c names no organization), so this table has no row-level security: only the
-- evaluator reads it, and the evaluator answers per organization.
CREATE TABLE relationship_tuple (
  object_type text NOT NULL,
  object_id text NOT NULL,
  relation text NOT NULL,
  subject_type text NOT NULL,
  subject_id text NOT NULL,
  subject_relation text NOT NULL DEFAULT '',
  PRIMARY KEY (object_type, object_id, relation, subject_type, subject_id, subject_relation)
);

-- Row-level security: a row is visible and writable only inside a transaction whose
-- nexus.organization setting names its organization. Without the setting nothing matches.
ALTER TABLE organization ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON organization
  USING (id = current_setting('nexus.organization', true))
  WITH CHECK (id = current_setting('nexus.organization', true));

ALTER TABLE membership ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON membership
  USING (organization_id = current_setting('nexus.organization', true))
  WITH CHECK (organization_id = current_setting('nexus.organization', true));

ALTER TABLE oauth_grant ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON oauth_grant
  USING (organization_id = current_setting('nexus.organization', true))
  WITH CHECK (organization_id = current_setting('nexus.organization', true));

ALTER TABLE conversation ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON conversation
  USING (organization_id = current_setting('nexus.organization', true))
  WITH CHECK (organization_id = current_setting('nexus.organization', true));

ALTER TABLE conversation_message ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON conversation_message
  USING (organization_id = current_setting('nexus.organization', true))
  WITH CHECK (organization_id = current_setting('nexus.organization', true));

ALTER TABLE approval ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON approval
  USING (organization_id = current_setting('nexus.organization', true))
  WITH CHECK (organization_id = current_setting('nexus.organization', true));

ALTER TABLE audit_event ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON audit_event
  USING (organization_id = current_setting('nexus.organization', true))
  WITH CHECK (organization_id = current_setting('nexus.organization', true));

ALTER TABLE audit_head ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON audit_head
  USING (organization_id = current_setting('nexus.organization', true))
  WITH CHECK (organization_id = current_setting('nexus.organization', true));

-- Key rotation walks every organization that has grants. The application role cannot list them
-- itself (that is the point of the policies), so this function, running as the owner, returns
-- the organization ids and nothing else.
CREATE FUNCTION grant_organizations() RETURNS SETOF text
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = nexus, pg_temp
  AS $$ SELECT DISTINCT organization_id FROM nexus.oauth_grant ORDER BY 1 $$;

-- What the application role may do, and no more. No DELETE or UPDATE on audit_event: the log is
-- append-only for it.
REVOKE ALL ON ALL TABLES IN SCHEMA nexus FROM PUBLIC;
REVOKE ALL ON FUNCTION grant_organizations() FROM PUBLIC;
GRANT USAGE ON SCHEMA nexus TO ${app_role};
GRANT SELECT, INSERT, UPDATE ON organization TO ${app_role};
GRANT SELECT, INSERT, UPDATE, DELETE ON membership TO ${app_role};
GRANT SELECT, INSERT, UPDATE, DELETE ON oauth_grant TO ${app_role};
GRANT SELECT, INSERT, UPDATE ON conversation TO ${app_role};
GRANT SELECT, INSERT ON conversation_message TO ${app_role};
GRANT SELECT, INSERT, UPDATE ON approval TO ${app_role};
GRANT SELECT, INSERT ON audit_event TO ${app_role};
GRANT SELECT, INSERT, UPDATE ON audit_head TO ${app_role};
GRANT SELECT, INSERT, DELETE ON relationship_tuple TO ${app_role};
GRANT EXECUTE ON FUNCTION grant_organizations() TO ${app_role};
