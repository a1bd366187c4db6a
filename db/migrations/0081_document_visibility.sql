-- 0081 (issue 18): a document's bytes are stored per start-up.
--
-- The attachment's own visibility (document_visibility) is added by 0121: it must follow
-- 0120, which rebuilds document_attachments (as 0051 and 0060 do) and would drop it.

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
