-- 0004: products and their way to market — products (one compound or a formulation), the
-- pipeline of stages with gate decisions, TRL with its history, market records, the generic
-- document store (files stored once by SHA-256, attached to products, stages or batches) and
-- partners' inquiries. Dates are 'YYYY-MM-DD'; times ISO 8601 UTC text.

-- Technology readiness levels as defined for EU Horizon 2020, shipped as data with their source.
CREATE TABLE trl_levels (
  level      INTEGER PRIMARY KEY CHECK (level BETWEEN 1 AND 9),
  title      TEXT NOT NULL,
  source     TEXT NOT NULL,
  source_url TEXT NOT NULL
);
INSERT INTO trl_levels(level, title, source, source_url) VALUES
  (1, 'basic principles observed',
   'European Commission, Horizon 2020 Work Programme 2014-2015, General Annexes, Annex G: Technology readiness levels (TRL) (extract from Part 19 - Commission Decision C(2014)4995)',
   'https://ec.europa.eu/research/participants/data/ref/h2020/wp/2014_2015/annexes/h2020-wp1415-annex-g-trl_en.pdf'),
  (2, 'technology concept formulated',
   'European Commission, Horizon 2020 Work Programme 2014-2015, General Annexes, Annex G: Technology readiness levels (TRL) (extract from Part 19 - Commission Decision C(2014)4995)',
   'https://ec.europa.eu/research/participants/data/ref/h2020/wp/2014_2015/annexes/h2020-wp1415-annex-g-trl_en.pdf'),
  (3, 'experimental proof of concept',
   'European Commission, Horizon 2020 Work Programme 2014-2015, General Annexes, Annex G: Technology readiness levels (TRL) (extract from Part 19 - Commission Decision C(2014)4995)',
   'https://ec.europa.eu/research/participants/data/ref/h2020/wp/2014_2015/annexes/h2020-wp1415-annex-g-trl_en.pdf'),
  (4, 'technology validated in lab',
   'European Commission, Horizon 2020 Work Programme 2014-2015, General Annexes, Annex G: Technology readiness levels (TRL) (extract from Part 19 - Commission Decision C(2014)4995)',
   'https://ec.europa.eu/research/participants/data/ref/h2020/wp/2014_2015/annexes/h2020-wp1415-annex-g-trl_en.pdf'),
  (5, 'technology validated in relevant environment (industrially relevant environment in the case of key enabling technologies)',
   'European Commission, Horizon 2020 Work Programme 2014-2015, General Annexes, Annex G: Technology readiness levels (TRL) (extract from Part 19 - Commission Decision C(2014)4995)',
   'https://ec.europa.eu/research/participants/data/ref/h2020/wp/2014_2015/annexes/h2020-wp1415-annex-g-trl_en.pdf'),
  (6, 'technology demonstrated in relevant environment (industrially relevant environment in the case of key enabling technologies)',
   'European Commission, Horizon 2020 Work Programme 2014-2015, General Annexes, Annex G: Technology readiness levels (TRL) (extract from Part 19 - Commission Decision C(2014)4995)',
   'https://ec.europa.eu/research/participants/data/ref/h2020/wp/2014_2015/annexes/h2020-wp1415-annex-g-trl_en.pdf'),
  (7, 'system prototype demonstration in operational environment',
   'European Commission, Horizon 2020 Work Programme 2014-2015, General Annexes, Annex G: Technology readiness levels (TRL) (extract from Part 19 - Commission Decision C(2014)4995)',
   'https://ec.europa.eu/research/participants/data/ref/h2020/wp/2014_2015/annexes/h2020-wp1415-annex-g-trl_en.pdf'),
  (8, 'system complete and qualified',
   'European Commission, Horizon 2020 Work Programme 2014-2015, General Annexes, Annex G: Technology readiness levels (TRL) (extract from Part 19 - Commission Decision C(2014)4995)',
   'https://ec.europa.eu/research/participants/data/ref/h2020/wp/2014_2015/annexes/h2020-wp1415-annex-g-trl_en.pdf'),
  (9, 'actual system proven in operational environment (competitive manufacturing in the case of key enabling technologies; or in space)',
   'European Commission, Horizon 2020 Work Programme 2014-2015, General Annexes, Annex G: Technology readiness levels (TRL) (extract from Part 19 - Commission Decision C(2014)4995)',
   'https://ec.europa.eu/research/participants/data/ref/h2020/wp/2014_2015/annexes/h2020-wp1415-annex-g-trl_en.pdf');

-- What a start-up sells: exactly one registered compound (composition 'compound') or a
-- formulation of components (composition 'formulation', rows in product_components).
CREATE TABLE products (
  id                INTEGER PRIMARY KEY AUTOINCREMENT,
  start_up_id       INTEGER NOT NULL REFERENCES start_ups(id),
  visibility        TEXT NOT NULL DEFAULT 'start-up'
                      CHECK (visibility IN ('start-up', 'cluster', 'public')),
  name              TEXT NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 200),
  description       TEXT NOT NULL DEFAULT '',
  composition       TEXT NOT NULL CHECK (composition IN ('compound', 'formulation')),
  compound_id       INTEGER REFERENCES compounds(id),
  target_sectors    TEXT NOT NULL DEFAULT '[]',
  intended_uses     TEXT NOT NULL DEFAULT '[]',
  catalogue_name    TEXT NOT NULL DEFAULT '',
  catalogue_summary TEXT NOT NULL DEFAULT '',
  trl               INTEGER NOT NULL DEFAULT 1 CHECK (trl BETWEEN 1 AND 9),
  market_unit       TEXT,
  price_min         REAL CHECK (price_min IS NULL OR price_min >= 0),
  price_max         REAL CHECK (price_max IS NULL OR price_max >= 0),
  price_currency    TEXT,
  capacity          REAL CHECK (capacity IS NULL OR capacity >= 0),
  capacity_unit     TEXT,
  created_at        TEXT NOT NULL,
  created_by        INTEGER REFERENCES users(id),
  updated_at        TEXT NOT NULL,
  retired_at        TEXT,
  retired_reason    TEXT,
  CHECK ((composition = 'compound') = (compound_id IS NOT NULL)),
  CHECK (price_min IS NULL OR price_max IS NULL OR price_min <= price_max)
);
CREATE INDEX products_start_up ON products(start_up_id);
CREATE INDEX products_compound ON products(compound_id);
CREATE UNIQUE INDEX products_name_per_start_up
  ON products(start_up_id, name COLLATE NOCASE) WHERE retired_at IS NULL;

-- Components of a formulation: a registered compound or a named non-registered ingredient.
CREATE TABLE product_components (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  product_id  INTEGER NOT NULL REFERENCES products(id),
  position    INTEGER NOT NULL CHECK (position >= 1),
  compound_id INTEGER REFERENCES compounds(id),
  name        TEXT NOT NULL DEFAULT '',
  function    TEXT NOT NULL DEFAULT '',
  percentage  REAL NOT NULL CHECK (percentage > 0 AND percentage <= 100),
  CHECK (compound_id IS NOT NULL OR length(trim(name)) > 0),
  UNIQUE (product_id, position)
);
CREATE INDEX product_components_compound ON product_components(compound_id);

-- The way to market: ordered stages per product, keyed by a stable key.
CREATE TABLE product_stages (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  product_id    INTEGER NOT NULL REFERENCES products(id),
  key           TEXT NOT NULL CHECK (length(key) BETWEEN 1 AND 40),
  name          TEXT NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 200),
  description   TEXT NOT NULL DEFAULT '',
  position      INTEGER NOT NULL CHECK (position >= 1),
  status        TEXT NOT NULL DEFAULT 'not_started'
                  CHECK (status IN ('not_started', 'in_progress', 'done', 'blocked')),
  owner         TEXT NOT NULL DEFAULT '',
  planned_start TEXT,
  planned_end   TEXT,
  actual_start  TEXT,
  actual_end    TEXT,
  notes         TEXT NOT NULL DEFAULT '',
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL,
  UNIQUE (product_id, key),
  CHECK (planned_start IS NULL OR planned_end IS NULL OR planned_start <= planned_end),
  CHECK (actual_start IS NULL OR actual_end IS NULL OR actual_start <= actual_end)
);
CREATE INDEX product_stages_product ON product_stages(product_id, position);

-- Gate decisions at a stage: append-only.
CREATE TABLE stage_decisions (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  stage_id    INTEGER NOT NULL REFERENCES product_stages(id),
  decision    TEXT NOT NULL CHECK (decision IN ('go', 'hold', 'stop', 'rework')),
  rationale   TEXT NOT NULL CHECK (length(trim(rationale)) > 0),
  decided_by  TEXT NOT NULL,
  decided_on  TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  recorded_by INTEGER REFERENCES users(id)
);
CREATE INDEX stage_decisions_stage ON stage_decisions(stage_id);

-- Every TRL a product has had: append-only.
CREATE TABLE product_trl_history (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  product_id  INTEGER NOT NULL REFERENCES products(id),
  trl         INTEGER NOT NULL CHECK (trl BETWEEN 1 AND 9),
  previous    INTEGER CHECK (previous IS NULL OR previous BETWEEN 1 AND 9),
  note        TEXT NOT NULL DEFAULT '',
  changed_at  TEXT NOT NULL,
  changed_by  INTEGER REFERENCES users(id),
  actor_label TEXT NOT NULL
);
CREATE INDEX product_trl_history_product ON product_trl_history(product_id);

-- Customers, partners, distributors... of a product: free records.
CREATE TABLE product_customers (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  product_id  INTEGER NOT NULL REFERENCES products(id),
  name        TEXT NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 200),
  relation    TEXT NOT NULL DEFAULT 'customer'
                CHECK (relation IN ('customer', 'partner', 'distributor', 'prospect', 'other')),
  contact     TEXT NOT NULL DEFAULT '',
  since       TEXT,
  notes       TEXT NOT NULL DEFAULT '',
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL
);
CREATE INDEX product_customers_product ON product_customers(product_id);

-- The document store: each distinct file once, by its SHA-256.
CREATE TABLE documents (
  sha256     TEXT PRIMARY KEY CHECK (length(sha256) = 64),
  size       INTEGER NOT NULL CHECK (size > 0),
  content    BLOB NOT NULL,
  created_at TEXT NOT NULL
);

-- A file attached to a product, a stage or a batch (analysis). Visibility is its owner's.
CREATE TABLE document_attachments (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  sha256         TEXT NOT NULL REFERENCES documents(sha256),
  owner_type     TEXT NOT NULL CHECK (owner_type IN ('product', 'stage', 'batch')),
  owner_id       INTEGER NOT NULL,
  filename       TEXT NOT NULL CHECK (length(filename) BETWEEN 1 AND 255),
  content_type   TEXT NOT NULL,
  kind           TEXT NOT NULL DEFAULT 'other',
  title          TEXT NOT NULL DEFAULT '',
  created_at     TEXT NOT NULL,
  created_by     INTEGER REFERENCES users(id),
  retired_at     TEXT,
  retired_reason TEXT
);
CREATE INDEX document_attachments_owner ON document_attachments(owner_type, owner_id);
CREATE INDEX document_attachments_sha256 ON document_attachments(sha256);

-- Partners' questions about catalogue products, and the thread of answers.
CREATE TABLE inquiries (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  product_id  INTEGER NOT NULL REFERENCES products(id),
  partner_id  INTEGER NOT NULL REFERENCES users(id),
  subject     TEXT NOT NULL CHECK (length(trim(subject)) BETWEEN 1 AND 200),
  status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'answered', 'closed')),
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL
);
CREATE INDEX inquiries_product ON inquiries(product_id);
CREATE INDEX inquiries_partner ON inquiries(partner_id);

CREATE TABLE inquiry_messages (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  inquiry_id  INTEGER NOT NULL REFERENCES inquiries(id),
  author_id   INTEGER REFERENCES users(id),
  author_label TEXT NOT NULL,
  side        TEXT NOT NULL CHECK (side IN ('partner', 'start_up', 'cluster')),
  body        TEXT NOT NULL CHECK (length(trim(body)) > 0),
  created_at  TEXT NOT NULL
);
CREATE INDEX inquiry_messages_inquiry ON inquiry_messages(inquiry_id);

-- Records are retired, never deleted; histories and stored files are append-only.
CREATE TRIGGER products_no_delete BEFORE DELETE ON products
BEGIN SELECT RAISE(ABORT, 'products are retired, never deleted'); END;
CREATE TRIGGER stage_decisions_no_update BEFORE UPDATE ON stage_decisions
BEGIN SELECT RAISE(ABORT, 'gate decisions are append-only'); END;
CREATE TRIGGER stage_decisions_no_delete BEFORE DELETE ON stage_decisions
BEGIN SELECT RAISE(ABORT, 'gate decisions are append-only'); END;
CREATE TRIGGER product_trl_history_no_update BEFORE UPDATE ON product_trl_history
BEGIN SELECT RAISE(ABORT, 'the TRL history is append-only'); END;
CREATE TRIGGER product_trl_history_no_delete BEFORE DELETE ON product_trl_history
BEGIN SELECT RAISE(ABORT, 'the TRL history is append-only'); END;
CREATE TRIGGER documents_no_update BEFORE UPDATE ON documents
BEGIN SELECT RAISE(ABORT, 'stored documents are immutable'); END;
CREATE TRIGGER documents_no_delete BEFORE DELETE ON documents
BEGIN SELECT RAISE(ABORT, 'stored documents are immutable'); END;
CREATE TRIGGER document_attachments_no_delete BEFORE DELETE ON document_attachments
BEGIN SELECT RAISE(ABORT, 'documents are retired, never deleted'); END;
CREATE TRIGGER inquiry_messages_no_update BEFORE UPDATE ON inquiry_messages
BEGIN SELECT RAISE(ABORT, 'inquiry messages are append-only'); END;
CREATE TRIGGER inquiry_messages_no_delete BEFORE DELETE ON inquiry_messages
BEGIN SELECT RAISE(ABORT, 'inquiry messages are append-only'); END;
-- A stage with history (a status other than not started, actual dates, decisions or
-- documents) cannot be removed.
CREATE TRIGGER product_stages_keep_history BEFORE DELETE ON product_stages
WHEN OLD.status <> 'not_started' OR OLD.actual_start IS NOT NULL OR OLD.actual_end IS NOT NULL
  OR EXISTS (SELECT 1 FROM stage_decisions d WHERE d.stage_id = OLD.id)
  OR EXISTS (SELECT 1 FROM document_attachments a
             WHERE a.owner_type = 'stage' AND a.owner_id = OLD.id)
BEGIN SELECT RAISE(ABORT, 'a stage with history cannot be removed'); END;

-- Products with their current stage: the first stage (by position) not done, or the last
-- stage when every stage is done.
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
     WHERE s.product_id = p.id ORDER BY d.id DESC LIMIT 1) AS last_decision
  FROM products p;

-- Attachments with the owner and visibility that govern them. Stage evidence is pipeline
-- data: it is never more than cluster-visible, even when the product is public.
CREATE VIEW document_records AS
  SELECT a.*, p.start_up_id AS start_up_id, p.visibility AS visibility,
         p.id AS product_id, NULL AS stage_key, NULL AS batch_id, NULL AS batch_compound_id,
         NULL AS batch_form_number, NULL AS batch_number
  FROM document_attachments a JOIN products p ON a.owner_type = 'product' AND p.id = a.owner_id
  UNION ALL
  SELECT a.*, p.start_up_id, CASE p.visibility WHEN 'public' THEN 'cluster' ELSE p.visibility END,
         p.id, s.key, NULL, NULL, NULL, NULL
  FROM document_attachments a
  JOIN product_stages s ON a.owner_type = 'stage' AND s.id = a.owner_id
  JOIN products p ON p.id = s.product_id
  UNION ALL
  SELECT a.*, br.start_up_id,
         CASE WHEN br.visibility = 'start-up' OR br.compound_visibility = 'start-up' THEN 'start-up'
              WHEN br.visibility = 'cluster' OR br.compound_visibility = 'cluster' THEN 'cluster'
              ELSE 'public' END,
         NULL, NULL, br.id, br.compound_id, br.form_number, br.batch_number
  FROM document_attachments a JOIN batch_records br ON a.owner_type = 'batch' AND br.id = a.owner_id;
