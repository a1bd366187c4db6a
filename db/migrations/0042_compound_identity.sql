-- 0042 (the identity rule of docs/identity.md): what chemists call a parent — its name,
-- synonyms, CAS number and external identifiers — searchable; the InChIKey of every form
-- (the salt or solvate as stored) and of every submitted structure as drawn, so a search
-- by a salt's own key or by the key a database shows for another drawing finds the record;
-- and the pointer a merge leaves on a retired parent (argan identity merge).
ALTER TABLE compounds ADD COLUMN name TEXT NOT NULL DEFAULT '';
ALTER TABLE compounds ADD COLUMN cas TEXT
  CHECK (cas IS NULL OR (length(cas) BETWEEN 7 AND 12 AND cas GLOB '[0-9]*-[0-9][0-9]-[0-9]'));
ALTER TABLE compounds ADD COLUMN superseded_by INTEGER REFERENCES compounds(id);
CREATE INDEX compounds_name ON compounds(name COLLATE NOCASE);
CREATE INDEX compounds_cas ON compounds(cas);

CREATE TABLE compound_synonyms (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  compound_id INTEGER NOT NULL REFERENCES compounds(id),
  synonym     TEXT NOT NULL CHECK (length(synonym) BETWEEN 1 AND 300),
  normalised  TEXT NOT NULL,  -- lower case, runs of spaces and punctuation folded
  created_at  TEXT NOT NULL,
  UNIQUE (compound_id, normalised)
);
CREATE INDEX compound_synonyms_normalised ON compound_synonyms(normalised);

CREATE TABLE compound_external_ids (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  compound_id INTEGER NOT NULL REFERENCES compounds(id),
  source      TEXT NOT NULL CHECK (length(source) BETWEEN 1 AND 40),  -- "pubchem_cid", "chembl"
  value       TEXT NOT NULL CHECK (length(value) BETWEEN 1 AND 100),
  created_at  TEXT NOT NULL,
  UNIQUE (compound_id, source, value)
);
CREATE INDEX compound_external_ids_value ON compound_external_ids(value);

CREATE TRIGGER compound_synonyms_no_delete BEFORE DELETE ON compound_synonyms
BEGIN SELECT RAISE(ABORT, 'synonyms are kept: names a record was found by stay findable'); END;
CREATE TRIGGER compound_external_ids_no_delete BEFORE DELETE ON compound_external_ids
BEGIN SELECT RAISE(ABORT, 'external identifiers are kept'); END;

ALTER TABLE compound_forms ADD COLUMN inchikey TEXT NOT NULL DEFAULT '';
CREATE INDEX compound_forms_inchikey ON compound_forms(inchikey);
ALTER TABLE batches ADD COLUMN submitted_inchikey TEXT NOT NULL DEFAULT '';
CREATE INDEX batches_submitted_inchikey ON batches(submitted_inchikey);
