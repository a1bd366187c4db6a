-- 0052 (issue 15): substances wherever compounds are used.
--
-- Products: a product is made of one compound, one substance, or a formulation whose
-- components are compounds, substances or named ingredients. The 0004 CHECK on
-- products.composition cannot be changed without rebuilding products (and every view and
-- trigger that names it), so a product made of one substance keeps composition
-- 'formulation' in the row with no component rows and substance_id set; db/product_store.cpp
-- reads it as composition "substance". A substance component keeps the substance's code in
-- `name` (the 0004 CHECK wants a name or a compound), never the substance's own name.
ALTER TABLE products ADD COLUMN substance_id INTEGER REFERENCES substances(id);
ALTER TABLE product_components ADD COLUMN substance_id INTEGER REFERENCES substances(id);
CREATE INDEX products_substance ON products(substance_id);
CREATE INDEX product_components_substance ON product_components(substance_id);

-- Synthesis steps: a component may be a substance (used cooking oil as a feedstock). Its
-- compound_id is then the representative constituent the chemist named, if any.
ALTER TABLE route_step_components ADD COLUMN substance_id INTEGER REFERENCES substances(id);
CREATE INDEX route_step_components_substance ON route_step_components(substance_id);
