-- 0090: marks the file as an Argan database in SQLite's header (application_id, offset 68:
-- "Argn" = 0x4172676E), so Argan refuses other applications' SQLite files and `file(1)` or
-- sqlite3 can tell what this is. Databases made before this migration carry 0 and are
-- recognised by their schema_version rows (db/database.cpp, classifyDatabaseFile).
PRAGMA application_id = 1098016622;
