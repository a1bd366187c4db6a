-- 0060 (issue 16): the waste side of the cluster and the chain that links it to chemistry.
--   waste_streams          the cluster's vocabulary of streams, with their European List of
--                          Waste code where one applies (Commission Decision 2000/532/EC as
--                          amended by 2014/955/EU)
--   waste_sources          where a waste start-up collects (a mill, a restaurant, a packer)
--   lots                   LOT-000123: one collection, or what a transformation or an
--                          accepted transfer made; always held by one start-up
--   transformations        drying, grinding, pressing...: input lots -> output lots (lots with
--                          transformation_id), with what the step added (water, binder)
--   lot_transfers          (part of) a lot handed to another start-up; accepted by it, the
--                          received part becomes a lot of the receiver (parent_lot_id)
--   lot_uses               a lot used by its holder as a batch input or a route component
-- Masses are integers in milligrams (mass_mg), so mass balances are exact; the amount and unit
-- the user typed are kept beside them. Nothing here is deleted: lots are retired with a
-- reason, transfers are refused or cancelled, inputs and uses are append-only.

CREATE TABLE waste_streams (
  id                INTEGER PRIMARY KEY AUTOINCREMENT,
  key               TEXT NOT NULL UNIQUE
                      CHECK (length(key) BETWEEN 2 AND 60 AND key NOT GLOB '*[^a-z0-9_]*'),
  name_fr           TEXT NOT NULL CHECK (length(trim(name_fr)) BETWEEN 1 AND 200),
  name_en           TEXT NOT NULL CHECK (length(trim(name_en)) BETWEEN 1 AND 200),
  -- "20 01 25"; an asterisk marks a hazardous entry ("20 01 26*"); NULL where none applies.
  low_code          TEXT CHECK (low_code IS NULL OR low_code GLOB '[0-9][0-9] [0-9][0-9] [0-9][0-9]'
                                OR low_code GLOB '[0-9][0-9] [0-9][0-9] [0-9][0-9][*]'),
  low_note          TEXT NOT NULL DEFAULT '',
  composition       TEXT NOT NULL DEFAULT '',
  hazards           TEXT NOT NULL DEFAULT '',
  -- the measurements usually made on a lot of this stream (JSON array of property keys)
  characterisation  TEXT NOT NULL DEFAULT '[]',
  -- the substance record (SUB-...) that describes the stream, once substances exist
  substance_id      INTEGER,
  created_at        TEXT NOT NULL,
  updated_at        TEXT NOT NULL
);

CREATE TABLE waste_sources (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  start_up_id INTEGER NOT NULL REFERENCES start_ups(id),
  name        TEXT NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 200),
  kind        TEXT NOT NULL CHECK (kind IN ('olive_mill', 'restaurant', 'hotel', 'canteen',
                'packing_station', 'farm', 'cooperative', 'food_industry', 'market',
                'collection_point', 'other')),
  region      TEXT NOT NULL CHECK (region IN ('tanger_tetouan_al_hoceima', 'oriental',
                'fes_meknes', 'rabat_sale_kenitra', 'beni_mellal_khenifra', 'casablanca_settat',
                'marrakech_safi', 'draa_tafilalet', 'souss_massa', 'guelmim_oued_noun',
                'laayoune_sakia_el_hamra', 'dakhla_oued_ed_dahab')),
  locality    TEXT NOT NULL DEFAULT '',
  notes       TEXT NOT NULL DEFAULT '',
  active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_at  TEXT NOT NULL,
  created_by  INTEGER REFERENCES users(id),
  updated_at  TEXT NOT NULL
);
CREATE INDEX waste_sources_start_up ON waste_sources(start_up_id);
CREATE UNIQUE INDEX waste_sources_name ON waste_sources(start_up_id, name COLLATE NOCASE);

CREATE TABLE transformations (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  start_up_id  INTEGER NOT NULL REFERENCES start_ups(id),
  kind         TEXT NOT NULL CHECK (kind IN ('drying', 'grinding', 'pressing', 'filtration',
                 'decanting', 'pelletising')),
  performed_on TEXT NOT NULL,
  notes        TEXT NOT NULL DEFAULT '',
  created_at   TEXT NOT NULL,
  created_by   INTEGER REFERENCES users(id)
);
CREATE INDEX transformations_start_up ON transformations(start_up_id);

CREATE TABLE lots (
  id                INTEGER PRIMARY KEY AUTOINCREMENT,
  start_up_id       INTEGER NOT NULL REFERENCES start_ups(id),  -- who holds it
  visibility        TEXT NOT NULL DEFAULT 'start-up'
                      CHECK (visibility IN ('start-up', 'cluster', 'public')),
  stream_id         INTEGER NOT NULL REFERENCES waste_streams(id),
  origin            TEXT NOT NULL CHECK (origin IN ('collection', 'transformation', 'transfer')),
  source_id         INTEGER REFERENCES waste_sources(id),
  parent_lot_id     INTEGER REFERENCES lots(id),            -- origin 'transfer'
  transfer_id       INTEGER REFERENCES lot_transfers(id),   -- origin 'transfer'
  transformation_id INTEGER REFERENCES transformations(id), -- origin 'transformation'
  collected_on      TEXT NOT NULL,  -- collection, transformation or receipt date
  net_mass_mg       INTEGER NOT NULL CHECK (net_mass_mg > 0),
  net_amount        REAL NOT NULL CHECK (net_amount > 0),
  net_unit          TEXT NOT NULL CHECK (net_unit IN ('g', 'kg', 't')),
  gross_mass_mg     INTEGER CHECK (gross_mass_mg IS NULL OR gross_mass_mg >= net_mass_mg),
  gross_amount      REAL,
  gross_unit        TEXT CHECK (gross_unit IS NULL OR gross_unit IN ('g', 'kg', 't')),
  container         TEXT CHECK (container IS NULL OR container IN ('drum', 'jerrycan', 'ibc',
                      'tank', 'bag', 'big_bag', 'crate', 'bulk', 'other')),
  container_count   INTEGER CHECK (container_count IS NULL OR container_count >= 1),
  vehicle           TEXT,  -- a key of the transport emission factors (server/registry/data)
  distance_km       REAL CHECK (distance_km IS NULL OR distance_km >= 0),
  characterisation  TEXT NOT NULL DEFAULT '{}',
  status            TEXT NOT NULL DEFAULT 'available'
                      CHECK (status IN ('available', 'quarantine')),
  notes             TEXT NOT NULL DEFAULT '',
  import_digest     TEXT,  -- CSV import: SHA-256 of the row, so re-running it is harmless
  created_at        TEXT NOT NULL,
  created_by        INTEGER REFERENCES users(id),
  updated_at        TEXT NOT NULL,
  retired_at        TEXT,
  retired_reason    TEXT,
  CHECK (origin <> 'transfer' OR (parent_lot_id IS NOT NULL AND transfer_id IS NOT NULL)),
  CHECK (origin <> 'transformation' OR transformation_id IS NOT NULL),
  CHECK (origin = 'collection' OR source_id IS NULL),
  CHECK ((vehicle IS NULL) = (distance_km IS NULL))
);
CREATE INDEX lots_start_up ON lots(start_up_id, collected_on);
CREATE INDEX lots_stream ON lots(stream_id);
CREATE INDEX lots_parent ON lots(parent_lot_id);
CREATE INDEX lots_transformation ON lots(transformation_id);
CREATE UNIQUE INDEX lots_import_digest ON lots(start_up_id, import_digest)
  WHERE import_digest IS NOT NULL;

CREATE TABLE transformation_inputs (
  transformation_id INTEGER NOT NULL REFERENCES transformations(id),
  position          INTEGER NOT NULL CHECK (position >= 1),
  lot_id            INTEGER NOT NULL REFERENCES lots(id),
  mass_mg           INTEGER NOT NULL CHECK (mass_mg > 0),
  amount            REAL NOT NULL,
  unit              TEXT NOT NULL CHECK (unit IN ('g', 'kg', 't')),
  PRIMARY KEY (transformation_id, position),
  UNIQUE (transformation_id, lot_id)
);
CREATE INDEX transformation_inputs_lot ON transformation_inputs(lot_id);

-- What a step adds besides its input lots (water for decanting, a binder for pellets): stated,
-- so that an output heavier than the input lots is explained.
CREATE TABLE transformation_additions (
  transformation_id INTEGER NOT NULL REFERENCES transformations(id),
  position          INTEGER NOT NULL CHECK (position >= 1),
  name              TEXT NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 200),
  mass_mg           INTEGER NOT NULL CHECK (mass_mg > 0),
  amount            REAL NOT NULL,
  unit              TEXT NOT NULL CHECK (unit IN ('g', 'kg', 't')),
  PRIMARY KEY (transformation_id, position)
);

CREATE TABLE lot_transfers (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  lot_id           INTEGER NOT NULL REFERENCES lots(id),
  from_start_up_id INTEGER NOT NULL REFERENCES start_ups(id),
  to_start_up_id   INTEGER NOT NULL REFERENCES start_ups(id),
  mass_mg          INTEGER NOT NULL CHECK (mass_mg > 0),
  amount           REAL NOT NULL,
  unit             TEXT NOT NULL CHECK (unit IN ('g', 'kg', 't')),
  vehicle          TEXT,
  distance_km      REAL CHECK (distance_km IS NULL OR distance_km >= 0),
  notes            TEXT NOT NULL DEFAULT '',
  status           TEXT NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'accepted', 'refused', 'cancelled')),
  created_at       TEXT NOT NULL,
  created_by       INTEGER REFERENCES users(id),
  decided_at       TEXT,
  decided_by       INTEGER REFERENCES users(id),
  decided_on       TEXT,  -- the receipt (or refusal) date the receiver gave
  decision_reason  TEXT,
  received_lot_id  INTEGER REFERENCES lots(id),
  CHECK (from_start_up_id <> to_start_up_id),
  CHECK ((status = 'accepted') = (received_lot_id IS NOT NULL)),
  CHECK ((status = 'pending') = (decided_at IS NULL)),
  CHECK ((vehicle IS NULL) = (distance_km IS NULL))
);
CREATE INDEX lot_transfers_lot ON lot_transfers(lot_id);
CREATE INDEX lot_transfers_to ON lot_transfers(to_start_up_id, status);
CREATE INDEX lot_transfers_from ON lot_transfers(from_start_up_id, status);

CREATE TABLE lot_uses (
  id                 INTEGER PRIMARY KEY AUTOINCREMENT,
  lot_id             INTEGER NOT NULL REFERENCES lots(id),
  start_up_id        INTEGER NOT NULL REFERENCES start_ups(id),
  mass_mg            INTEGER NOT NULL CHECK (mass_mg > 0),
  amount             REAL NOT NULL,
  unit               TEXT NOT NULL CHECK (unit IN ('g', 'kg', 't')),
  used_on            TEXT NOT NULL,
  batch_id           INTEGER REFERENCES batches(id),
  route_id           INTEGER REFERENCES routes(id),
  step_number        INTEGER CHECK (step_number IS NULL OR step_number >= 1),
  component_position INTEGER CHECK (component_position IS NULL OR component_position >= 0),
  notes              TEXT NOT NULL DEFAULT '',
  created_at         TEXT NOT NULL,
  created_by         INTEGER REFERENCES users(id),
  CHECK (batch_id IS NOT NULL OR route_id IS NOT NULL),
  CHECK (step_number IS NULL OR route_id IS NOT NULL),
  CHECK (component_position IS NULL OR step_number IS NOT NULL)
);
CREATE INDEX lot_uses_lot ON lot_uses(lot_id);
CREATE INDEX lot_uses_batch ON lot_uses(batch_id);
CREATE INDEX lot_uses_route ON lot_uses(route_id);

-- Where each lot came from, one row per parent: transfers and transformations.
CREATE VIEW lot_parents AS
  SELECT l.id AS child_id, l.parent_lot_id AS parent_id FROM lots l
  WHERE l.parent_lot_id IS NOT NULL
  UNION ALL
  SELECT l.id, ti.lot_id FROM lots l
  JOIN transformation_inputs ti ON ti.transformation_id = l.transformation_id;

-- What is left of each lot: its net mass less what went into transformations, transfers
-- (pending ones are reserved) and uses.
CREATE VIEW lot_balances AS
  SELECT l.id AS lot_id, l.net_mass_mg,
    COALESCE((SELECT SUM(ti.mass_mg) FROM transformation_inputs ti WHERE ti.lot_id = l.id), 0)
      AS transformed_mg,
    COALESCE((SELECT SUM(t.mass_mg) FROM lot_transfers t
              WHERE t.lot_id = l.id AND t.status IN ('pending', 'accepted')), 0) AS transferred_mg,
    COALESCE((SELECT SUM(u.mass_mg) FROM lot_uses u WHERE u.lot_id = l.id), 0) AS used_mg
  FROM lots l;

CREATE TRIGGER waste_sources_no_delete BEFORE DELETE ON waste_sources
BEGIN SELECT RAISE(ABORT, 'sources are kept (set inactive), never deleted'); END;
CREATE TRIGGER waste_streams_no_delete BEFORE DELETE ON waste_streams
BEGIN SELECT RAISE(ABORT, 'waste streams are kept, never deleted'); END;
CREATE TRIGGER lots_no_delete BEFORE DELETE ON lots
BEGIN SELECT RAISE(ABORT, 'lots are retired, never deleted'); END;
CREATE TRIGGER lots_masses_fixed BEFORE UPDATE OF net_mass_mg, stream_id, origin, start_up_id,
  parent_lot_id, transfer_id, transformation_id ON lots
BEGIN SELECT RAISE(ABORT, 'a lot keeps its stream, mass, holder and origin'); END;
CREATE TRIGGER transformations_no_delete BEFORE DELETE ON transformations
BEGIN SELECT RAISE(ABORT, 'transformations are kept, never deleted'); END;
CREATE TRIGGER transformations_no_update BEFORE UPDATE ON transformations
BEGIN SELECT RAISE(ABORT, 'transformations are kept as recorded'); END;
CREATE TRIGGER transformation_inputs_no_delete BEFORE DELETE ON transformation_inputs
BEGIN SELECT RAISE(ABORT, 'transformation inputs are append-only'); END;
CREATE TRIGGER transformation_inputs_no_update BEFORE UPDATE ON transformation_inputs
BEGIN SELECT RAISE(ABORT, 'transformation inputs are append-only'); END;
CREATE TRIGGER transformation_additions_no_delete BEFORE DELETE ON transformation_additions
BEGIN SELECT RAISE(ABORT, 'transformation additions are append-only'); END;
CREATE TRIGGER transformation_additions_no_update BEFORE UPDATE ON transformation_additions
BEGIN SELECT RAISE(ABORT, 'transformation additions are append-only'); END;
CREATE TRIGGER lot_transfers_no_delete BEFORE DELETE ON lot_transfers
BEGIN SELECT RAISE(ABORT, 'transfers are refused or cancelled, never deleted'); END;
CREATE TRIGGER lot_transfers_decided_once BEFORE UPDATE ON lot_transfers
WHEN OLD.status <> 'pending'
BEGIN SELECT RAISE(ABORT, 'a decided transfer does not change'); END;
CREATE TRIGGER lot_uses_no_delete BEFORE DELETE ON lot_uses
BEGIN SELECT RAISE(ABORT, 'lot uses are append-only'); END;
CREATE TRIGGER lot_uses_no_update BEFORE UPDATE ON lot_uses
BEGIN SELECT RAISE(ABORT, 'lot uses are append-only'); END;

-- Documents and photos of a lot: the document store takes a fourth owner. SQLite cannot
-- change a CHECK constraint, so the attachments table is rebuilt with its rows, indexes and
-- trigger; owner types are checked by db/document_store.cpp.
CREATE TABLE document_attachments_0060 (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  sha256         TEXT NOT NULL REFERENCES documents(sha256),
  owner_type     TEXT NOT NULL CHECK (owner_type IN ('product', 'stage', 'batch', 'lot')),
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
INSERT INTO document_attachments_0060(id, sha256, owner_type, owner_id, filename, content_type,
    kind, title, created_at, created_by, retired_at, retired_reason)
  SELECT id, sha256, owner_type, owner_id, filename, content_type, kind, title, created_at,
         created_by, retired_at, retired_reason
  FROM document_attachments;
DROP VIEW document_records;
DROP TRIGGER product_stages_keep_history;
DROP TABLE document_attachments;
ALTER TABLE document_attachments_0060 RENAME TO document_attachments;
CREATE INDEX document_attachments_owner ON document_attachments(owner_type, owner_id);
CREATE INDEX document_attachments_sha256 ON document_attachments(sha256);
CREATE TRIGGER document_attachments_no_delete BEFORE DELETE ON document_attachments
BEGIN SELECT RAISE(ABORT, 'documents are retired, never deleted'); END;
-- As in 0004 (it names the attachments table, so it was dropped for the rebuild).
CREATE TRIGGER product_stages_keep_history BEFORE DELETE ON product_stages
WHEN OLD.status <> 'not_started' OR OLD.actual_start IS NOT NULL OR OLD.actual_end IS NOT NULL
  OR EXISTS (SELECT 1 FROM stage_decisions d WHERE d.stage_id = OLD.id)
  OR EXISTS (SELECT 1 FROM document_attachments a
             WHERE a.owner_type = 'stage' AND a.owner_id = OLD.id)
BEGIN SELECT RAISE(ABORT, 'a stage with history cannot be removed'); END;

-- As in 0004, plus lot documents, which follow their lot.
CREATE VIEW document_records AS
  SELECT a.*, p.start_up_id AS start_up_id, p.visibility AS visibility,
         p.id AS product_id, NULL AS stage_key, NULL AS batch_id, NULL AS batch_compound_id,
         NULL AS batch_form_number, NULL AS batch_number, NULL AS lot_id
  FROM document_attachments a JOIN products p ON a.owner_type = 'product' AND p.id = a.owner_id
  UNION ALL
  SELECT a.*, p.start_up_id, CASE p.visibility WHEN 'public' THEN 'cluster' ELSE p.visibility END,
         p.id, s.key, NULL, NULL, NULL, NULL, NULL
  FROM document_attachments a
  JOIN product_stages s ON a.owner_type = 'stage' AND s.id = a.owner_id
  JOIN products p ON p.id = s.product_id
  UNION ALL
  SELECT a.*, br.start_up_id,
         CASE WHEN br.visibility = 'start-up' OR br.compound_visibility = 'start-up' THEN 'start-up'
              WHEN br.visibility = 'cluster' OR br.compound_visibility = 'cluster' THEN 'cluster'
              ELSE 'public' END,
         NULL, NULL, br.id, br.compound_id, br.form_number, br.batch_number, NULL
  FROM document_attachments a JOIN batch_records br ON a.owner_type = 'batch' AND br.id = a.owner_id
  UNION ALL
  SELECT a.*, l.start_up_id, l.visibility, NULL, NULL, NULL, NULL, NULL, NULL, l.id
  FROM document_attachments a JOIN lots l ON a.owner_type = 'lot' AND l.id = a.owner_id;

-- The cluster's vocabulary. Codes: Commission Decision 2000/532/EC, as replaced by Commission
-- Decision 2014/955/EU (the List of Waste). Compositions and hazards are typical values for
-- orientation; the lot's own characterisation is what counts.
INSERT INTO waste_streams(key, name_fr, name_en, low_code, low_note, composition, hazards,
                          characterisation, created_at, updated_at) VALUES
  ('used_cooking_oil', 'Huiles alimentaires usagées', 'Used cooking oil', '20 01 25',
   'edible oil and fat (municipal wastes, separately collected fractions); 20 01 26* is for other, hazardous oils and fats',
   'Triacylglycerols of the frying oil (mostly oleic and linoleic acid chains), free fatty acids formed by hydrolysis (a few per cent, rising with frying time), water and food particles. A UVCB substance.',
   'Not a hazardous waste. Must never reach drains or soil (clogging, oxygen demand); slippery when spilled; combustible when heated.',
   '["free_fatty_acids","moisture","impurities","acid_value","peroxide_value"]',
   '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'),
  ('olive_mill_wastewater', 'Margines', 'Olive-mill wastewater', '02 03 01',
   'sludges from washing, cleaning, peeling, centrifuging and separation (the aqueous phase of the decanter); some authorities use 02 03 99',
   'Vegetation water and process water of three-phase mills: mostly water, sugars, organic acids, residual oil and phenolic compounds (hydroxytyrosol, tyrosol, oleuropein derivatives).',
   'Not a hazardous waste, but strongly polluting: very high chemical oxygen demand, acidic, phytotoxic and antimicrobial phenols. No discharge to soil, sewers or water courses.',
   '["polyphenols","cod","ph","dry_matter","oil_content"]',
   '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'),
  ('olive_pomace', 'Grignons d''olive', 'Olive pomace', '02 03 04',
   'materials unsuitable for consumption or processing, when discarded; pomace sent to pomace-oil extraction can be a by-product rather than a waste',
   'Skins, pulp and stone fragments with residual oil and water (wet pomace of two-phase mills is much wetter than three-phase pomace).',
   'Not a hazardous waste. Ferments and self-heats in heaps; leachate carries phenols.',
   '["moisture","oil_content","polyphenols_dry","ash"]',
   '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'),
  ('date_seeds', 'Noyaux de dattes', 'Date seeds', '02 03 04',
   'materials unsuitable for consumption or processing (pits from date packing and processing)',
   'Lignocellulosic seed with a few per cent of oil rich in oleic and lauric acids, proteins and phenolics.',
   'Not a hazardous waste. Dust when ground.',
   '["moisture","oil_content","ash"]',
   '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'),
  ('argan_shells', 'Coques d''argan', 'Argan nut shells', '02 03 99',
   'wastes not otherwise specified (residues of edible-oil preparation); no specific entry exists',
   'Hard lignocellulosic shells left after cracking argan nuts for the kernels.',
   'Not a hazardous waste. Dust when ground.',
   '["moisture","ash"]',
   '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'),
  ('citrus_peel', 'Écorces d''agrumes', 'Citrus peel', '02 03 04',
   'materials unsuitable for consumption or processing (peel and pulp from juice making and packing)',
   'Peel, pulp and seeds: water, sugars, pectin, cellulose and essential oil (limonene).',
   'Not a hazardous waste. Ferments quickly; acidic leachate.',
   '["moisture","dry_matter","ph"]',
   '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'),
  ('tomato_residues', 'Écarts de tomates', 'Tomato rejects', '02 03 04',
   'materials unsuitable for consumption or processing (rejects of packing stations)',
   'Unsellable fruit from sorting: mostly water, sugars, fibre, lycopene in the skins.',
   'Not a hazardous waste. Ferments quickly.',
   '["moisture","dry_matter"]',
   '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'),
  ('crop_residues', 'Résidus de culture', 'Crop residues', '02 01 03',
   'plant-tissue waste (agriculture and horticulture)',
   'Stalks, leaves, prunings and straw: cellulose, hemicellulose and lignin.',
   'Not a hazardous waste. Fire risk when dry and stored in bulk.',
   '["moisture","ash"]',
   '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'),
  ('agricultural_plastic_film', 'Films plastiques agricoles', 'Agricultural plastic film', '02 01 04',
   'waste plastics (except packaging) from agriculture',
   'Greenhouse and mulch films, mostly low-density polyethylene, soiled with soil and plant matter.',
   'Not a hazardous waste unless soiled with plant-protection products (then 02 01 08*).',
   '["moisture","impurities"]',
   '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'),
  ('animal_manure', 'Fumier', 'Animal manure', '02 01 06',
   'animal faeces, urine and manure (including spoiled straw), effluent, collected separately and treated off-site',
   'Faeces, urine and bedding: water, organic matter, nitrogen, phosphorus.',
   'Not a hazardous waste. Pathogens; ammonia and methane emissions in storage.',
   '["moisture","dry_matter","ash"]',
   '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'),
  ('market_green_waste', 'Déchets verts de marché', 'Market green waste', '20 03 02',
   'waste from markets',
   'Unsold fruit and vegetables, leaves and crates'' contents.',
   'Not a hazardous waste. Ferments quickly.',
   '["moisture","dry_matter"]',
   '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'),
  ('crude_glycerol', 'Glycérine brute', 'Crude glycerol', NULL,
   'co-product of biodiesel production; no List of Waste entry applies while it is sold as a by-product',
   'Glycerol with methanol, water, soaps and salts of the transesterification catalyst.',
   'Methanol content makes it flammable and toxic until refined.',
   '["moisture","ph"]',
   '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
