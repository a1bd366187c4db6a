-- 0091: an import is run by one process at a time. The process running it writes its name in
-- claimed_by with a lease (renewed with every chunk it commits); a chunk commits only while
-- the claim is its own, so two processes can never both commit records of one import. A
-- claim whose lease ran out, or whose process is gone, may be taken over.
-- An import that cannot go on for a passing reason (disk full, database busy) waits: retry_at
-- says when it is tried again, waiting says why, attempts counts the tries since its last
-- committed chunk (the back-off grows with it).
ALTER TABLE imports ADD COLUMN claimed_by TEXT;
ALTER TABLE imports ADD COLUMN lease_until TEXT;
ALTER TABLE imports ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE imports ADD COLUMN retry_at TEXT;
ALTER TABLE imports ADD COLUMN waiting TEXT;
