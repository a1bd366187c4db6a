-- 0082 (issue 18): listing one start-up's records visits only the rows the caller may see.
-- With the owner and the visibility in one index, "start_up_id = S AND visibility IN (...)"
-- is a range of the index: the rows a caller may not see are never read, so the time an
-- answer takes does not grow with another start-up's unshared work (docs/threat-model.md,
-- "Timing").
CREATE INDEX compounds_owner_visibility ON compounds(start_up_id, visibility);
CREATE INDEX products_owner_visibility ON products(start_up_id, visibility);
CREATE INDEX routes_owner_visibility ON routes(start_up_id, visibility);
