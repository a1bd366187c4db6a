-- 0002: browser sessions, login throttling, one-time passwords.
-- Columns ending in _us are microseconds since the Unix epoch (UTC), for expiry arithmetic;
-- the others follow 0001 (ISO 8601 UTC text).

-- A user flagged here may only change their password (first-start administrator, accounts
-- created with a password someone else chose).
ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0
  CHECK (must_change_password IN (0, 1));
ALTER TABLE users ADD COLUMN password_changed_at TEXT;

-- Browser sessions. The cookie carries a 256-bit random secret; only its SHA-256 is stored.
-- A session ends at revoked_us, after idle_timeout of inactivity (last_seen_us), or at
-- expires_us (absolute), whichever comes first.
CREATE TABLE sessions (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id      INTEGER NOT NULL REFERENCES users(id),
  secret_hash  TEXT NOT NULL UNIQUE,
  created_us   INTEGER NOT NULL,
  last_seen_us INTEGER NOT NULL,
  expires_us   INTEGER NOT NULL,
  revoked_us   INTEGER,
  address      TEXT NOT NULL DEFAULT '',
  user_agent   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions(user_id);

-- Failed sign-ins, counted per e-mail (whether or not an account exists) and per client
-- address within a sliding window. Rows older than the window are pruned.
CREATE TABLE login_failures (
  id      INTEGER PRIMARY KEY AUTOINCREMENT,
  at_us   INTEGER NOT NULL,
  email   TEXT NOT NULL COLLATE NOCASE,
  address TEXT NOT NULL
);
CREATE INDEX login_failures_email ON login_failures(email, at_us);
CREATE INDEX login_failures_address ON login_failures(address, at_us);
