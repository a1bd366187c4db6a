-- 0121 (issue 18): a document has a visibility of its own.
--
-- document_visibility: who may see the attachment, besides its owner's visibility; the
-- narrower of the two applies (db/document_store.h). New attachments are 'start-up' (the
-- owning team only) whatever the owner's level: publishing a product no longer publishes its
-- files. Existing attachments start 'start-up' too (docs/threat-model.md: an owner publishes
-- again, deliberately, what must be public). The column is not named "visibility": the
-- document_records view already has one (the owner's), and keeps `a.*`.
--
-- Numbered after 0120 (outside issue 18's range 0080-0089) because 0051, 0060 and 0120
-- rebuild document_attachments with a fixed column list: added before them, the column would
-- be dropped on databases that meet them later. A migration that rebuilds the table again
-- must carry this column.
ALTER TABLE document_attachments ADD COLUMN document_visibility TEXT NOT NULL DEFAULT 'start-up'
  CHECK (document_visibility IN ('start-up', 'cluster', 'public'));
