-- 0050 (issue 15): substances that are not one molecule — mono- and multi-constituent
-- substances, UVCBs (extracts, oils, FAME blends, lignin...), polymers and materials with no
-- defined structure (biochar, activated carbon, compost), in ECHA's terms. A substance
-- (SUB-000123) belongs to a start-up and has the compounds' visibility, publishing,
-- retiring and audit rules. Its specification: constituents (registered parents or named
-- unknowns) with typical / minimum / maximum percentages, characterising properties from an
-- extendable vocabulary, its source and process, and for polymers the monomers and the
-- molar-mass distribution. Its batches (SUB-000123-B001) carry a certificate of analysis.
-- docs/substances.md has the rules (sums, identity, out of specification).

-- The vocabulary of characterising properties: one row per property, with its unit and the
-- range a value may physically take. Extended through the API (leads, administrators).
CREATE TABLE substance_property_terms (
  key         TEXT PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 60
                AND key NOT GLOB '*[^a-z0-9_]*' AND key GLOB '[a-z]*'),
  name        TEXT NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 200),
  unit        TEXT NOT NULL DEFAULT '',
  min_value   REAL,
  max_value   REAL,
  description TEXT NOT NULL DEFAULT '',
  created_at  TEXT NOT NULL,
  created_by  INTEGER REFERENCES users(id),
  CHECK (min_value IS NULL OR max_value IS NULL OR min_value < max_value)
);

INSERT INTO substance_property_terms(key, name, unit, min_value, max_value, description, created_at)
VALUES
  ('moisture', 'Moisture', '% w/w', 0, 100,
   'Water and volatiles lost on drying (ISO 662 for oils and fats; ASTM D2867 for activated carbon).', '2026-12-07T00:00:00.000Z'),
  ('ash', 'Ash', '% w/w', 0, 100,
   'Residue on ignition (ASTM D2866 for activated carbon; ISO 6884 for oils).', '2026-12-07T00:00:00.000Z'),
  ('oil_content', 'Oil content', '% w/w', 0, 100,
   'Extractable lipids of a seed or cake, on dry matter (Soxhlet, hexane; ISO 659).', '2026-12-07T00:00:00.000Z'),
  ('acid_value', 'Acid value', 'mg KOH/g', 0, 400,
   'Free fatty acids titrated with KOH (ISO 660; EN 14104 for FAME, at most 0.50 in EN 14214).', '2026-12-07T00:00:00.000Z'),
  ('iodine_value', 'Iodine value', 'g I2/100 g', 0, 300,
   'Unsaturation of oils and FAME (Wijs method, ISO 3961; EN 14111 for FAME, at most 120 in EN 14214).', '2026-12-07T00:00:00.000Z'),
  ('peroxide_value', 'Peroxide value', 'meq O2/kg', 0, 1000,
   'Primary oxidation of oils (ISO 3960).', '2026-12-07T00:00:00.000Z'),
  ('saponification_value', 'Saponification value', 'mg KOH/g', 0, 400,
   'KOH consumed by saponifying 1 g of fat (ISO 3657).', '2026-12-07T00:00:00.000Z'),
  ('total_polyphenols_gae', 'Total polyphenols (as gallic acid)', 'mg GAE/g', 0, 1000,
   'Folin-Ciocalteu total phenolics expressed as gallic-acid equivalents per gram of dry extract.', '2026-12-07T00:00:00.000Z'),
  ('surface_area_bet', 'Specific surface area (BET)', 'm2/g', 0, 4000,
   'N2 adsorption at 77 K, Brunauer-Emmett-Teller (ISO 9277).', '2026-12-07T00:00:00.000Z'),
  ('iodine_number', 'Iodine number (adsorption)', 'mg/g', 0, 3000,
   'Iodine adsorbed by an activated carbon from 0.02 N solution (ASTM D4607); not the iodine value of oils.', '2026-12-07T00:00:00.000Z'),
  ('particle_size_d50', 'Particle size (d50)', 'um', 0, 100000,
   'Median particle diameter by laser diffraction (ISO 13320) or sieving.', '2026-12-07T00:00:00.000Z'),
  ('ph', 'pH', 'pH', 0, 14,
   'pH of the material or of its aqueous extract (ASTM D3838 for carbon; 1:5 water for compost, EN 15933).', '2026-12-07T00:00:00.000Z'),
  ('density', 'Density', 'g/mL', 0, 25,
   'Density at 15 or 20 °C (EN ISO 12185 for FAME).', '2026-12-07T00:00:00.000Z'),
  ('kinematic_viscosity_40c', 'Kinematic viscosity at 40 °C', 'mm2/s', 0, 100000,
   'EN ISO 3104 (3.5 to 5.0 mm2/s for FAME in EN 14214).', '2026-12-07T00:00:00.000Z'),
  ('fame_content', 'FAME content', '% w/w', 0, 100,
   'Fatty-acid methyl esters by GC (EN 14103; at least 96.5 % in EN 14214).', '2026-12-07T00:00:00.000Z'),
  ('fixed_carbon', 'Fixed carbon', '% w/w', 0, 100,
   'Proximate analysis of chars and carbons, by difference (ASTM D3172).', '2026-12-07T00:00:00.000Z'),
  ('volatile_matter', 'Volatile matter', '% w/w', 0, 100,
   'Proximate analysis (ASTM D3175).', '2026-12-07T00:00:00.000Z'),
  ('cod', 'Chemical oxygen demand', 'g O2/L', 0, 1000,
   'Of wastewaters and aqueous extracts (ISO 6060).', '2026-12-07T00:00:00.000Z'),
  ('dry_matter', 'Dry matter', '% w/w', 0, 100,
   'Mass fraction left after drying at 105 °C.', '2026-12-07T00:00:00.000Z');

-- A substance of one start-up. composition_key summarises what it is made of (kind, the
-- full hashes of its registered constituents and monomers, or for substances without
-- registered constituents its normalised source and process): two start-ups' substances
-- with the same key overlap (server/registry/comparison.cpp).
CREATE TABLE substances (
  id                  INTEGER PRIMARY KEY AUTOINCREMENT,
  start_up_id         INTEGER NOT NULL REFERENCES start_ups(id),
  visibility          TEXT NOT NULL DEFAULT 'start-up'
                        CHECK (visibility IN ('start-up', 'cluster', 'public')),
  kind                TEXT NOT NULL CHECK (kind IN ('mono_constituent', 'multi_constituent',
                        'uvcb', 'polymer', 'material')),
  name                TEXT NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 200),
  synonyms            TEXT NOT NULL DEFAULT '[]',
  cas_number          TEXT NOT NULL DEFAULT '',
  description         TEXT NOT NULL DEFAULT '',
  source_species      TEXT NOT NULL DEFAULT '',
  source_part         TEXT NOT NULL DEFAULT '',
  source_waste_stream TEXT NOT NULL DEFAULT '',
  source_process      TEXT NOT NULL DEFAULT '',
  repeat_unit         TEXT NOT NULL DEFAULT '',   -- polymers: SMILES with * atoms, as given
  repeat_unit_smiles  TEXT NOT NULL DEFAULT '',   -- canonical (RDKit)
  repeat_unit_formula TEXT NOT NULL DEFAULT '',
  repeat_unit_mass    REAL,                       -- g/mol, star atoms excluded
  mn                  REAL CHECK (mn IS NULL OR mn > 0),  -- g/mol
  mw                  REAL CHECK (mw IS NULL OR mw > 0),  -- g/mol
  composition_key     TEXT NOT NULL,
  created_at          TEXT NOT NULL,
  created_by          INTEGER REFERENCES users(id),
  updated_at          TEXT NOT NULL,
  retired_at          TEXT,
  retired_reason      TEXT,
  CHECK (mn IS NULL OR mw IS NULL OR mw >= mn)
);
CREATE INDEX substances_start_up ON substances(start_up_id);
CREATE INDEX substances_composition_key ON substances(composition_key);
CREATE INDEX substances_updated_at ON substances(updated_at);

-- The composition: constituents in order. A registered parent (compound_id) or a named
-- unknown ("phenolic fraction, unidentified"); percentages in one unit per substance.
CREATE TABLE substance_constituents (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  substance_id INTEGER NOT NULL REFERENCES substances(id),
  position     INTEGER NOT NULL CHECK (position >= 1),
  compound_id  INTEGER REFERENCES compounds(id),
  name         TEXT NOT NULL DEFAULT '',
  role         TEXT NOT NULL DEFAULT 'constituent'
                 CHECK (role IN ('constituent', 'impurity', 'additive')),
  typical      REAL NOT NULL CHECK (typical >= 0 AND typical <= 100),
  min_value    REAL CHECK (min_value IS NULL OR (min_value >= 0 AND min_value <= 100)),
  max_value    REAL CHECK (max_value IS NULL OR (max_value >= 0 AND max_value <= 100)),
  unit         TEXT NOT NULL CHECK (unit IN ('w/w', 'v/v', 'mol/mol')),
  method       TEXT NOT NULL DEFAULT '',
  CHECK (compound_id IS NOT NULL OR length(trim(name)) > 0),
  CHECK (min_value IS NULL OR max_value IS NULL OR min_value <= max_value),
  UNIQUE (substance_id, position)
);
CREATE INDEX substance_constituents_substance ON substance_constituents(substance_id);
CREATE INDEX substance_constituents_compound ON substance_constituents(compound_id);

-- Characterising properties of the specification (typical, range) from the vocabulary.
CREATE TABLE substance_properties (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  substance_id INTEGER NOT NULL REFERENCES substances(id),
  position     INTEGER NOT NULL CHECK (position >= 1),
  property_key TEXT NOT NULL REFERENCES substance_property_terms(key),
  typical      REAL,
  min_value    REAL,
  max_value    REAL,
  method       TEXT NOT NULL DEFAULT '',
  CHECK (typical IS NOT NULL OR min_value IS NOT NULL OR max_value IS NOT NULL),
  CHECK (min_value IS NULL OR max_value IS NULL OR min_value <= max_value),
  UNIQUE (substance_id, position),
  UNIQUE (substance_id, property_key)
);
CREATE INDEX substance_properties_key ON substance_properties(property_key);

-- Polymers: monomers (registered parents) with their share in mol %.
CREATE TABLE substance_monomers (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  substance_id INTEGER NOT NULL REFERENCES substances(id),
  position     INTEGER NOT NULL CHECK (position >= 1),
  compound_id  INTEGER NOT NULL REFERENCES compounds(id),
  ratio        REAL NOT NULL CHECK (ratio > 0 AND ratio <= 100),
  UNIQUE (substance_id, position)
);
CREATE INDEX substance_monomers_compound ON substance_monomers(compound_id);

-- One lot of a substance, with its certificate of analysis (results below).
CREATE TABLE substance_batches (
  id                 INTEGER PRIMARY KEY AUTOINCREMENT,
  substance_id       INTEGER NOT NULL REFERENCES substances(id),
  batch_number       INTEGER NOT NULL CHECK (batch_number >= 1),
  visibility         TEXT NOT NULL DEFAULT 'start-up'
                       CHECK (visibility IN ('start-up', 'cluster', 'public')),
  amount             REAL CHECK (amount IS NULL OR amount >= 0),
  amount_unit        TEXT CHECK (amount_unit IS NULL OR amount_unit IN
                       ('mg', 'g', 'kg', 't', 'uL', 'mL', 'L', 'm3', 'umol', 'mmol', 'mol')),
  prepared_on        TEXT,
  researcher         TEXT NOT NULL DEFAULT '',
  notebook_ref       TEXT NOT NULL DEFAULT '',
  storage            TEXT NOT NULL DEFAULT '',
  notes              TEXT NOT NULL DEFAULT '',
  certificate_number TEXT NOT NULL DEFAULT '',
  analysed_on        TEXT,
  laboratory         TEXT NOT NULL DEFAULT '',
  created_at         TEXT NOT NULL,
  created_by         INTEGER REFERENCES users(id),
  updated_at         TEXT NOT NULL,
  retired_at         TEXT,
  retired_reason     TEXT,
  UNIQUE (substance_id, batch_number)
);
CREATE INDEX substance_batches_substance ON substance_batches(substance_id);

-- The certificate of analysis of a batch: measured constituents (by compound or by name, as
-- in the specification) and properties. Checked against the specification when read; out of
-- specification is flagged, never refused.
CREATE TABLE substance_batch_results (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  batch_id      INTEGER NOT NULL REFERENCES substance_batches(id),
  position      INTEGER NOT NULL CHECK (position >= 1),
  compound_id   INTEGER REFERENCES compounds(id),
  name          TEXT NOT NULL DEFAULT '',
  property_key  TEXT REFERENCES substance_property_terms(key),
  value         REAL NOT NULL,
  unit          TEXT NOT NULL DEFAULT '',
  method        TEXT NOT NULL DEFAULT '',
  CHECK ((property_key IS NULL) = (compound_id IS NOT NULL OR length(trim(name)) > 0)),
  UNIQUE (batch_id, position)
);
CREATE INDEX substance_batch_results_batch ON substance_batch_results(batch_id);

CREATE TRIGGER substances_no_delete BEFORE DELETE ON substances
BEGIN SELECT RAISE(ABORT, 'substances are retired, never deleted'); END;
CREATE TRIGGER substance_batches_no_delete BEFORE DELETE ON substance_batches
BEGIN SELECT RAISE(ABORT, 'substance batches are retired, never deleted'); END;
CREATE TRIGGER substance_batch_results_no_update BEFORE UPDATE ON substance_batch_results
BEGIN SELECT RAISE(ABORT, 'a certificate of analysis is kept as recorded'); END;
CREATE TRIGGER substance_batch_results_no_delete BEFORE DELETE ON substance_batch_results
BEGIN SELECT RAISE(ABORT, 'a certificate of analysis is kept as recorded'); END;
CREATE TRIGGER substance_property_terms_no_delete BEFORE DELETE ON substance_property_terms
BEGIN SELECT RAISE(ABORT, 'property terms are never deleted'); END;

-- Batches with their owner and the substance's visibility, for visibility checks.
CREATE VIEW substance_batch_records AS
  SELECT b.*, s.start_up_id AS start_up_id, s.visibility AS substance_visibility,
         s.name AS substance_name
  FROM substance_batches b JOIN substances s ON s.id = b.substance_id;
