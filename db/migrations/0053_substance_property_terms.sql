-- 0053 (issue 15): more characterising properties in the substance vocabulary, for what the
-- cluster makes beyond 0050's oils, extracts and carbons: virgin-oil quality (free fatty
-- acids, UV extinction), chitosan (degree of deacetylation), extracts (flavonoids, DPPH),
-- and compost and bio-fertilisers (nitrogen, organic matter, C/N ratio, conductivity).
-- Leads and administrators add further terms through the API.
INSERT INTO substance_property_terms(key, name, unit, min_value, max_value, description, created_at)
VALUES
  ('free_fatty_acids', 'Free fatty acids (as oleic acid)', '% w/w', 0, 100,
   'Acidity of virgin oils (ISO 660), expressed as oleic acid; the grade limit of virgin argan and olive oils.', '2026-12-07T00:00:00.000Z'),
  ('k232', 'Specific UV extinction at 232 nm', 'K(1 %, 1 cm)', 0, 20,
   'Conjugated dienes of oxidised oils (ISO 3656).', '2026-12-07T00:00:00.000Z'),
  ('k270', 'Specific UV extinction at 270 nm', 'K(1 %, 1 cm)', 0, 20,
   'Conjugated trienes and secondary oxidation products of oils (ISO 3656).', '2026-12-07T00:00:00.000Z'),
  ('degree_of_deacetylation', 'Degree of deacetylation', '% mol', 0, 100,
   'Glucosamine units among all units of chitosan (1H NMR, ASTM F2260; or titration).', '2026-12-07T00:00:00.000Z'),
  ('total_flavonoids_qe', 'Total flavonoids (as quercetin)', 'mg QE/g', 0, 1000,
   'Aluminium chloride colorimetric assay, as quercetin equivalents.', '2026-12-07T00:00:00.000Z'),
  ('dpph_ic50', 'DPPH radical scavenging (IC50)', 'ug/mL', 0, 100000,
   'Concentration that scavenges half of the DPPH radical; lower is more antioxidant.', '2026-12-07T00:00:00.000Z'),
  ('total_nitrogen', 'Total nitrogen', '% w/w', 0, 100,
   'Kjeldahl or Dumas nitrogen, on dry matter (compost, bio-fertilisers).', '2026-12-07T00:00:00.000Z'),
  ('organic_matter', 'Organic matter', '% w/w', 0, 100,
   'Loss on ignition at 550 °C, on dry matter (EN 15935).', '2026-12-07T00:00:00.000Z'),
  ('c_n_ratio', 'Carbon to nitrogen ratio', 'ratio', 0, 1000,
   'Organic carbon over total nitrogen; compost maturity.', '2026-12-07T00:00:00.000Z'),
  ('electrical_conductivity', 'Electrical conductivity', 'mS/cm', 0, 1000,
   'Of a 1:5 water extract (EN 13038).', '2026-12-07T00:00:00.000Z');
