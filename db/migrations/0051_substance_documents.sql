-- 0051 (issue 15): documents (certificates of analysis, chromatograms, SDS) attached to
-- substance batches, in the one document store (DOC-000001 codes, /api/documents/{id}).
--
-- document_attachments is rebuilt because SQLite cannot change a CHECK constraint in place.
-- The list of owner types moves from the CHECK into a trigger, so a later owner type (a waste
-- lot, a need's response) is one DROP TRIGGER / CREATE TRIGGER, not another rebuild.
-- legacy_alter_table keeps the trigger on product_stages that reads document_attachments
-- pointing at the name, which the rebuilt table takes over. Rows and ids are kept.
PRAGMA legacy_alter_table = ON;

DROP VIEW document_records;
ALTER TABLE document_attachments RENAME TO document_attachments_0004;
DROP TRIGGER document_attachments_no_delete;
DROP INDEX document_attachments_owner;
DROP INDEX document_attachments_sha256;

CREATE TABLE document_attachments (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  sha256         TEXT NOT NULL REFERENCES documents(sha256),
  owner_type     TEXT NOT NULL,
  owner_id       INTEGER NOT NULL,
  filename       TEXT NOT NULL CHECK (length(filename) BETWEEN 1 AND 255),
  content_type   TEXT NOT NULL,
  kind           TEXT NOT NULL DEFAULT 'other',
  title          TEXT NOT NULL DEFAULT '',
  created_at     TEXT NOT NULL,
  created_by     INTEGER REFERENCES users(id),
  retired_at     TEXT,
  retired_reason TEXT
);
INSERT INTO document_attachments(id, sha256, owner_type, owner_id, filename, content_type, kind,
                                 title, created_at, created_by, retired_at, retired_reason)
  SELECT id, sha256, owner_type, owner_id, filename, content_type, kind, title, created_at,
         created_by, retired_at, retired_reason
  FROM document_attachments_0004 ORDER BY id;
DROP TABLE document_attachments_0004;
CREATE INDEX document_attachments_owner ON document_attachments(owner_type, owner_id);
CREATE INDEX document_attachments_sha256 ON document_attachments(sha256);

CREATE TRIGGER document_attachments_no_delete BEFORE DELETE ON document_attachments
BEGIN SELECT RAISE(ABORT, 'documents are retired, never deleted'); END;
CREATE TRIGGER document_attachments_owner_types BEFORE INSERT ON document_attachments
WHEN NEW.owner_type NOT IN ('product', 'stage', 'batch', 'substance_batch')
BEGIN SELECT RAISE(ABORT, 'unknown document owner type'); END;
CREATE TRIGGER document_attachments_owner_fixed BEFORE UPDATE OF owner_type, owner_id, sha256
ON document_attachments
BEGIN SELECT RAISE(ABORT, 'a document stays with its owner and content'); END;

-- As in 0004, plus substance batches (the stricter of batch and substance visibility).
CREATE VIEW document_records AS
  SELECT a.*, p.start_up_id AS start_up_id, p.visibility AS visibility,
         p.id AS product_id, NULL AS stage_key, NULL AS batch_id, NULL AS batch_compound_id,
         NULL AS batch_form_number, NULL AS batch_number, NULL AS substance_batch_id,
         NULL AS substance_id
  FROM document_attachments a JOIN products p ON a.owner_type = 'product' AND p.id = a.owner_id
  UNION ALL
  SELECT a.*, p.start_up_id, CASE p.visibility WHEN 'public' THEN 'cluster' ELSE p.visibility END,
         p.id, s.key, NULL, NULL, NULL, NULL, NULL, NULL
  FROM document_attachments a
  JOIN product_stages s ON a.owner_type = 'stage' AND s.id = a.owner_id
  JOIN products p ON p.id = s.product_id
  UNION ALL
  SELECT a.*, br.start_up_id,
         CASE WHEN br.visibility = 'start-up' OR br.compound_visibility = 'start-up' THEN 'start-up'
              WHEN br.visibility = 'cluster' OR br.compound_visibility = 'cluster' THEN 'cluster'
              ELSE 'public' END,
         NULL, NULL, br.id, br.compound_id, br.form_number, br.batch_number, NULL, NULL
  FROM document_attachments a JOIN batch_records br ON a.owner_type = 'batch' AND br.id = a.owner_id
  UNION ALL
  SELECT a.*, sb.start_up_id,
         CASE WHEN sb.visibility = 'start-up' OR sb.substance_visibility = 'start-up' THEN 'start-up'
              WHEN sb.visibility = 'cluster' OR sb.substance_visibility = 'cluster' THEN 'cluster'
              ELSE 'public' END,
         NULL, NULL, NULL, NULL, NULL, sb.batch_number, sb.id, sb.substance_id
  FROM document_attachments a
  JOIN substance_batch_records sb ON a.owner_type = 'substance_batch' AND sb.id = a.owner_id;

PRAGMA legacy_alter_table = OFF;
