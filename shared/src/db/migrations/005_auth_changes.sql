-- Changes that take powers away from tokens already issued, for every API instance to follow
-- (shared/src/auth/revocation-feed.ts): an account whose role changed or that was removed (every
-- token naming it), and a logged-out token (that one token). A token is honoured at most
-- JWT_EXPIRES_IN after it was issued, so a row older than that concerns no live token.
CREATE TABLE auth_changes (
  id               bigserial PRIMARY KEY,
  -- no foreign key: the account may be gone, and that is the news
  user_id          uuid NOT NULL,
  -- a logout: the token's id (its `jti`) and when it would have expired anyway; both NULL for an account change
  token_id         text CHECK (length(token_id) BETWEEN 1 AND 64),
  token_expires_at timestamptz,
  changed_at       timestamptz NOT NULL DEFAULT now(),
  -- The writing transaction. Readers poll by transaction horizon, not by id or time: a change whose
  -- transaction commits after a later one's is still read (an id or a timestamp would skip it).
  xid              xid8 NOT NULL DEFAULT pg_current_xact_id(),
  CONSTRAINT auth_changes_logout_complete CHECK ((token_id IS NULL) = (token_expires_at IS NULL))
);
CREATE INDEX auth_changes_xid_idx ON auth_changes (xid);
CREATE INDEX auth_changes_changed_at_idx ON auth_changes (changed_at);
-- Logging out twice with one token records it once.
CREATE UNIQUE INDEX auth_changes_token_id_key ON auth_changes (token_id) WHERE token_id IS NOT NULL;

-- Written by the database itself, so a change made any way at all (the API, the create-admin CLI,
-- psql, a test deleting a row) reaches every instance.
CREATE FUNCTION record_account_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO auth_changes (user_id) VALUES (OLD.id);
  RETURN NULL;
END
$$;

CREATE TRIGGER users_role_changed AFTER UPDATE OF role ON users
  FOR EACH ROW WHEN (OLD.role IS DISTINCT FROM NEW.role) EXECUTE FUNCTION record_account_change();
CREATE TRIGGER users_removed AFTER DELETE ON users
  FOR EACH ROW EXECUTE FUNCTION record_account_change();

-- GET /users: newest first, keyset pagination like the other lists.
CREATE INDEX users_created_idx ON users (created_at DESC, id DESC);
