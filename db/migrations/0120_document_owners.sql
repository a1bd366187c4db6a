-- 0120 (merge of issues 15 and 16): documents of substance batches and of waste lots together.
--
-- 0051 (substance batches) and 0060 (waste lots) each rebuilt document_attachments for a new
-- owner type and each redefined document_records without the other's owner. Migrations run in
-- version order on a new database (0051, then 0060) but a database made before the merge met
-- only one of them first, so this migration, numbered after both, rebuilds the table once more
-- in its final shape: no owner-type CHECK (0060 left one without 'substance_batch'), the owner
-- types in a trigger as in 0051, and the view with both owners. Rows and ids are kept, and the
-- indexes, the triggers of 0004 and 0051 and the product_stages trigger that reads the table
-- (0060) end as on a new database (db_tests --run_test=database checks both orders).
-- It must run after 0060 on a new database, so it cannot take a number of the substances'
-- range (0050-0059); 0120 follows every issue's range (0042-0119). No migration after 0060
-- (0070-0110) touches the document store.
PRAGMA legacy_alter_table = ON;

DROP VIEW document_records;
ALTER TABLE document_attachments RENAME TO document_attachments_0120;
DROP TRIGGER IF EXISTS document_attachments_no_delete;
DROP TRIGGER IF EXISTS document_attachments_owner_types;
DROP TRIGGER IF EXISTS document_attachments_owner_fixed;
DROP INDEX IF EXISTS document_attachments_owner;
DROP INDEX IF EXISTS document_attachments_sha256;

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
  FROM document_attachments_0120 ORDER BY id;
DROP TABLE document_attachments_0120;
CREATE INDEX document_attachments_owner ON document_attachments(owner_type, owner_id);
CREATE INDEX document_attachments_sha256 ON document_attachments(sha256);

CREATE TRIGGER document_attachments_no_delete BEFORE DELETE ON document_attachments
BEGIN SELECT RAISE(ABORT, 'documents are retired, never deleted'); END;
CREATE TRIGGER document_attachments_owner_types BEFORE INSERT ON document_attachments
WHEN NEW.owner_type NOT IN ('product', 'stage', 'batch', 'substance_batch', 'lot')
BEGIN SELECT RAISE(ABORT, 'unknown document owner type'); END;
CREATE TRIGGER document_attachments_owner_fixed BEFORE UPDATE OF owner_type, owner_id, sha256
ON document_attachments
BEGIN SELECT RAISE(ABORT, 'a document stays with its owner and content'); END;

-- As in 0051 and 0060: products, stages, compound batches, substance batches (the stricter of
-- batch and substance visibility), waste lots (which their documents follow).
CREATE VIEW document_records AS
  SELECT a.*, p.start_up_id AS start_up_id, p.visibility AS visibility,
         p.id AS product_id, NULL AS stage_key, NULL AS batch_id, NULL AS batch_compound_id,
         NULL AS batch_form_number, NULL AS batch_number, NULL AS substance_batch_id,
         NULL AS substance_id, NULL AS lot_id
  FROM document_attachments a JOIN products p ON a.owner_type = 'product' AND p.id = a.owner_id
  UNION ALL
  SELECT a.*, p.start_up_id, CASE p.visibility WHEN 'public' THEN 'cluster' ELSE p.visibility END,
         p.id, s.key, NULL, NULL, NULL, NULL, NULL, NULL, NULL
  FROM document_attachments a
  JOIN product_stages s ON a.owner_type = 'stage' AND s.id = a.owner_id
  JOIN products p ON p.id = s.product_id
  UNION ALL
  SELECT a.*, br.start_up_id,
         CASE WHEN br.visibility = 'start-up' OR br.compound_visibility = 'start-up' THEN 'start-up'
              WHEN br.visibility = 'cluster' OR br.compound_visibility = 'cluster' THEN 'cluster'
              ELSE 'public' END,
         NULL, NULL, br.id, br.compound_id, br.form_number, br.batch_number, NULL, NULL, NULL
  FROM document_attachments a JOIN batch_records br ON a.owner_type = 'batch' AND br.id = a.owner_id
  UNION ALL
  SELECT a.*, sb.start_up_id,
         CASE WHEN sb.visibility = 'start-up' OR sb.substance_visibility = 'start-up' THEN 'start-up'
              WHEN sb.visibility = 'cluster' OR sb.substance_visibility = 'cluster' THEN 'cluster'
              ELSE 'public' END,
         NULL, NULL, NULL, NULL, NULL, sb.batch_number, sb.id, sb.substance_id, NULL
  FROM document_attachments a
  JOIN substance_batch_records sb ON a.owner_type = 'substance_batch' AND sb.id = a.owner_id
  UNION ALL
  SELECT a.*, l.start_up_id, l.visibility, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, l.id
  FROM document_attachments a JOIN lots l ON a.owner_type = 'lot' AND l.id = a.owner_id;

PRAGMA legacy_alter_table = OFF;
