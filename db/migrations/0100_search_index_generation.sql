-- 0100 (issue 20): the change counter the persisted search index is validated against.
-- The index snapshot file (server/search/search_snapshot.h) holds each compound's id,
-- start-up, mass, fingerprints and pickle; the index itself replays only rows added since
-- (id above the file's highest) and flag changes (visibility, retirement: by updated_at).
-- Any other change to those columns, by any door (a later migration, a repair by hand),
-- bumps this counter, and a snapshot written under another value is rebuilt.
CREATE TABLE search_index_generation (
  id         INTEGER PRIMARY KEY CHECK (id = 1),
  generation INTEGER NOT NULL
);
INSERT INTO search_index_generation (id, generation) VALUES (1, 0);

CREATE TRIGGER compounds_search_columns_rewritten
AFTER UPDATE OF id, start_up_id, mw, morgan_fp, pattern_fp, mol_pickle ON compounds
BEGIN
  UPDATE search_index_generation SET generation = generation + 1 WHERE id = 1;
END;

CREATE TRIGGER compounds_search_row_deleted AFTER DELETE ON compounds
BEGIN
  UPDATE search_index_generation SET generation = generation + 1 WHERE id = 1;
END;
