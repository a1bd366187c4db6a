-- 0080 (issue 18): the audit chain is keyed. Each entry says how its hash was made: scheme 1
-- is the plain SHA-256 chain of the entries written before this migration, scheme 2 is
-- HMAC-SHA256 under the audit key kept outside the database (db/audit_seal.h). The first
-- start after this migration appends a "seal" entry that keys the existing chain.
ALTER TABLE audit_log ADD COLUMN scheme INTEGER NOT NULL DEFAULT 1 CHECK (scheme IN (1, 2));
