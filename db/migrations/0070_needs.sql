-- 0070 (issue 17): research guided by industrial needs. A partner posts a need (NEED-000001);
-- start-ups answer with responses (RSP-000001) that share chosen records with that partner
-- only (grants, revocable), ask and answer in a thread, and open research projects
-- (PRJ-000001) against it. Notifications are per user (numbered per user, so one user's
-- numbers say nothing about anybody else's); e-mails wait in an outbox when SMTP is set.
-- Times are ISO 8601 UTC text, dates YYYY-MM-DD. Record kinds in shares and project links are
-- checked in C++ (db/need_store.cpp), so a new kind of record needs no table rebuild.

CREATE TABLE needs (
  id                  INTEGER PRIMARY KEY AUTOINCREMENT,
  partner_id          INTEGER NOT NULL REFERENCES users(id),
  company             TEXT NOT NULL DEFAULT '' CHECK (length(company) <= 200),
  -- 0: start-ups see "an industrial partner" until the partner chooses to show its company.
  company_disclosed   INTEGER NOT NULL DEFAULT 0 CHECK (company_disclosed IN (0, 1)),
  title               TEXT NOT NULL CHECK (length(trim(title)) BETWEEN 1 AND 200),
  statement           TEXT NOT NULL CHECK (length(trim(statement)) BETWEEN 1 AND 20000),
  sector              TEXT NOT NULL DEFAULT '',
  function            TEXT NOT NULL DEFAULT '',
  properties          TEXT NOT NULL DEFAULT '[]',  -- [{key, label, min, max, unit, required}]
  regulatory          TEXT NOT NULL DEFAULT '[]',  -- ["reach_registered", "food_contact", ...]
  deadline            TEXT,
  structure_type      TEXT CHECK (structure_type IN ('substructure', 'similarity', 'replace')),
  structure_threshold REAL CHECK (structure_threshold IS NULL OR
                                  (structure_threshold > 0 AND structure_threshold <= 1)),
  visibility          TEXT NOT NULL DEFAULT 'public'
                        CHECK (visibility IN ('public', 'cluster', 'named')),
  status              TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
  outcome             TEXT CHECK (outcome IN ('solution_found', 'no_suitable_proposal',
                                              'solved_elsewhere', 'withdrawn')),
  outcome_response_id INTEGER REFERENCES need_responses(id),
  outcome_note        TEXT NOT NULL DEFAULT '',
  created_at          TEXT NOT NULL,
  created_by          INTEGER REFERENCES users(id),
  updated_at          TEXT NOT NULL,
  closed_at           TEXT,
  CHECK ((status = 'closed') = (outcome IS NOT NULL))
);
CREATE INDEX needs_partner ON needs(partner_id);
CREATE INDEX needs_status ON needs(status);

-- The structure criterion: one row for a substructure or a similarity reference, one per
-- molecule for "replace". The query as the chemistry worker accepted it is kept, so matching
-- re-reads it without running chemistry on untrusted text again.
CREATE TABLE need_structures (
  need_id          INTEGER NOT NULL REFERENCES needs(id),
  position         INTEGER NOT NULL CHECK (position >= 1),
  input            TEXT NOT NULL,
  input_format     TEXT NOT NULL DEFAULT '',
  query_format     TEXT NOT NULL DEFAULT '',
  query_text       TEXT NOT NULL DEFAULT '',
  pattern_fp       BLOB,
  query_atoms      INTEGER NOT NULL DEFAULT 0,
  screen_bits      INTEGER NOT NULL DEFAULT 0,
  canonical_smiles TEXT NOT NULL DEFAULT '',
  morgan_fp        BLOB,
  PRIMARY KEY (need_id, position)
);

-- Visibility 'named': the start-ups invited to see the need.
CREATE TABLE need_audience (
  need_id     INTEGER NOT NULL REFERENCES needs(id),
  start_up_id INTEGER NOT NULL REFERENCES start_ups(id),
  PRIMARY KEY (need_id, start_up_id)
);
CREATE INDEX need_audience_start_up ON need_audience(start_up_id);

-- A start-up's answer to a need: one per start-up and need.
CREATE TABLE need_responses (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  need_id     INTEGER NOT NULL REFERENCES needs(id),
  start_up_id INTEGER NOT NULL REFERENCES start_ups(id),
  summary     TEXT NOT NULL CHECK (length(trim(summary)) BETWEEN 1 AND 20000),
  status      TEXT NOT NULL DEFAULT 'submitted'
                CHECK (status IN ('submitted', 'shortlisted', 'declined', 'selected', 'withdrawn')),
  created_at  TEXT NOT NULL,
  created_by  INTEGER REFERENCES users(id),
  updated_at  TEXT NOT NULL,
  UNIQUE (need_id, start_up_id)
);
CREATE INDEX need_responses_start_up ON need_responses(start_up_id);

-- Sharing grants: a record of the responding start-up shown to the need's partner through
-- this response only. Revoking keeps the row (revoked_at) for the audit trail.
CREATE TABLE need_response_shares (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  response_id INTEGER NOT NULL REFERENCES need_responses(id),
  record_type TEXT NOT NULL,
  record_id   INTEGER NOT NULL,
  note        TEXT NOT NULL DEFAULT '',
  granted_at  TEXT NOT NULL,
  granted_by  INTEGER REFERENCES users(id),
  revoked_at  TEXT,
  revoked_by  INTEGER REFERENCES users(id)
);
CREATE INDEX need_response_shares_response ON need_response_shares(response_id);
CREATE UNIQUE INDEX need_response_shares_live
  ON need_response_shares(response_id, record_type, record_id) WHERE revoked_at IS NULL;

-- Questions and answers between the partner and the responding start-up.
CREATE TABLE need_response_messages (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  response_id INTEGER NOT NULL REFERENCES need_responses(id),
  author_id   INTEGER REFERENCES users(id),
  side        TEXT NOT NULL CHECK (side IN ('partner', 'start_up', 'cluster')),
  body        TEXT NOT NULL CHECK (length(trim(body)) BETWEEN 1 AND 10000),
  created_at  TEXT NOT NULL
);
CREATE INDEX need_response_messages_response ON need_response_messages(response_id);

-- A start-up's research project against a need, and the work it links to it.
CREATE TABLE need_projects (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  need_id       INTEGER NOT NULL REFERENCES needs(id),
  start_up_id   INTEGER NOT NULL REFERENCES start_ups(id),
  title         TEXT NOT NULL CHECK (length(trim(title)) BETWEEN 1 AND 200),
  summary       TEXT NOT NULL DEFAULT '',
  stage         TEXT NOT NULL DEFAULT 'framing'
                  CHECK (stage IN ('framing', 'lab', 'pilot', 'industrial_trial', 'delivered')),
  trl           INTEGER NOT NULL DEFAULT 1 CHECK (trl BETWEEN 1 AND 9),
  -- What the need's partner sees: nothing, that a project exists, its stage, or stage and TRL.
  disclosure    TEXT NOT NULL DEFAULT 'hidden'
                  CHECK (disclosure IN ('hidden', 'exists', 'stage', 'stage_trl')),
  show_start_up INTEGER NOT NULL DEFAULT 0 CHECK (show_start_up IN (0, 1)),
  status        TEXT NOT NULL DEFAULT 'active'
                  CHECK (status IN ('active', 'paused', 'stopped', 'completed')),
  created_at    TEXT NOT NULL,
  created_by    INTEGER REFERENCES users(id),
  updated_at    TEXT NOT NULL
);
CREATE INDEX need_projects_need ON need_projects(need_id);
CREATE INDEX need_projects_start_up ON need_projects(start_up_id);

CREATE TABLE need_project_links (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  project_id  INTEGER NOT NULL REFERENCES need_projects(id),
  record_type TEXT NOT NULL,
  record_id   INTEGER NOT NULL,
  linked_at   TEXT NOT NULL,
  linked_by   INTEGER REFERENCES users(id),
  removed_at  TEXT,
  removed_by  INTEGER REFERENCES users(id)
);
CREATE INDEX need_project_links_project ON need_project_links(project_id);
CREATE UNIQUE INDEX need_project_links_live
  ON need_project_links(project_id, record_type, record_id) WHERE removed_at IS NULL;

-- The in-app inbox. `number` counts per user (1, 2, 3...): the only identifier a user sees.
CREATE TABLE notifications (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id     INTEGER NOT NULL REFERENCES users(id),
  number      INTEGER NOT NULL CHECK (number >= 1),
  kind        TEXT NOT NULL,
  need_id     INTEGER REFERENCES needs(id),
  response_id INTEGER REFERENCES need_responses(id),
  project_id  INTEGER REFERENCES need_projects(id),
  params      TEXT NOT NULL DEFAULT '{}',
  created_at  TEXT NOT NULL,
  read_at     TEXT,
  UNIQUE (user_id, number)
);
CREATE INDEX notifications_unread ON notifications(user_id, read_at);

-- The matches already announced, per audience: a partner (audience_id = users.id) for
-- public matches, a start-up (audience_id = start_ups.id) for its own records. A match is
-- announced once, when the watcher first sees it.
CREATE TABLE need_match_notices (
  need_id       INTEGER NOT NULL REFERENCES needs(id),
  audience      TEXT NOT NULL CHECK (audience IN ('partner', 'start_up')),
  audience_id   INTEGER NOT NULL,
  record_type   TEXT NOT NULL,
  record_id     INTEGER NOT NULL,
  first_seen_at TEXT NOT NULL,
  PRIMARY KEY (need_id, audience, audience_id, record_type, record_id)
);

-- E-mails of notifications, sent by the server's mailer when argan.smtp_host is set.
CREATE TABLE mail_outbox (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id         INTEGER REFERENCES users(id),
  to_address      TEXT NOT NULL,
  subject         TEXT NOT NULL,
  body            TEXT NOT NULL,
  created_at      TEXT NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_us INTEGER NOT NULL DEFAULT 0,
  sent_at         TEXT,
  failed_at       TEXT,
  last_error      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX mail_outbox_pending ON mail_outbox(sent_at, failed_at, next_attempt_us);

-- Needs, responses, grants, threads and projects are kept: closed, withdrawn, revoked,
-- removed — never deleted.
CREATE TRIGGER needs_no_delete BEFORE DELETE ON needs
BEGIN SELECT RAISE(ABORT, 'needs are closed, never deleted'); END;
CREATE TRIGGER need_responses_no_delete BEFORE DELETE ON need_responses
BEGIN SELECT RAISE(ABORT, 'responses are withdrawn, never deleted'); END;
CREATE TRIGGER need_response_shares_no_delete BEFORE DELETE ON need_response_shares
BEGIN SELECT RAISE(ABORT, 'sharing grants are revoked, never deleted'); END;
CREATE TRIGGER need_response_messages_no_update BEFORE UPDATE ON need_response_messages
BEGIN SELECT RAISE(ABORT, 'response messages are append-only'); END;
CREATE TRIGGER need_response_messages_no_delete BEFORE DELETE ON need_response_messages
BEGIN SELECT RAISE(ABORT, 'response messages are append-only'); END;
CREATE TRIGGER need_projects_no_delete BEFORE DELETE ON need_projects
BEGIN SELECT RAISE(ABORT, 'projects are stopped, never deleted'); END;
CREATE TRIGGER need_project_links_no_delete BEFORE DELETE ON need_project_links
BEGIN SELECT RAISE(ABORT, 'project links are removed with a date, never deleted'); END;
