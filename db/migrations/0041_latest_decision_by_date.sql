-- 0041 (issue 4): a product's gate status follows its latest decision by decided_on (then by
-- the order recorded), not the last one recorded: a decision backfilled with an earlier date
-- (a committee meeting entered late) must not overturn a later one.
DROP VIEW product_records;
CREATE VIEW product_records AS
  SELECT p.*,
    COALESCE(
      (SELECT s.key FROM product_stages s WHERE s.product_id = p.id AND s.status <> 'done'
       ORDER BY s.position, s.id LIMIT 1),
      (SELECT s.key FROM product_stages s WHERE s.product_id = p.id
       ORDER BY s.position DESC, s.id DESC LIMIT 1)) AS current_stage,
    NOT EXISTS (SELECT 1 FROM product_stages s WHERE s.product_id = p.id AND s.status <> 'done')
      AS pipeline_complete,
    (SELECT d.decision FROM stage_decisions d JOIN product_stages s ON s.id = d.stage_id
     WHERE s.product_id = p.id ORDER BY d.decided_on DESC, d.id DESC LIMIT 1) AS last_decision
  FROM products p;
