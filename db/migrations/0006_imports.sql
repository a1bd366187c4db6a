-- 0006: bulk imports. One row per import (a job, from the API or the command line) and one
-- row per record read from the file, with its verdict. A record's row is written in the same
-- transaction as the batch it registered, so after a crash an import resumes after the last
-- record it finished and never leaves a record half done.

CREATE TABLE imports (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  start_up_id   INTEGER NOT NULL REFERENCES start_ups(id),
  created_by    INTEGER REFERENCES users(id),
  actor_label   TEXT NOT NULL,
  source        TEXT NOT NULL CHECK (source IN ('api', 'cli')),
  file_name     TEXT NOT NULL,
  file_sha256   TEXT NOT NULL,
  file_bytes    INTEGER NOT NULL CHECK (file_bytes >= 0),
  format        TEXT NOT NULL CHECK (format IN ('sdf', 'smiles', 'csv')),
  options       TEXT NOT NULL DEFAULT '{}',
  status        TEXT NOT NULL DEFAULT 'queued'
                  CHECK (status IN ('queued', 'running', 'finished', 'failed')),
  records_done  INTEGER NOT NULL DEFAULT 0,
  bytes_done    INTEGER NOT NULL DEFAULT 0,
  error         TEXT,
  created_at    TEXT NOT NULL,
  started_at    TEXT,
  finished_at   TEXT
);
CREATE INDEX imports_start_up ON imports(start_up_id);
CREATE INDEX imports_status ON imports(status);

-- verdict: registered (new parent) | new_form | new_batch | already_imported | rejected.
-- record_digest: SHA-256 over the record's content (start-up, structure text, data fields);
-- a record whose digest the start-up has already imported is not registered again.
CREATE TABLE import_records (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  import_id     INTEGER NOT NULL REFERENCES imports(id),
  record_number INTEGER NOT NULL CHECK (record_number >= 1),
  line          INTEGER NOT NULL,
  start_up_id   INTEGER NOT NULL REFERENCES start_ups(id),
  verdict       TEXT NOT NULL CHECK (verdict IN ('registered', 'new_form', 'new_batch',
                  'already_imported', 'rejected')),
  title         TEXT NOT NULL DEFAULT '',
  record_digest TEXT NOT NULL DEFAULT '',
  batch_id      INTEGER REFERENCES batches(id),
  message       TEXT NOT NULL DEFAULT '',
  field         TEXT,
  UNIQUE (import_id, record_number)
);
CREATE UNIQUE INDEX import_records_digest ON import_records(start_up_id, record_digest)
  WHERE verdict IN ('registered', 'new_form', 'new_batch');
CREATE INDEX import_records_verdict ON import_records(import_id, verdict);
