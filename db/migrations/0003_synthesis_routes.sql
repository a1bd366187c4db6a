-- 0003: synthesis routes. A route makes one registered parent (compounds) and belongs to a
-- start-up; versions of a route share a lineage. Steps are reactions with their components;
-- metrics are computed from these rows (chem/), never stored. Nothing here is deleted:
-- routes and steps are retired, a changed step is a new revision of its row (the old row is
-- retired with the reason 'revised'), and components never change once written.

CREATE TABLE routes (
  id                  INTEGER PRIMARY KEY AUTOINCREMENT,
  start_up_id         INTEGER NOT NULL REFERENCES start_ups(id),
  visibility          TEXT NOT NULL DEFAULT 'start-up'
                        CHECK (visibility IN ('start-up', 'cluster', 'public')),
  target_compound_id  INTEGER NOT NULL REFERENCES compounds(id),
  lineage_id          INTEGER REFERENCES routes(id),  -- id of version 1 (itself for version 1)
  version             INTEGER NOT NULL CHECK (version >= 1),
  previous_version_id INTEGER REFERENCES routes(id),
  name                TEXT NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 200),
  description         TEXT NOT NULL DEFAULT '',
  status              TEXT NOT NULL DEFAULT 'draft'
                        CHECK (status IN ('draft', 'validated', 'retired')),
  created_at          TEXT NOT NULL,
  created_by          INTEGER REFERENCES users(id),
  updated_at          TEXT NOT NULL,
  validated_at        TEXT,
  validated_by        INTEGER REFERENCES users(id),
  retired_at          TEXT,
  retired_reason      TEXT,
  CHECK ((status = 'retired') = (retired_at IS NOT NULL))
);
CREATE UNIQUE INDEX routes_lineage_version ON routes(lineage_id, version);
CREATE INDEX routes_target ON routes(target_compound_id);
CREATE INDEX routes_start_up ON routes(start_up_id);

-- One step (reaction) of a route. Active rows have retired_at NULL; step numbers are unique
-- among the active rows of a route and never reused.
CREATE TABLE route_steps (
  id                        INTEGER PRIMARY KEY AUTOINCREMENT,
  route_id                  INTEGER NOT NULL REFERENCES routes(id),
  number                    INTEGER NOT NULL CHECK (number >= 1),
  revision                  INTEGER NOT NULL DEFAULT 1 CHECK (revision >= 1),
  name                      TEXT NOT NULL DEFAULT '',
  reaction_smiles           TEXT NOT NULL DEFAULT '',  -- as submitted
  rxn_block                 TEXT,                       -- as submitted (V2000 RXN)
  canonical_reaction_smiles TEXT NOT NULL,              -- computed (RDKit)
  temperature_c             REAL,
  time_h                    REAL CHECK (time_h IS NULL OR time_h >= 0),
  pressure_bar              REAL CHECK (pressure_bar IS NULL OR pressure_bar >= 0),
  atmosphere                TEXT NOT NULL DEFAULT '',
  mode                      TEXT CHECK (mode IS NULL OR mode IN ('batch', 'flow')),
  workup                    TEXT NOT NULL DEFAULT '',   -- comma-separated methods
  isolated_yield            REAL CHECK (isolated_yield IS NULL OR
                                        (isolated_yield >= 0 AND isolated_yield <= 100)),
  scale_amount              REAL CHECK (scale_amount IS NULL OR scale_amount >= 0),
  scale_unit                TEXT,
  notes                     TEXT NOT NULL DEFAULT '',
  created_at                TEXT NOT NULL,
  created_by                INTEGER REFERENCES users(id),
  retired_at                TEXT,
  retired_reason            TEXT,
  CHECK (reaction_smiles <> '' OR rxn_block IS NOT NULL)
);
CREATE UNIQUE INDEX route_steps_active_number ON route_steps(route_id, number)
  WHERE retired_at IS NULL;
CREATE INDEX route_steps_route ON route_steps(route_id);

-- Components of a step revision: every species of the reaction (role resolved) and the
-- components outside it (work-up solvents, drying agents, ...).
CREATE TABLE route_step_components (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  step_id          INTEGER NOT NULL REFERENCES route_steps(id),
  position         INTEGER NOT NULL CHECK (position >= 0),
  side             TEXT NOT NULL CHECK (side IN ('reactant', 'agent', 'product', 'extra')),
  role             TEXT NOT NULL CHECK (role IN ('reactant', 'reagent', 'catalyst', 'solvent',
                                                 'product', 'by-product')),
  coefficient      INTEGER NOT NULL DEFAULT 0 CHECK (coefficient >= 0),
  smiles           TEXT NOT NULL DEFAULT '',
  name             TEXT NOT NULL DEFAULT '',
  canonical_smiles TEXT,                    -- computed (RDKit)
  inchikey         TEXT,                    -- computed (libinchi)
  formula          TEXT,                    -- computed (RDKit)
  molar_mass       REAL,                    -- computed (RDKit), g/mol
  amount           REAL CHECK (amount IS NULL OR amount >= 0),
  unit             TEXT CHECK (unit IS NULL OR unit IN
                     ('mg', 'g', 'kg', 't', 'uL', 'mL', 'L', 'm3', 'umol', 'mmol', 'mol')),
  density          REAL CHECK (density IS NULL OR density > 0),
  equivalents      REAL CHECK (equivalents IS NULL OR equivalents >= 0),
  origin           TEXT CHECK (origin IS NULL OR origin IN ('fossil', 'bio-based',
                                                           'waste-derived')),
  from_step        INTEGER CHECK (from_step IS NULL OR from_step >= 1),
  compound_id      INTEGER REFERENCES compounds(id),
  UNIQUE (step_id, position)
);
CREATE INDEX route_step_components_inchikey ON route_step_components(inchikey);
CREATE INDEX route_step_components_compound ON route_step_components(compound_id);

CREATE TRIGGER routes_no_delete BEFORE DELETE ON routes
BEGIN SELECT RAISE(ABORT, 'routes are retired, never deleted'); END;
CREATE TRIGGER route_steps_no_delete BEFORE DELETE ON route_steps
BEGIN SELECT RAISE(ABORT, 'route steps are retired, never deleted'); END;
CREATE TRIGGER route_step_components_no_delete BEFORE DELETE ON route_step_components
BEGIN SELECT RAISE(ABORT, 'step components are kept with their step revision'); END;
CREATE TRIGGER route_step_components_no_update BEFORE UPDATE ON route_step_components
BEGIN SELECT RAISE(ABORT, 'step components are kept with their step revision'); END;
