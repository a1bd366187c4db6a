-- 0040 (issue 4, after 0004): the synthesis routes that make a product. A route makes one
-- registered parent (routes.target_compound_id); it is linked to a product made of that
-- compound, alone or as a registered formulation component. The links are part of the
-- product: set with the product (route_ids), audited in the product's snapshot.
CREATE TABLE product_routes (
  product_id INTEGER NOT NULL REFERENCES products(id),
  route_id   INTEGER NOT NULL REFERENCES routes(id),
  position   INTEGER NOT NULL CHECK (position >= 1),
  PRIMARY KEY (product_id, route_id)
);
CREATE INDEX product_routes_route ON product_routes(route_id);
