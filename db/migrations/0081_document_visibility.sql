-- 0081 (issue 18): a document has a visibility of its own, and its bytes are stored per
-- start-up.
--
-- document_visibility: who may see the attachment, besides its owner's visibility; the
-- narrower of the two applies (db/document_store.h). New attachments are 'start-up' (the
-- owning team only) whatever the owner's level: publishing a product no longer publishes its
-- files. Existing attachments start 'start-up' too (docs/threat-model.md: an owner publishes
-- again, deliberately, what must be public). The column is not named "visibility": the
-- document_records view already has one (the owner's), and keeps `a.*`.
ALTER TABLE document_attachments ADD COLUMN document_visibility TEXT NOT NULL DEFAULT 'start-up'
  CHECK (document_visibility IN ('start-up', 'cluster', 'public'));

-- The bytes of each attachment made from now on, de-duplicated within its start-up only: an
-- upload never depends on what another start-up stored (no "stored before", no shorter write).
-- `documents` keeps the bytes of attachments made before this migration and, for later ones,
-- an empty placeholder per hash (the attachments' foreign key points there).
CREATE TABLE document_contents (
  start_up_id INTEGER NOT NULL REFERENCES start_ups(id),
  sha256      TEXT NOT NULL CHECK (length(sha256) = 64),
  size        INTEGER NOT NULL CHECK (size > 0),
  content     BLOB NOT NULL,
  created_at  TEXT NOT NULL,
  PRIMARY KEY (start_up_id, sha256)
);
CREATE TRIGGER document_contents_no_update BEFORE UPDATE ON document_contents
BEGIN SELECT RAISE(ABORT, 'stored documents are immutable'); END;
CREATE TRIGGER document_contents_no_delete BEFORE DELETE ON document_contents
BEGIN SELECT RAISE(ABORT, 'stored documents are immutable'); END;
