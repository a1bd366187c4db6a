-- 0005: indexes for structure search. Exact search compares one identity layer at a time
-- (tautomer-insensitive layers had no index), and the in-memory search index finds the
-- compounds changed since its last sync (visibility, retirement) by updated_at.
CREATE INDEX compounds_tautomer_hash ON compounds(tautomer_hash);
CREATE INDEX compounds_no_stereo_tautomer ON compounds(no_stereo_tautomer_hash);
CREATE INDEX compounds_updated_at ON compounds(updated_at);
