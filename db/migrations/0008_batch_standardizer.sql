-- 0008: every registration (batch) records the standardisation pipeline (RDKit version and
-- options) that produced its verdict, not only the parent's first registration.
ALTER TABLE batches ADD COLUMN standardizer TEXT NOT NULL DEFAULT '';
