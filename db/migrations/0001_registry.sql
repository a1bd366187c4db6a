-- 0001: start-ups, users and tokens, the compound registry (parents, forms, batches) and
-- the hash-chained audit log. Times are ISO 8601 UTC text; visibility is one of
-- 'start-up' | 'cluster' | 'public'.

CREATE TABLE start_ups (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  name        TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(trim(name)) BETWEEN 1 AND 200),
  sector      TEXT NOT NULL CHECK (sector IN ('green_chemicals', 'waste_collection',
                'waste_transport', 'waste_transformation', 'valorisation')),
  status      TEXT NOT NULL DEFAULT 'incubating'
                CHECK (status IN ('incubating', 'active', 'graduated')),
  description TEXT NOT NULL DEFAULT '',
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL
);

CREATE TABLE users (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  email         TEXT NOT NULL UNIQUE COLLATE NOCASE,
  display_name  TEXT NOT NULL DEFAULT '',
  role          TEXT NOT NULL CHECK (role IN ('admin', 'lead', 'member', 'partner')),
  start_up_id   INTEGER REFERENCES start_ups(id),
  password_hash TEXT,
  created_at    TEXT NOT NULL,
  disabled_at   TEXT,
  CHECK ((role IN ('lead', 'member')) = (start_up_id IS NOT NULL))
);
CREATE INDEX users_start_up ON users(start_up_id);

CREATE TABLE api_tokens (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id      INTEGER NOT NULL REFERENCES users(id),
  token_hash   TEXT NOT NULL UNIQUE,
  label        TEXT NOT NULL DEFAULT '',
  created_at   TEXT NOT NULL,
  last_used_at TEXT,
  revoked_at   TEXT
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

-- A parent structure held by one start-up. The same structure registered by two start-ups
-- is two rows (each start-up's work stays its own); they share full_hash.
CREATE TABLE compounds (
  id                      INTEGER PRIMARY KEY AUTOINCREMENT,
  start_up_id             INTEGER NOT NULL REFERENCES start_ups(id),
  visibility              TEXT NOT NULL DEFAULT 'start-up'
                            CHECK (visibility IN ('start-up', 'cluster', 'public')),
  full_hash               TEXT NOT NULL,
  formula                 TEXT NOT NULL,
  canonical_smiles        TEXT NOT NULL,
  tautomer_hash           TEXT NOT NULL,
  no_stereo_smiles        TEXT NOT NULL,
  no_stereo_tautomer_hash TEXT NOT NULL,
  skeleton                TEXT NOT NULL,
  inchi                   TEXT NOT NULL,
  inchikey                TEXT NOT NULL,
  mw                      REAL NOT NULL,
  exact_mass              REAL NOT NULL,
  clogp                   REAL NOT NULL,
  tpsa                    REAL NOT NULL,
  hbd                     INTEGER NOT NULL,
  hba                     INTEGER NOT NULL,
  rotatable_bonds         INTEGER NOT NULL,
  heavy_atoms             INTEGER NOT NULL,
  rings                   INTEGER NOT NULL,
  aromatic_rings          INTEGER NOT NULL,
  fraction_sp3            REAL NOT NULL,
  formal_charge           INTEGER NOT NULL,
  morgan_fp               BLOB NOT NULL,
  pattern_fp              BLOB NOT NULL,
  mol_pickle              BLOB NOT NULL,
  standardizer            TEXT NOT NULL,
  standardization_steps   TEXT NOT NULL DEFAULT '[]',
  created_at              TEXT NOT NULL,
  created_by              INTEGER REFERENCES users(id),
  updated_at              TEXT NOT NULL,
  retired_at              TEXT,
  retired_reason          TEXT,
  UNIQUE (start_up_id, full_hash)
);
CREATE INDEX compounds_inchikey ON compounds(inchikey);
CREATE INDEX compounds_full_hash ON compounds(full_hash);
CREATE INDEX compounds_no_stereo ON compounds(no_stereo_smiles);
CREATE INDEX compounds_skeleton ON compounds(skeleton);
CREATE INDEX compounds_formula ON compounds(formula);
CREATE INDEX compounds_mw ON compounds(mw);

-- A form of a parent: free form, salt or solvate (counter-ions / solvent with multiplicity).
CREATE TABLE compound_forms (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  compound_id  INTEGER NOT NULL REFERENCES compounds(id),
  form_number  INTEGER NOT NULL CHECK (form_number >= 1),
  form_key     TEXT NOT NULL,
  label        TEXT NOT NULL,
  parent_count INTEGER NOT NULL CHECK (parent_count >= 1),
  components   TEXT NOT NULL DEFAULT '[]',
  created_at   TEXT NOT NULL,
  created_by   INTEGER REFERENCES users(id),
  retired_at   TEXT,
  retired_reason TEXT,
  UNIQUE (compound_id, form_number),
  UNIQUE (compound_id, form_key)
);

-- One physical preparation (lot) of a form.
CREATE TABLE batches (
  id                  INTEGER PRIMARY KEY AUTOINCREMENT,
  form_id             INTEGER NOT NULL REFERENCES compound_forms(id),
  batch_number        INTEGER NOT NULL CHECK (batch_number >= 1),
  visibility          TEXT NOT NULL DEFAULT 'start-up'
                        CHECK (visibility IN ('start-up', 'cluster', 'public')),
  amount              REAL CHECK (amount IS NULL OR amount >= 0),
  amount_unit         TEXT CHECK (amount_unit IS NULL OR amount_unit IN
                        ('mg', 'g', 'kg', 't', 'uL', 'mL', 'L', 'm3', 'umol', 'mmol', 'mol')),
  purity              REAL CHECK (purity IS NULL OR (purity >= 0 AND purity <= 100)),
  prepared_on         TEXT,
  researcher          TEXT NOT NULL DEFAULT '',
  notebook_ref        TEXT NOT NULL DEFAULT '',
  storage             TEXT NOT NULL DEFAULT '',
  notes               TEXT NOT NULL DEFAULT '',
  properties          TEXT NOT NULL DEFAULT '{}',
  submitted_structure TEXT NOT NULL,
  submitted_format    TEXT NOT NULL,
  created_at          TEXT NOT NULL,
  created_by          INTEGER REFERENCES users(id),
  updated_at          TEXT NOT NULL,
  retired_at          TEXT,
  retired_reason      TEXT,
  UNIQUE (form_id, batch_number)
);
CREATE INDEX batches_form ON batches(form_id);

-- Append-only audit trail: each entry's hash covers the previous entry's hash.
CREATE TABLE audit_log (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  at          TEXT NOT NULL,
  actor_id    INTEGER,
  actor_label TEXT NOT NULL,
  action      TEXT NOT NULL,
  record_type TEXT NOT NULL,
  record_id   TEXT NOT NULL,
  before_json TEXT,
  after_json  TEXT,
  reason      TEXT,
  prev_hash   TEXT NOT NULL,
  hash        TEXT NOT NULL
);
CREATE INDEX audit_log_record ON audit_log(record_type, record_id);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

-- Lab records are retired, never deleted.
CREATE TRIGGER compounds_no_delete BEFORE DELETE ON compounds
BEGIN SELECT RAISE(ABORT, 'compounds are retired, never deleted'); END;
CREATE TRIGGER compound_forms_no_delete BEFORE DELETE ON compound_forms
BEGIN SELECT RAISE(ABORT, 'compound forms are retired, never deleted'); END;
CREATE TRIGGER batches_no_delete BEFORE DELETE ON batches
BEGIN SELECT RAISE(ABORT, 'batches are retired, never deleted'); END;

-- Batches with their owner, for visibility checks in one place.
CREATE VIEW batch_records AS
  SELECT b.*, f.compound_id AS compound_id, f.form_number AS form_number,
         c.start_up_id AS start_up_id, c.visibility AS compound_visibility
  FROM batches b
  JOIN compound_forms f ON f.id = b.form_id
  JOIN compounds c ON c.id = f.compound_id;
